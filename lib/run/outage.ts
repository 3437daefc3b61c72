// Outage windows around a phase change: the cells that must stay reachable across it (reachable
// before and after, same destination address) are pinged continuously from their source VMs while
// the target applies the change, and each gets its longest gap without a reply and its lost
// packets. An `expect:` line's maxOutageMs bounds the gap; its cell fails when the gap is longer.
import type { Cell, PhaseCells } from '../model/index.ts';
import { parseOutage, parseOutageStart, startOutageCommand, stopOutageCommand } from '../probes/outage.ts';
import type { Session } from '../sessions/session.ts';
import { INTERNET } from '../topology/types.ts';
import { mapPool } from './pool.ts';
import type { CellResult, OutageWindow } from './result.ts';

/** Unbounded cells watched per change, besides every cell an `expect:` line bounds. */
export const OUTAGE_SAMPLE = 64;
/** After the target says the change is in place, the windows stay open this long for the data plane to settle. */
export const OUTAGE_SETTLE_MS = 1000;

export interface Watched {
  readonly cell: Cell;
  readonly toIp: string;
  readonly maxOutageMs?: number;
}

const keyOf = (from: string, to: string) => `${from}\0${to}`;

/**
 * The icmp cells of `after` expected reachable that `before` also expected reachable at the same
 * address: every one an `expect:` line bounds, then up to `sample` more, one source VM at a time
 * so that the watch is spread over the topology.
 */
export function watchedCells(before: PhaseCells, after: PhaseCells, sample = OUTAGE_SAMPLE): Watched[] {
  const reachableBefore = new Set(before.cells.filter((c) => c.probe === 'icmp' && c.expected === 'reachable').map((c) => keyOf(c.from, c.to)));
  const candidates = after.cells.filter((c) =>
    c.probe === 'icmp' && c.expected === 'reachable' && reachableBefore.has(keyOf(c.from, c.to)) && after.model.world.vms.has(c.from) && (c.to === INTERNET || after.model.world.vms.has(c.to)));
  // A destination that changes address across the change is not a path that stays up. Checked
  // only for the cells taken: a mesh has many candidates and each check walks both models.
  const watch = (cell: Cell): Watched | undefined => {
    const toIp = after.model.predict(cell).toIp;
    if (before.model.predict(cell).toIp !== toIp) return undefined;
    const bound = cell.expectation?.maxOutageMs;
    return { cell, toIp, ...(bound !== undefined && { maxOutageMs: bound }) };
  };
  const watched = candidates.filter((c) => c.expectation?.maxOutageMs !== undefined).flatMap((c) => watch(c) ?? []);
  const bySource = new Map<string, Cell[]>();
  for (const c of candidates) if (c.expectation?.maxOutageMs === undefined) (bySource.get(c.from) ?? bySource.set(c.from, []).get(c.from)!).push(c);
  const queues = [...bySource.values()];
  const limit = watched.length + sample;
  for (let round = 0; watched.length < limit && queues.some((q) => q.length > round); round++) {
    for (const q of queues) {
      const w = q[round] && watched.length < limit ? watch(q[round]!) : undefined;
      if (w) watched.push(w);
    }
  }
  return watched;
}

/** Cells that the model predicts unreachable before the change cannot have a window; an expect line bounding one is told so. */
export function unwatchable(after: PhaseCells, watched: readonly Watched[]): OutageWindow[] {
  const seen = new Set(watched.map((w) => w.cell));
  return after.cells.filter((c) => c.expectation?.maxOutageMs !== undefined && !seen.has(c)).map((c) => ({
    from: c.from, to: c.to, toIp: '', upAtStart: false, maxOutageMs: c.expectation!.maxOutageMs!,
    note: 'not expected reachable at the same address before the change: no window to measure',
  }));
}

export interface OpenWindows {
  /** Stops the pingers and reads them; sources the change rebuilt have lost theirs. */
  close(rebuilt: readonly string[]): Promise<OutageWindow[]>;
}

