// The reading side of a console: accumulates the cleaned text and lets one caller at a time wait
// for a pattern in it, with a deadline and a clear failure when the stream drops.
import type { Duplex } from 'node:stream';
import { SessionError } from './session.ts';
import { TerminalText, lastScreen, stripKernelMessages } from './terminal.ts';

// History kept behind the current waiter: the last screen for error transcripts comes from it.
const KEEP_BEHIND = 64 * 1024;

export interface WaitOptions {
  readonly timeoutMs: number;
  /** What was awaited, for the error message ("login prompt", "end of command"). */
  readonly describe: string;
  /** Only re-check when a line completes: keeps a byte-at-a-time console linear, not quadratic. */
  readonly onLine?: boolean;
}

interface Waiter {
  readonly from: number;
  readonly check: (text: string) => boolean;
  readonly onLine: boolean;
}

export class ConsoleIo {
  private text = '';
  /** Absolute position of text[0]: positions stay valid when old text is dropped. */
  private offset = 0;
  private endReason: string | undefined;
  private waiter: Waiter | undefined;
  private readonly listeners = new Set<(reason: string) => void>();

  constructor(
    private readonly stream: Duplex,
    private readonly secrets: readonly string[],
  ) {
    const cleaner = new TerminalText();
    stream.on('data', (chunk: Buffer | string) => this.append(cleaner.push(chunk)));
    stream.on('end', () => this.end('the console stream ended'));
    stream.on('close', () => this.end('the console stream closed'));
    stream.on('error', (err: Error) => this.end(`the console stream failed: ${err.message}`));
  }

  get position(): number {
    return this.offset + this.text.length;
  }

  get closed(): boolean {
    return this.endReason !== undefined;
  }

  /** The last lines the console showed, secrets redacted. */
  screen(): string {
    return lastScreen(this.text, this.secrets);
  }

  write(data: string): void {
    if (!this.closed && this.stream.writable) this.stream.write(data);
  }

  /** The text since `from`, kernel messages removed. */
  since(from: number): string {
    return stripKernelMessages(this.text.slice(Math.max(0, from - this.offset)));
  }

  /**
   * Resolves with the first non-undefined result of `match` on the text since `from`; rejects
   * with a SessionError carrying the last screen on timeout or when the stream ends.
   */
  waitFor<T>(from: number, match: (text: string) => T | undefined, options: WaitOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail = (message: string): void => {
        finish();
        reject(new SessionError(message, this.screen()));
      };
      const check = (text: string): boolean => {
        const found = match(text);
        if (found === undefined) return false;
        finish();
        resolve(found);
        return true;
      };
      const onEnd = (reason: string): void => fail(`${reason} while waiting for ${options.describe}`);
      const timer = setTimeout(() => fail(`no ${options.describe} within ${options.timeoutMs} ms`), options.timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.waiter = undefined;
        this.listeners.delete(onEnd);
      };
      if (this.endReason !== undefined) return onEnd(this.endReason);
      this.listeners.add(onEnd);
      this.waiter = { from, check, onLine: options.onLine ?? false };
      check(this.since(from));
    });
  }

  private append(clean: string): void {
    if (!clean) return;
    this.text += clean;
    const waiter = this.waiter;
    this.trim(waiter?.from ?? this.position);
    if (waiter && (!waiter.onLine || clean.includes('\n'))) waiter.check(this.since(waiter.from));
  }

  private trim(keepFrom: number): void {
    const drop = Math.min(keepFrom, this.position - KEEP_BEHIND) - this.offset;
    if (drop > KEEP_BEHIND) {
      this.text = this.text.slice(drop);
      this.offset += drop;
    }
  }

  private end(reason: string): void {
    if (this.endReason !== undefined) return;
    this.endReason = reason;
    for (const listener of [...this.listeners]) listener(reason);
  }
}
