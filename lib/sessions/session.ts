// A shell inside a VM. Transports (serial console, SSH, exec API) differ; callers do not.

export type Transport = 'console' | 'ssh' | 'exec';

export interface CommandResult {
  readonly exitCode: number;
  /** stdout and stderr interleaved as the VM printed them (a console cannot tell them apart). */
  readonly output: string;
  readonly durationMs: number;
}

export interface RunOptions {
  /** Give up after this long; the session is then unusable and must be closed. */
  readonly timeoutMs?: number;
}

export interface Session {
  readonly transport: Transport;
  readonly vm: string;
  run(command: string, options?: RunOptions): Promise<CommandResult>;
  close(): Promise<void>;
}

/** A session that could not be used: never a network verdict, reported as outcome `error`. */
export class SessionError extends Error {
  constructor(
    message: string,
    /** What the session showed last (terminal screen, sshd banner), secrets redacted. */
    readonly transcript = '',
    /**
     * The VM answered and refused: a wrong password or key, another host key. Connecting again
     * cannot help, so reconnecting sessions give up at once.
     */
    readonly refused = false,
  ) {
    super(message);
    this.name = 'SessionError';
  }
}
