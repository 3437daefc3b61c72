// Turns a console's raw bytes into plain text. Consoles deliver bytes in arbitrary pieces (a slow
// serial line sends one at a time), so an escape sequence or a UTF-8 character may be split across
// chunks: the cleaner is a state machine that carries the unfinished part over to the next chunk.
import { StringDecoder } from 'node:string_decoder';

type State = 'text' | 'esc' | 'csi' | 'string' | 'string-esc' | 'charset';

// An OSC/DCS string that never terminates must not swallow the rest of the session.
const MAX_STRING_SEQUENCE = 4096;

export class TerminalText {
  private readonly decoder = new StringDecoder('utf8');
  private state: State = 'text';
  private stringLength = 0;

  /** Returns the printable text of the chunk: escapes, CR and other control characters removed. */
  push(chunk: Buffer | string): string {
    const input = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let out = '';
    for (const ch of input) {
      const code = ch.codePointAt(0)!;
      switch (this.state) {
        case 'text':
          if (code === 0x1b) this.state = 'esc';
          else if (code === 0x0a || code === 0x09 || (code >= 0x20 && code !== 0x7f && (code < 0x80 || code > 0x9f))) out += ch;
          break;
        case 'esc':
          if (ch === '[') this.state = 'csi';
          else if (ch === ']' || ch === 'P' || ch === 'X' || ch === '^' || ch === '_') this.enterString();
          else if (ch === '(' || ch === ')' || ch === '*' || ch === '+' || ch === '#' || ch === '%') this.state = 'charset';
          else this.state = 'text'; // two-byte sequences such as ESC 7, ESC =, ESC c
          break;
        case 'csi':
          // A final byte ends the sequence; a control character aborts it, as terminals do.
          if ((code >= 0x40 && code <= 0x7e) || code < 0x20) this.state = 'text';
          break;
        case 'string':
          if (code === 0x07) this.state = 'text';
          else if (code === 0x1b) this.state = 'string-esc';
          else if (++this.stringLength > MAX_STRING_SEQUENCE) this.state = 'text';
          break;
        case 'string-esc':
          this.state = ch === '\\' ? 'text' : 'string';
          break;
        case 'charset':
          this.state = 'text';
          break;
      }
    }
    return out;
  }

  private enterString(): void {
    this.state = 'string';
    this.stringLength = 0;
  }
}

/**
 * Kernel printk lines ("[   12.345678] eth0: link up") reach a serial console at any moment,
 * even in the middle of a line of command output. Removing the message and its newline wherever
 * it starts puts the interrupted line back together. (Output that itself prints printk lines,
 * such as dmesg, loses them: the price of never mistaking a kernel line for command output.)
 */
const KERNEL_MESSAGE = /\[ *\d+\.\d{6}\][^\n]*(?:\n|$)/g;

export function stripKernelMessages(text: string): string {
  return text.includes('.') ? text.replace(KERNEL_MESSAGE, '') : text;
}

/** The last lines of a screen, with each secret replaced, for error transcripts. */
export function lastScreen(text: string, secrets: readonly string[], lines = 20): string {
  let screen = text.slice(-16_384);
  for (const secret of secrets) if (secret) screen = screen.split(secret).join('********');
  return screen.split('\n').slice(-lines).join('\n');
}
