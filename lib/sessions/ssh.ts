// A Session over SSH on a byte stream the target provides (lab: a relay into the VM's namespace;
// cluster: KubeVirt port-forward or a jump host). One connection per VM and one interactive
// shell on it, framed like a serial console: an exec per command would make sshd set up a PAM
// session each time (about 140 ms, several times that under load), a framed command costs ~2 ms.
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';
import { openConsoleSession } from './console.ts';
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

/** What a failed login says, beyond ssh2's own words; each message is put after `prefix`. */
export interface SshLogin {
  /** Whose login it is, e.g. "vm1: ". */
  readonly prefix: string;
  /** Why the server's host key is refused; undefined accepts it. */
  readonly verifyHostKey: (key: Buffer) => string | undefined;
  readonly keyRefused: string;
  /** Followed by ": " and ssh2's reason. */
  readonly failed: string;
  readonly closed: string;
  /** Whether a key ssh2 cannot read is a refusal: one the user gave is theirs to fix, no retry helps. */
  readonly unreadableKeyRefused: boolean;
}

/**
 * Connects `client` and resolves once logged in. Every failure is one SessionError, `refused`
 * when the server turned vpcheck away (host key, user key) rather than could not be reached.
 */
export function loginSsh(client: Client, config: ConnectConfig, login: SshLogin): Promise<void> {
  let hostKeyRefusal: string | undefined;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (message: string, refused = false): void => {
      if (settled) return;
      settled = true;
      client.end();
      config.sock?.destroy();
      reject(new SessionError(`${login.prefix}${message}`, '', refused));
    };
    // ssh2 may report a failure twice (the cause, then the lost connection): listen for all.
    // After login these stay as no-ops, so a later error is never an unhandled 'error' event.
    client.on('error', (err: Error & { level?: string }) => {
      if (hostKeyRefusal !== undefined) fail(hostKeyRefusal, true);
      else if (err.level === 'client-authentication') fail(login.keyRefused, true);
      else fail(`${login.failed}: ${err.message}`);
    });
    client.once('close', () => fail(login.closed));
    client.once('ready', () => {
      settled = true;
      resolve();
    });
    try {
      client.connect({
        ...config,
        readyTimeout: config.readyTimeout ?? DEFAULT_READY_TIMEOUT_MS,
        // A peer that vanishes sends no FIN or RST: unanswered keepalives are how we notice.
        keepaliveInterval: config.keepaliveInterval ?? DEFAULT_KEEPALIVE_MS,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer) => {
          hostKeyRefusal = login.verifyHostKey(key);
          return hostKeyRefusal === undefined;
        },
      });
    } catch (err) {
      // ssh2 rejects an unreadable key synchronously; its message names the format, not the key.
      fail(`ssh client set-up failed: ${(err as Error).message}`, login.unreadableKeyRefused);
    }
  });
}

export async function openSshSession(stream: Duplex, options: SshOptions): Promise<SshSession> {
  const client = new Client();
  let seenKey: Buffer | undefined;
  // ssh2 takes a stream whose reading side ended (a websocket closed under it) for half-open:
  // it stops its keepalives and waits for a 'close' that such streams never send, so commands
  // would wait out their timeout. SSH has no use for half-open: the connection is over.
  stream.once('end', () => stream.destroy());
  await loginSsh(client, {
    sock: stream,
    username: options.username,
    privateKey: options.privateKey,
    readyTimeout: options.readyTimeoutMs,
    keepaliveInterval: options.keepaliveMs,
  }, {
    prefix: `${options.vm}: `,
    verifyHostKey: (key) => {
      seenKey = Buffer.from(key);
      return !options.hostKey || seenKey.equals(options.hostKey)
        ? undefined
        : `host key mismatch: expected ${fingerprint(options.hostKey)}, the VM presented ${fingerprint(seenKey)}`;
    },
    keyRefused: `ssh refused the key for user ${options.username}`,
    failed: 'ssh connection failed',
    closed: 'ssh connection closed before login',
    unreadableKeyRefused: false,
  });
  const ssh = new Ssh(client, options.vm, seenKey!, options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
  await ssh.start();
  return ssh;
}

/**
 * A shell on a logged-in connection that others may share (a user's host): closing the session
 * closes its shell only when `endClient` is false.
 */
export async function openShellSession(client: Client, name: string, commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS, { endClient }: { endClient: boolean }): Promise<Session> {
  const shell = new Shell(client, name, commandTimeoutMs, endClient);
  await shell.start();
  return shell;
}

/** A pty shell (so it prints a prompt) on an SSH connection, driven by the console protocol. */
class Shell implements Session {
  readonly transport = 'ssh' as const;
  private shell!: Session;
  private closedReason: string | undefined;

  constructor(
    private readonly client: Client,
    readonly vm: string,
    private readonly defaultTimeoutMs: number,
    private readonly endClient: boolean,
  ) {
    // After login an error always comes with a close; the close is what commands see.
    client.on('error', () => undefined);
    client.once('close', () => (this.closedReason ??= 'ssh connection closed'));
  }

  async run(command: string, options: RunOptions = {}): Promise<CommandResult> {
    if (this.closedReason) throw new SessionError(`${this.vm}: ${this.closedReason} before "${command.slice(0, 80)}"`);
    try {
      return await this.shell.run(command, { timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs });
    } catch (err) {
      const reason = this.closedReason ? `${this.closedReason} during "${command.slice(0, 80)}"` : (err as Error).message.replace(`${this.vm}: `, '');
      throw new SessionError(`${this.vm}: ${reason}`, err instanceof SessionError ? err.transcript : '');
    }
  }

  async close(): Promise<void> {
    this.closedReason ??= 'session closed';
    await this.shell?.close().catch(() => undefined);
    if (this.endClient) this.client.end();
  }

  /** No login: SSH did that. A failure ends a connection this shell owns. */
  async start(): Promise<void> {
    try {
      this.shell = await new Promise<Session>((resolve, reject) => {
        this.client.shell({ term: 'dumb', cols: 1000, rows: 50 }, (err, channel) => {
          if (err) return reject(new SessionError(`${this.vm}: ssh shell failed: ${err.message}`));
          openConsoleSession(channel, { vm: this.vm, username: '', password: '', loginTimeoutMs: this.defaultTimeoutMs, commandTimeoutMs: this.defaultTimeoutMs }).then(resolve, reject);
        });
      });
    } catch (err) {
      if (this.endClient) this.client.end();
      throw err;
    }
  }
}

/** A VM's own SSH connection: its shell, and the host key it presented. */
class Ssh extends Shell implements SshSession {
  readonly hostKeyFingerprint: string;

  constructor(client: Client, vm: string, readonly hostKey: Buffer, defaultTimeoutMs: number) {
    super(client, vm, defaultTimeoutMs, true);
    this.hostKeyFingerprint = fingerprint(hostKey);
  }
}