/** Starts the pingers, one command per source VM; returns once each has its first reply or gave up waiting. */
export async function openWindows(watched: readonly Watched[], token: string, session: (vm: string) => Promise<Session>, concurrency: number): Promise<OpenWindows> {
  const bySource = new Map<string, Watched[]>();
  for (const w of watched) (bySource.get(w.cell.from) ?? bySource.set(w.cell.from, []).get(w.cell.from)!).push(w);
  const sources = [...bySource.entries()];
  const tokenOf = (vm: string) => `${token}-${vm}`;
  const started = await mapPool(sources, concurrency, async ([vm, list]) => {
    try {
      const out = await (await session(vm)).run(startOutageCommand(tokenOf(vm), list.map((w, i) => ({ id: `d${i}`, ip: w.toIp }))), { timeoutMs: 15_000 });
      return { up: parseOutageStart(out.output) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  });
  return {
    async close(rebuilt) {
      const read = await mapPool(sources, concurrency, async ([vm, list], i): Promise<OutageWindow[]> => {
        const start = started[i]!;
        const window = (w: Watched, rest: Partial<OutageWindow>): OutageWindow => ({
          from: vm, to: w.cell.to, toIp: w.toIp, upAtStart: false, ...(w.maxOutageMs !== undefined && { maxOutageMs: w.maxOutageMs }), ...rest,
        });
        if ('error' in start) return list.map((w) => window(w, { note: `pingers not started: ${start.error}` }));
        if (rebuilt.includes(vm)) return list.map((w) => window(w, { note: `${vm} was rebuilt by the change: its pinger went with it` }));
        let readings;
        try {
          readings = parseOutage((await (await session(vm)).run(stopOutageCommand(tokenOf(vm)), { timeoutMs: 15_000 })).output);
        } catch (e) {
          return list.map((w) => window(w, { note: `pingers not read: ${(e as Error).message}` }));
        }
        return list.map((w, j) => {
          const upAtStart = start.up.has(`d${j}`);
          const r = readings.get(`d${j}`);
          if (!r) return window(w, { upAtStart, note: 'the pinger left no summary' });
          const measured = { upAtStart, sent: r.sent, received: r.received, longestGapMs: r.longestGapMs, ...(r.firstReplyMs !== undefined && { firstReplyMs: r.firstReplyMs }), ...(r.sinceLastReplyMs !== undefined && { sinceLastReplyMs: r.sinceLastReplyMs }) };
          // Without a reply before the change there is no path whose outage could be measured.
          if (!upAtStart) return window(w, { ...measured, note: 'no reply before the change began: nothing to measure' });
          return window(w, { ...measured, ...(w.maxOutageMs !== undefined && { pass: r.longestGapMs <= w.maxOutageMs }) });
        });
      });
      return read.flat();
    },
  };
}

/**
 * Each window's cell carries its window; a bounded cell whose window was longer than the bound,
 * or could not be measured, fails with a note saying which.
 */
export function withOutages(results: readonly CellResult[], windows: readonly OutageWindow[]): CellResult[] {
  const byCell = new Map(windows.map((w) => [keyOf(w.from, w.to), w]));
  return results.map((r) => {
    const w = r.probe === 'icmp' ? byCell.get(keyOf(r.from, r.to)) : undefined;
    if (!w) return r;
    if (w.maxOutageMs === undefined) return { ...r, outage: w };
    const note = w.pass === true ? undefined : w.pass === false
      ? `outage ${w.longestGapMs} ms during the change exceeds maxOutageMs ${w.maxOutageMs}`
      : `maxOutageMs ${w.maxOutageMs} not checked: ${w.note ?? 'no reading'}`;
    if (!note) return { ...r, outage: w };
    return { ...r, outage: w, pass: false, detail: { ...r.detail, note: r.detail.note ? `${r.detail.note}; ${note}` : note } };
  });
}
