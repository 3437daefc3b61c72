// What a console session types for one command: the command framed by markers, in lines a
// terminal keeps whole.
import { shellQuote } from './quote.ts';

/**
 * A terminal in canonical mode keeps 4095 bytes of an unfinished line and drops the rest, keeping
 * only the newline (Linux drivers/tty/n_tty.c, N_TTY_BUF_SIZE). bash is in that mode from the end
 * of a command until readline takes the terminal again, and a shell without line editing always
 * is; the session types its next command as soon as the last one's marker shows, so any line may
 * meet canonical mode. A quarter of that limit leaves room for multi-byte characters and escapes.
 */
export const MAX_LINE_BYTES = 1024;
// Code points per piece of a long command: quoting makes at most 4 bytes of each ("'" → '\''; a
// UTF-8 character has at most 4), so a piece's line stays under MAX_LINE_BYTES.
const PIECE = 240;
const VARIABLE = '__VPC_C';

/**
 * The text to type for `command` with marker id `id`. eval keeps any command (several lines, a
 * trailing &) inside the frame; the subshell keeps the interactive shell's job messages ("[1]
 * 1234") out of the output and an `exit` from killing the console; </dev/null stops the command
 * from reading the lines that follow; the marker words are printf arguments so an echo of this
 * line never looks like the marker itself. A command too long for one line is assembled in a
 * shell variable, piece by piece, first.
 */
export function commandLines(command: string, id: string): string {
  const frame = (word: string): string =>
    `printf '%s_%s_S__\\n' __VPC ${id}; (eval ${word}) </dev/null; printf '\\n%s_%s_E_%d__\\n' __VPC ${id} $?\n`;
  const inline = frame(shellQuote(command));
  if (longestLineBytes(inline) <= MAX_LINE_BYTES) return inline;
  return assignment(command) + frame(`"$${VARIABLE}"`);
}

/** POSIX sh lines that leave exactly `text` in the variable, none longer than MAX_LINE_BYTES. */
export function assignment(text: string): string {
  const chars = Array.from(text);
  const lines = [`${VARIABLE}=''\n`];
  for (let i = 0; i < chars.length; i += PIECE) lines.push(`${VARIABLE}="$${VARIABLE}"${shellQuote(chars.slice(i, i + PIECE).join(''))}\n`);
  return lines.join('');
}

export function longestLineBytes(text: string): number {
  return Math.max(...text.split('\n').map((line) => Buffer.byteLength(line)));
}
