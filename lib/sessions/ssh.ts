// A Session over SSH on a byte stream the target provides (lab: a relay into the VM's namespace;
// cluster: KubeVirt port-forward or a jump host). One connection per VM, one exec per command.
import { createHash } from 'node:crypto';
import { constants } from 'node:os';
import type { Duplex } from 'node:stream';
import { Client, type ClientChannel } from 'ssh2';
import { serializer } from './serial.ts';
import { SessionError, type CommandResult, type RunOptions, type Session } from './session.ts';

export interface SshOptions {
  readonly vm: string;
  readonly username: string;
  readonly privateKey: string | Buffer;
  /** The expected host key blob (as sent on the wire); when absent the first key seen is accepted and recorded. */
  readonly hostKey?: Buffer;
  readonly readyTimeoutMs?: number;
  readonly commandTimeoutMs?: number;
  /** Interval of SSH keepalives; three unanswered ones end the session. */
  readonly keepaliveMs?: number;
}

export interface SshSession extends Session {
  /** The host key blob the VM presented. */
  readonly hostKey: Buffer;
  /** Its OpenSSH fingerprint, "SHA256:..." as `ssh-keygen -lf` prints it. */
  readonly hostKeyFingerprint: string;
}

const DEFAULT_READY_TIMEOUT_MS = 20_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;
const DEFAULT_KEEPALIVE_MS = 1000;

export function fingerprint(hostKey: Buffer): string {
  return `SHA256:${createHash('sha256').update(hostKey).digest('base64').replace(/=+$/, '')}`;
}

export function openSshSession(stream: Duplex, options: SshOptions): Promise<SshSession> {
  const client = new Client();
  let seenKey: Buffer | undefined;
  return new Promise<SshSession>((resolve, reject) => {
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      client.end();
      stream.destroy();
      reject(new SessionError(`${options.vm}: ${message}`));
    };
    const onError = (err: Error & { level?: string }): void => {
      if (options.hostKey && seenKey && !seenKey.equals(options.hostKey)) {
        fail(`host key mismatch: expected ${fingerprint(options.hostKey)}, the VM presented ${fingerprint(seenKey)}`);
      } else if (err.level === 'client-authentication') {
        fail(`ssh refused the key for user ${options.username}`);
      } else {
        fail(`ssh connection failed: ${err.message}`);
      }
    };
    const onClose = (): void => fail('ssh connection closed before login');
    // ssh2 may report a failure twice (the cause, then the lost connection): listen for all.
    client.on('error', onError);
    client.once('close', onClose);
    client.once('ready', () => {
      settled = true;
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      resolve(new Ssh(client, options.vm, seenKey!, options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS));
    });
    try {
      client.connect({
        sock: stream,
        username: options.username,
        privateKey: options.privateKey,
        readyTimeout: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
        // A VM that vanishes sends no FIN or RST: unanswered keepalives are how we notice.
        keepaliveInterval: options.keepaliveMs ?? DEFAULT_KEEPALIVE_MS,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer) => {
          seenKey = Buffer.from(key);
          return !options.hostKey || seenKey.equals(options.hostKey);
        },
      });
    } catch (err) {
      // ssh2 rejects an unreadable key synchronously; its message names the format, not the key.
      fail(`ssh client set-up failed: ${(err as Error).message}`);
    }
  });
}

class Ssh implements SshSession {
  readonly transport = 'ssh' as const;
  readonly hostKeyFingerprint: string;
  private readonly serial = serializer();
  private closedReason: string | undefined;

  constructor(
    private readonly client: Client,
    readonly vm: string,
    readonly hostKey: Buffer,
    private readonly defaultTimeoutMs: number,
  ) {
    this.hostKeyFingerprint = fingerprint(hostKey);
    // After login an error always comes with a close; the close is what commands see.
    client.on('error', () => undefined);
    client.once('close', () => (this.closedReason ??= 'ssh connection closed'));
  }

  run(command: string, options: RunOptions = {}): Promise<CommandResult> {
    return this.serial(() => this.execute(command, options.timeoutMs ?? this.defaultTimeoutMs));
  }

  async close(): Promise<void> {
    this.closedReason ??= 'session closed';
    this.client.end();
  }

  private execute(command: string, timeoutMs: number): Promise<CommandResult> {
    const began = Date.now();
    return new Promise<CommandResult>((resolve, reject) => {
      let output = '';
      let channel: ClientChannel | undefined;
      let exit: number | undefined;
      const fail = (message: string): void => {
        cleanup();
        channel?.close();
        reject(new SessionError(`${this.vm}: ${message}`, output.slice(-4096)));
      };
      const onClose = (): void => fail(`${this.closedReason ?? 'ssh connection closed'} during "${command.slice(0, 80)}"`);
      const timer = setTimeout(() => fail(`command did not finish within ${timeoutMs} ms: "${command.slice(0, 80)}"`), timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.client.removeListener('close', onClose);
      };
      if (this.closedReason) return fail(this.closedReason);
      this.client.once('close', onClose);
      this.client.exec(command, (err, ch) => {
        if (err) return fail(`exec failed: ${err.message}`);
        channel = ch;
        const collect = (data: Buffer): void => void (output += data.toString('utf8'));
        ch.on('data', collect);
        ch.stderr.on('data', collect);
        ch.on('exit', (code: number | null, signal?: string) => {
          // A shell reports death by signal N as 128 + N; so does this.
          exit = code ?? 128 + (constants.signals[`SIG${signal?.replace(/^SIG/, '')}` as NodeJS.Signals] ?? 0);
        });
        ch.on('close', () => {
          if (exit === undefined) return fail(`channel closed without an exit status during "${command.slice(0, 80)}"`);
          cleanup();
          resolve({ exitCode: exit, output, durationMs: Date.now() - began });
        });
      });
    });
  }
}
