// What changed between two runs (nightly regression): cells matched by topology, phase, from,
// to, probe, port and size; cells, VMs, phases and topologies that appear in only one run. A cell
// that passed before and fails now is a regression. Pure.
import type { CellResult, RunResult } from '../run/result.ts';
import { cellLabel, resultList } from './cells.ts';

export interface CellChange {
  readonly topology: string;
  readonly phase: string;
  readonly before: CellResult;
  readonly after: CellResult;
  readonly kind: 'regression' | 'fixed' | 'changed';
}

export interface Placed {
  readonly topology: string;
  readonly phase: string;
  readonly cell: CellResult;
}

export interface RunDiff {
  /** Run ids of the old and new results. */
  readonly oldRuns: readonly string[];
  readonly newRuns: readonly string[];
  readonly changed: readonly CellChange[];
  readonly addedCells: readonly Placed[];
  readonly removedCells: readonly Placed[];
  /** "topology/vm", "topology/phase", "topology". */
  readonly addedVms: readonly string[];
  readonly removedVms: readonly string[];
  readonly addedPhases: readonly string[];
  readonly removedPhases: readonly string[];
  readonly addedTopologies: readonly string[];
  readonly removedTopologies: readonly string[];
  readonly regressions: number;
}

const keyOf = (p: Placed) => [p.topology, p.phase, p.cell.from, p.cell.to, p.cell.probe, p.cell.port ?? '', p.cell.size ?? ''].join('\0');

function placed(results: readonly RunResult[]): Map<string, Placed> {
  const cells = results.flatMap((r) => r.phases.flatMap((p) => p.results.map((cell) => ({ topology: r.topology, phase: p.name, cell }))));
  return new Map(cells.map((c) => [keyOf(c), c]));
}

function names(results: readonly RunResult[]) {
  const vms = results.flatMap((r) => r.phases.flatMap((p) => [...(p.layout?.vms.map((v) => v.name) ?? []), ...p.results.map((c) => c.from)].map((vm) => `${r.topology}/${vm}`)));
  return {
    vms: new Set(vms),
    phases: new Set(results.flatMap((r) => r.phases.map((p) => `${r.topology}/${p.name}`))),
    topologies: new Set(results.map((r) => r.topology)),
  };
}

const minus = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x));

export function diffRuns(oldInput: RunResult | readonly RunResult[], newInput: RunResult | readonly RunResult[]): RunDiff {
  const [oldRuns, newRuns] = [resultList(oldInput), resultList(newInput)];
  const [before, after] = [placed(oldRuns), placed(newRuns)];
  const changed: CellChange[] = [];
  for (const [key, now] of after) {
    const was = before.get(key);
    if (!was || (was.cell.observed === now.cell.observed && was.cell.pass === now.cell.pass && was.cell.expected === now.cell.expected)) continue;
    const kind = was.cell.pass && !now.cell.pass ? 'regression' : !was.cell.pass && now.cell.pass ? 'fixed' : 'changed';
    changed.push({ topology: now.topology, phase: now.phase, before: was.cell, after: now.cell, kind });
  }
  const [o, n] = [names(oldRuns), names(newRuns)];
  return {
    oldRuns: oldRuns.map((r) => r.runId),
    newRuns: newRuns.map((r) => r.runId),
    changed,
    addedCells: [...after].filter(([k]) => !before.has(k)).map(([, p]) => p),
    removedCells: [...before].filter(([k]) => !after.has(k)).map(([, p]) => p),
    addedVms: minus(n.vms, o.vms),
    removedVms: minus(o.vms, n.vms),
    addedPhases: minus(n.phases, o.phases),
    removedPhases: minus(o.phases, n.phases),
    addedTopologies: minus(n.topologies, o.topologies),
    removedTopologies: minus(o.topologies, n.topologies),
    regressions: changed.filter((c) => c.kind === 'regression').length,
  };
}

/** "vm1 -> internet icmp: reachable -> timeout (was passing in run X)". */
export function changeLine(c: CellChange, oldRun: string): string {
  const why = c.kind === 'regression' ? `was passing in run ${oldRun}` : c.kind === 'fixed' ? `failed in run ${oldRun}, passes now` : `expected ${c.after.expected}`;
  return `${cellLabel(c.after)}: ${c.before.observed} -> ${c.after.observed} (${why})`;
}

export function renderDiffText(d: RunDiff): string {
  const oldRun = d.oldRuns.join(', ');
  const out = [`diff of run ${oldRun} -> run ${d.newRuns.join(', ')}`];
  const phases = [...new Set(d.changed.map((c) => `${c.topology} — phase ${c.phase}`))];
  for (const ph of phases) {
    out.push('', `${ph}:`);
    for (const c of d.changed.filter((x) => `${x.topology} — phase ${x.phase}` === ph)) {
      out.push(`  ${c.kind === 'regression' ? 'REGRESSION ' : c.kind === 'fixed' ? 'FIXED ' : ''}${changeLine(c, oldRun)}`);
    }
  }
  const list = (title: string, items: readonly string[]) => (items.length ? ['', `${title} (${items.length}):`, ...items.map((i) => `  ${i}`)] : []);
  const cellName = (p: Placed) => `${p.topology} — phase ${p.phase}: ${cellLabel(p.cell)} (${p.cell.observed})`;
  out.push(
    ...list('added topologies', d.addedTopologies), ...list('removed topologies', d.removedTopologies),
    ...list('added phases', d.addedPhases), ...list('removed phases', d.removedPhases),
    ...list('added VMs', d.addedVms), ...list('removed VMs', d.removedVms),
    ...list('added cells', d.addedCells.map(cellName)), ...list('removed cells', d.removedCells.map(cellName)),
    '',
    `${d.changed.length} changed cells, ${d.regressions} regressions, ${d.addedCells.length} added, ${d.removedCells.length} removed`,
  );
  return `${out.join('\n')}\n`;
}
