// Names and keys of result cells shared by every report format.
import type { CellResult, RunResult } from '../run/result.ts';

/** "vm1 -> vm2 icmp" or "vm1 -> vm2 tcp/443": the name of a cell in every report. */
export function cellLabel(c: Pick<CellResult, 'from' | 'to' | 'probe' | 'port'>): string {
  return `${c.from} -> ${c.to} ${c.probe === 'tcp' ? `tcp/${c.port}` : c.probe}`;
}

export type CellStatus = 'pass' | 'fail' | 'error';

/** An `error` cell is inconclusive (the probe could not run), never a network verdict. */
export function statusOf(c: Pick<CellResult, 'pass' | 'observed'>): CellStatus {
  if (c.pass) return 'pass';
  return c.observed === 'error' ? 'error' : 'fail';
}

export function triesText(n: number): string {
  return `${n} ${n === 1 ? 'try' : 'tries'}`;
}

/** A saved result is one RunResult or, for several topologies, an array of them. */
export function resultList(input: RunResult | readonly RunResult[]): readonly RunResult[] {
  return 'phases' in input ? [input] : input;
}
