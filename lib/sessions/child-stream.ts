// A child process's stdin/stdout as one Duplex: how a console pty (`script`) or a TCP relay into a
// VM's network namespace (`ip netns exec NS socat STDIO TCP:IP:22`) becomes a session's stream.
import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';

// What the child printed on stderr last, so that a relay that could not connect says why.
const STDERR_TAIL = 2048;
const TERM_GRACE_MS = 500;
const KILL_GRACE_MS = 1000;

export interface ChildStream {
  readonly stream: Duplex;
  readonly pid: number;
  /** Resolves with the exit code (null when killed by a signal) once the child is gone. */
  readonly exited: Promise<number | null>;
  /** Ends stdin, then SIGTERM and SIGKILL by pid if the child lingers; resolves when it is gone. */
  close(): Promise<void>;
}

export interface SpawnStreamOptions {
  readonly env?: NodeJS.ProcessEnv;
}

export function spawnStream(file: string, args: readonly string[], options: SpawnStreamOptions = {}): ChildStream {
  const child = spawn(file, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid === undefined) {
    // spawn reports a missing executable asynchronously; the stream fails the same way.
    const stream = new Duplex({ read() {}, write(_c, _e, cb) { cb(); } });
    const error = new Promise<Error>((resolve) => child.once('error', resolve));
    void error.then((err) => stream.destroy(new Error(`cannot start ${file}: ${err.message}`)));
    return { stream, pid: -1, exited: error.then(() => null), close: async () => void stream.destroy() };
  }
  let closing = false;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-STDERR_TAIL)));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const stream = childStream(child, () => stderr, () => closing);
  const close = async (): Promise<void> => {
    closing = true;
    child.stdin!.end();
    if (await settles(exited, TERM_GRACE_MS)) return;
    child.kill('SIGTERM');
    if (await settles(exited, KILL_GRACE_MS)) return;
    child.kill('SIGKILL');
    await exited;
  };
  return { stream, pid: child.pid, exited, close };
}

/**
 * Wraps a spawned child's stdio. When the child exits with a failure the stream is destroyed with
 * an error naming the exit status and the child's stderr; a clean exit ends it.
 */
export function childStream(child: ChildProcess, stderr: () => string = () => '', closing: () => boolean = () => false): Duplex {
  const stdout = child.stdout!;
  const stdin = child.stdin!;
  const stream = new Duplex({
    read() {
      stdout.resume();
    },
    write(chunk: Buffer, encoding, callback) {
      if (stdin.destroyed || !stdin.writable) return callback();
      stdin.write(chunk, encoding, (err) => callback(err ?? undefined));
    },
    final(callback) {
      stdin.end(() => callback());
    },
    destroy(err, callback) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      callback(err);
    },
  });
  // A child that exits while we write gives EPIPE; its exit is reported below instead.
  stdin.on('error', () => undefined);
  // The failure reaches whoever listens (a session); one nobody listens to must not end the run.
  stream.on('error', () => undefined);
  stdout.on('data', (data: Buffer) => {
    if (!stream.push(data)) stdout.pause();
  });
  child.once('close', (code, signal) => {
    if (stream.destroyed) return;
    if ((code === 0 || closing()) && !signal) {
      // The child is gone, so the writable side is dead too: close fully once the reader has the
      // last bytes (ssh2 waits for 'close', not 'end').
      stream.once('end', () => stream.destroy());
      return void stream.push(null);
    }
    const why = signal ? `was killed by ${signal}` : `exited with status ${code}`;
    const tail = stderr().trim();
    stream.destroy(new Error(`${child.spawnfile} ${why}${tail ? `: ${tail}` : ''}`));
  });
  return stream;
}

async function settles(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  const done = await Promise.race([promise.then(() => true), timeout]);
  clearTimeout(timer);
  return done;
}
