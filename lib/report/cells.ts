// Names and keys of result cells shared by every report format.
import type { CellResult, RunResult } from '../run/result.ts';
import { bytesText, probeLabel } from '../topology/probe-label.ts';

type Probed = Pick<CellResult, 'probe' | 'port' | 'size'>;

/** "vm1 -> vm2 icmp", "vm1 -> vm2 tcp/443", "vm1 -> vm2 mtu 1472": the name of a cell in every report. */
export function cellLabel(c: Pick<CellResult, 'from' | 'to'> & Probed): string {
  return `${c.from} -> ${c.to} ${probeLabel(c)}`;
}


/**
 * What an mtu or bulk cell measured, in words: "largest passing payload 1372 of 1472",
 * "10 MB back in 562 ms (142.3 Mbit/s)", "0 B of 10 MB back in 10149 ms"; undefined for others.
 */
export function measureText(c: Probed & Pick<CellResult, 'detail'>): string | undefined {
  const d = c.detail;
  if (c.probe === 'mtu' && d.largestPayload !== undefined) return `largest passing payload ${d.largestPayload} of ${c.size}`;
  if (c.probe !== 'bulk' || d.bytes === undefined) return undefined;
  const time = d.transferMs !== undefined ? ` in ${d.transferMs} ms` : '';
  const rate = d.bytes === c.size && d.throughputMbps !== undefined ? ` (${d.throughputMbps} Mbit/s)` : '';
  return `${d.bytes === c.size ? bytesText(d.bytes) : `${bytesText(d.bytes)} of ${bytesText(c.size ?? 0)}`} back${time}${rate}`;
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
