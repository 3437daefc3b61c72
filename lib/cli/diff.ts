// `vpcheck diff`: the cells that changed between two saved runs; exit 1 on a regression (a cell
// that passed in the old run fails in the new one), so a nightly job can gate on it.
import { writeFile } from 'node:fs/promises';
import { diffRuns, renderDiffText } from '../report/diff.ts';
import { renderDiffHtml } from '../report/html-diff.ts';
import { redact, redactText } from '../secrets/redact.ts';
import { EXIT, type Io } from './io.ts';
import { readResults } from './report.ts';

export interface DiffOptions {
  readonly html?: string;
  readonly json?: boolean;
}

export async function diffCommand(oldFile: string, newFile: string, options: DiffOptions, io: Io): Promise<number> {
  const [before, after] = await Promise.all([readResults(oldFile), readResults(newFile)]);
  for (const r of [before, after]) if (typeof r === 'string') io.err(r);
  if (typeof before === 'string' || typeof after === 'string') return EXIT.invalid;
  const diff = diffRuns(before, after);
  io.out(options.json ? JSON.stringify(redact(diff), null, 2) : redactText(renderDiffText(diff)));
  if (options.html) {
    await writeFile(options.html, renderDiffHtml(diff));
    io.err(`HTML diff written to ${options.html}`);
  }
  return diff.regressions ? EXIT.failed : EXIT.ok;
}
