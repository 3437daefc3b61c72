// The lines a console session types: each short enough for a terminal in canonical mode, and
// together the command exactly, as a POSIX shell reads them.
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { MAX_LINE_BYTES, assignment, commandLines, longestLineBytes } from '../../lib/sessions/console-command.ts';

const LONG = Array.from({ length: 300 }, (_, i) => `${i}: 'single' "double" $HOME \\ é 😀 ${'z'.repeat(i % 70)}`).join('\n') + `\n${"'".repeat(2000)}`;

test('a short command goes in the frame line itself', () => {
  expect(commandLines("echo 'hi'", 'ab1')).toBe(`printf '%s_%s_S__\\n' __VPC ab1; (eval 'echo '\\''hi'\\''') </dev/null; printf '\\n%s_%s_E_%d__\\n' __VPC ab1 $?\n`);
});

test('a long command is typed in lines no longer than the limit', () => {
  const text = commandLines(LONG, 'ab2');
  expect(Buffer.byteLength(LONG)).toBeGreaterThan(10 * MAX_LINE_BYTES);
  expect(longestLineBytes(text)).toBeLessThanOrEqual(MAX_LINE_BYTES);
  expect(text.endsWith(`(eval "$__VPC_C") </dev/null; printf '\\n%s_%s_E_%d__\\n' __VPC ab2 $?\n`)).toBe(true);
  // One line of 6000 safe characters, as well as many lines with quotes.
  expect(longestLineBytes(commandLines(`echo ${'x'.repeat(6000)}`, 'ab3'))).toBeLessThanOrEqual(MAX_LINE_BYTES);
});

for (const [name, text] of [['quotes, newlines and multi-byte characters', LONG], ['one long word', 'x'.repeat(5000)], ['nothing', '']] as const) {
  test(`the assembled variable holds the command exactly: ${name}`, () => {
    const script = `${assignment(text)}printf %s "$__VPC_C"\n`;
    expect(execFileSync('/bin/sh', [], { input: script }).toString('utf8')).toBe(text);
  });
}
