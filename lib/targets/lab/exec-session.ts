// A Session that runs commands in the VM's namespace through one shell started there with
// `ip netns exec`: no login, the most direct transport (the lab's equivalent of a cluster's exec
// API). One shell per VM, not one process per command: a fork from the runner costs tens of
// milliseconds once its heap is a few hundred MB, and blocks its event loop meanwhile (425 spawns
// were 52 s of a 100-VM run), while a fork from a small shell costs next to nothing.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { shellQuote } from '../../sessions/quote.ts';
import { SessionError, type CommandResult, type RunOptions, type Session } from '../../sessions/session.ts';

const DEFAULT_TIMEOUT_MS = 60_000;

interface Shell {
  readonly child: ChildProcessWithoutNullStreams;
  output: string;
  /** Called on every chunk and when the shell ends (`ended` set). */
  onData?: () => void;
  ended?: string;
}

export class ExecSession implements Session {
  readonly transport = 'exec' as const;
  private shell?: Shell;
  /** Commands share the shell one at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly vm: string, private readonly namespace: string) {}

  run(command: string, options: RunOptions = {}): Promise<CommandResult> {
    const result = this.queue.then(() => this.runNow(command, options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.shell) this.kill(this.shell);
  }

  private runNow(command: string, timeoutMs: number): Promise<CommandResult> {
    const shell = (this.shell && !this.shell.ended ? this.shell : undefined) ?? this.start();
    const started = Date.now();
    // The command runs in a child bash of its own (an `exit` or `cd` in it leaves the shell as it
    // was), reads no input meant for the shell, and is followed by a line no output can forge.
    const end = `VPCHECK-END-${randomBytes(6).toString('hex')}`;
    shell.output = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        finish();
        this.kill(shell);
        reject(new SessionError(`${this.vm}: command timed out after ${timeoutMs} ms`, shell.output));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        shell.onData = undefined;
      };
      shell.onData = () => {
        const at = shell.output.indexOf(`\n${end} `);
        const line = at >= 0 ? /^ (\d+)\n/.exec(shell.output.slice(at + end.length + 1)) : null;
        if (line) {
          finish();
          resolve({ exitCode: Number(line[1]), output: shell.output.slice(0, at), durationMs: Date.now() - started });
        } else if (shell.ended !== undefined) {
          finish();
          reject(new SessionError(`${this.vm}: could not run the command: ${shell.ended}`, shell.output));
        }
      };
      shell.child.stdin.write(`bash -c ${shellQuote(command)} </dev/null 2>&1; printf '\\n%s %d\\n' ${end} $?\n`);
      shell.onData();
    });
  }

  private start(): Shell {
    // Its own process group, so a timeout ends the command's children too.
    const child = spawn('ip', ['netns', 'exec', this.namespace, 'bash', '--norc', '--noprofile'], { detached: true, env: { ...process.env, LC_ALL: 'C' } });
    const shell: Shell = { child, output: '' };
    const data = (chunk: Buffer) => {
      shell.output += chunk.toString();
      shell.onData?.();
    };
    child.stdout.on('data', data);
    child.stderr.on('data', data);
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => this.ended(shell, e.message));
    child.on('exit', (code, signal) => this.ended(shell, signal ? `the shell was killed by ${signal}` : `the shell exited with ${code}`));
    this.shell = shell;
    return shell;
  }

  private ended(shell: Shell, why: string): void {
    shell.ended ??= why;
    shell.onData?.();
  }

  private kill(shell: Shell): void {
    if (shell.ended !== undefined || shell.child.pid === undefined) return;
    try {
      process.kill(-shell.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
