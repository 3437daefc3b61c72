// A Session over a serial console byte stream: a pty in the lab, KubeVirt's console websocket on
// a cluster. The console cannot separate stdout from stderr or tell where output ends, so each
// command is framed by markers that carry a per-command id and the exit status.
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { commandLines } from './console-command.ts';
import { ConsoleIo } from './console-io.ts';
import { logIn } from './console-login.ts';
import { serializer } from './serial.ts';
import { SessionError, type CommandResult, type RunOptions, type Session } from './session.ts';

export interface ConsoleOptions {
  readonly vm: string;
  readonly username: string;
  readonly password: string;
  readonly loginTimeoutMs?: number;
  readonly commandTimeoutMs?: number;
}

const DEFAULT_LOGIN_TIMEOUT_MS = 60_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;
const LOGOUT_GRACE_MS = 1000;

export async function openConsoleSession(stream: Duplex, options: ConsoleOptions): Promise<Session> {
  const io = new ConsoleIo(stream, [options.password]);
  const nonce = randomBytes(4).toString('hex');
  try {
    await logIn(io, options, `${nonce}0`, options.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS);
  } catch (err) {
    stream.destroy();
    throw err instanceof SessionError ? new SessionError(`${options.vm}: ${err.message}`, err.transcript, err.refused) : err;
  }
  return new ConsoleSession(stream, io, options.vm, nonce, options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
}

class ConsoleSession implements Session {
  readonly transport = 'console' as const;
  private readonly serial = serializer();
  private count = 0;
  /** Set once a command timed out: its output may still arrive, so later framing is not trusted. */
  private broken: string | undefined;

  constructor(
    private readonly stream: Duplex,
    private readonly io: ConsoleIo,
    readonly vm: string,
    private readonly nonce: string,
    private readonly defaultTimeoutMs: number,
  ) {}

  run(command: string, options: RunOptions = {}): Promise<CommandResult> {
    // A tab would trigger readline completion and other control characters edit the line.
    if (/[\x00-\x09\x0b-\x1f\x7f]/.test(command)) {
      return Promise.reject(new Error('a console command may contain no control characters but newlines'));
    }
    return this.serial(() => this.execute(command, options.timeoutMs ?? this.defaultTimeoutMs));
  }

  async close(): Promise<void> {
    if (!this.io.closed) {
      // Log out so that the next user of this console meets a login prompt, not our shell.
      this.io.write('exit\n');
      this.stream.end();
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, LOGOUT_GRACE_MS);
        this.stream.once('close', () => resolve(clearTimeout(timer)));
      });
    }
    this.stream.destroy();
  }

  private async execute(command: string, timeoutMs: number): Promise<CommandResult> {
    if (this.broken) throw new SessionError(`${this.vm}: console unusable: ${this.broken}`, this.io.screen());
    const id = `${this.nonce}${++this.count}`;
    const start = `__VPC_${id}_S__\n`;
    const end = new RegExp(`\\n__VPC_${id}_E_(\\d+)__\\n`);
    const began = Date.now();
    const from = this.io.position;
    this.io.write(commandLines(command, id));
    try {
      return await this.io.waitFor(
        from,
        (text) => {
          const match = end.exec(text);
          if (!match) return undefined;
          const begin = text.lastIndexOf(start, match.index);
          const output = begin < 0 ? text.slice(0, match.index) : text.slice(begin + start.length, match.index);
          return { exitCode: Number(match[1]), output, durationMs: Date.now() - began };
        },
        { timeoutMs, describe: `end of command "${summary(command)}"`, onLine: true },
      );
    } catch (err) {
      if (!(err instanceof SessionError)) throw err;
      this.broken = err.message;
      throw new SessionError(`${this.vm}: ${err.message}`, err.transcript);
    }
  }
}

function summary(command: string): string {
  const line = command.split('\n')[0]!;
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
