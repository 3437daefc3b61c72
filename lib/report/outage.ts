// The outage windows of a phase's change as report lines: every bounded window and the worst of
// the rest, with a one-line summary of all of them.
import type { OutageWindow, PhaseResult } from '../run/result.ts';

/** Unbounded windows listed one by one, longest gap first. */
const WORST = 5;

export interface OutageRow {
  readonly path: string;
  readonly text: string;
  /** false: over its bound or unmeasured while bounded. */
  readonly ok: boolean;
}

function describe(w: OutageWindow): string {
  if (w.longestGapMs === undefined || !w.upAtStart) return `not measured: ${w.note ?? 'no reading'}`;
  const lost = w.sent !== undefined && w.received !== undefined ? `, ${Math.max(0, w.sent - w.received)} of ${w.sent} lost` : '';
  const bound = w.maxOutageMs === undefined ? '' : w.pass ? ` (within maxOutageMs ${w.maxOutageMs})` : ` (over maxOutageMs ${w.maxOutageMs})`;
  return `longest gap ${w.longestGapMs} ms${lost}${bound}`;
}

/** The summary line and the listed windows; undefined when the phase had none. */
export function outageReport(phase: PhaseResult): { readonly summary: string; readonly rows: readonly OutageRow[] } | undefined {
  const windows = phase.outages ?? [];
  if (!windows.length) return undefined;
  const measured = windows.filter((w) => w.upAtStart && w.longestGapMs !== undefined).sort((a, b) => b.longestGapMs! - a.longestGapMs!);
  const bounded = windows.filter((w) => w.maxOutageMs !== undefined);
  const worst = measured.filter((w) => w.maxOutageMs === undefined).slice(0, WORST);
  const longest = measured[0];
  const unmeasured = windows.filter((w) => !measured.includes(w));
  const summary = `outage windows during the change: ${windows.length} path${windows.length === 1 ? '' : 's'} pinged every 10 ms, ${measured.length} measured` +
    (longest ? `; longest gap ${longest.longestGapMs} ms (${longest.from} -> ${longest.to})` : '') +
    (unmeasured.length ? `; ${unmeasured.length} not measured (${unmeasured[0]!.from} -> ${unmeasured[0]!.to}: ${unmeasured[0]!.note ?? 'no reading'})` : '');
  const rows = [...bounded, ...worst].map((w) => ({ path: `${w.from} -> ${w.to}`, text: describe(w), ok: w.maxOutageMs === undefined || w.pass === true }));
  return { summary, rows };
}
