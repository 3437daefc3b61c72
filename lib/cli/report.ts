// `vpcheck report`: render a saved JSON result (one run or an array) again, as terminal text,
// HTML or JUnit XML. Also the shared reader of result files for `vpcheck diff`.
import { readFile, writeFile } from 'node:fs/promises';
import type { RunResult } from '../run/result.ts';
import { resultList } from '../report/cells.ts';
import { renderHtml } from '../report/html-page.ts';
import { groupsOf } from '../report/html-matrix.ts';
import { renderJunit } from '../report/junit.ts';
import { redactText } from '../secrets/redact.ts';
import { renderRun } from '../report/terminal.ts';
import { EXIT, type Io } from './io.ts';

export interface ReportOptions {
  readonly html?: string;
  readonly junit?: string;
}

/** The results in a file, or a message naming the file when it is not a vpcheck result. */
export async function readResults(file: string): Promise<readonly RunResult[] | string> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    return `${file}: cannot read a JSON result: ${(e as Error).message}`;
  }
  const list = Array.isArray(value) ? value : [value];
  const bad = list.findIndex((r) => typeof r !== 'object' || r === null || !Array.isArray((r as RunResult).phases) || typeof (r as RunResult).topology !== 'string');
  if (bad >= 0) return `${file}: not a vpcheck run result${list.length > 1 ? ` (entry ${bad})` : ''}: no "topology" and "phases"`;
  return list as RunResult[];
}

/** Writes the HTML and JUnit reports the options ask for (shared with `vpcheck run`). */
export async function writeReports(results: readonly RunResult[], options: ReportOptions, io: Io): Promise<void> {
  const input = results.length === 1 ? results[0]! : results;
  if (options.html) {
    await writeFile(options.html, renderHtml(input));
    io.err(`HTML report written to ${options.html}`);
  }
  if (options.junit) {
    await writeFile(options.junit, renderJunit(input));
    io.err(`JUnit report written to ${options.junit}`);
  }
}

/** The terminal text of a saved result: VM order and subnets come from the recorded layout. */
export function terminalText(result: RunResult, color: boolean): string {
  const groups = result.phases.flatMap(groupsOf);
  const subnet = new Map(groups.flatMap((g) => g.vms.map((vm) => [vm, g.subnet] as const)));
  return redactText(renderRun(result, { color, vms: [...subnet.keys()], groupOf: (vm) => subnet.get(vm) ?? '?' }));
}

export async function reportCommand(file: string, options: ReportOptions, io: Io): Promise<number> {
  const results = await readResults(file);
  if (typeof results === 'string') {
    io.err(results);
    return EXIT.invalid;
  }
  if (!options.html && !options.junit) {
    for (const r of resultList(results)) io.out(terminalText(r, Boolean(io.isTTY && !process.env.NO_COLOR)));
  }
  await writeReports(results, options, io);
  return EXIT.ok;
}
