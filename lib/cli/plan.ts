// `vpcheck plan`: the expected matrix of every phase from the topology alone, no target needed.
// Its cost follows the cells it prints: reasons come from lib/model/reasons.ts (one walk per
// class pair) and only for the cells the text names, and `--json` is written as it is made.
import { cellsOf, type Cell, type PhaseCells } from '../model/index.ts';
import { subnetOf } from '../topology/addresses.ts';
import { Reasons } from '../model/reasons.ts';
import { formatIPv4, isIPv4 } from '../net/ipv4.ts';
import { renderGrid } from '../report/grid.ts';
import { EXTERNAL, INTERNET, type Topology } from '../topology/types.ts';
import { nodeOf } from '../topology/nodes.ts';
import { EXIT, type Io } from './io.ts';
import { phaseSpec } from '../topology/phases.ts';
import { loadForPrediction, type InternetOptions } from './topology-input.ts';

export interface PlanOptions extends InternetOptions {
  readonly phase?: string;
  readonly json?: boolean;
}

export async function planCommand(file: string, options: PlanOptions, io: Io): Promise<number> {
  const loaded = await loadForPrediction(file, options, io);
  if (!loaded) return EXIT.invalid;
  const { topology, internetIP } = loaded;
  const selected = options.phase === undefined ? undefined : phaseSpec(topology, options.phase);
  if (selected && 'error' in selected) {
    io.err(`${file}: ${selected.error}`);
    return EXIT.invalid;
  }
  const phases = cellsOf(topology, { internetIP }).filter((p) => options.phase === undefined || p.phase === options.phase);
  if (options.json) {
    writePlanJson(topology.name, internetIP, phases, io);
    return EXIT.ok;
  }
  for (const p of phases) io.out(renderPhase(topology, p, Boolean(io.isTTY && !process.env.NO_COLOR)));
  return EXIT.ok;
}

export function renderPhase(topology: Topology, p: PhaseCells, color: boolean): string {
  const vms = p.spec.vms.map((v) => v.name);
  const group = new Map(p.spec.vms.map((v) => [v.name, subnetOf(p.spec, v)?.name ?? '?']));
  const reasons = new Reasons(p.model);
  // The model's reason where the outcome is not plain reachability.
  const reasonOf = (c: Cell) => (c.expected !== 'reachable' || c.predicted !== 'reachable' ? reasons.reasonOf(c) : undefined);
  const title = `${topology.name} — phase ${p.phase}: ${p.cells.length} cells`;
  return `${title}\n${renderGrid(p.cells, { vms, groupOf: (vm) => group.get(vm) ?? '?', color, reasonOf })}`;
}

/** Lines written at once: few enough writes, never the whole document in memory. */
const BATCH = 2000;

/**
 * The same text as JSON.stringify(plan, null, 2), written a batch of lines at a time: a plan of
 * 1,000 VMs holds a million cells. Each write is whole lines without the last newline, which
 * `io.out` adds.
 */
function writePlanJson(topology: string, internetIP: string, phases: readonly PhaseCells[], io: Io): void {
  let lines: string[] = [];
  const line = (text: string) => {
    lines.push(text);
    if (lines.length >= BATCH) flush();
  };
  const flush = () => {
    if (lines.length) io.out(lines.join('\n'));
    lines = [];
  };
  line('{');
  line(`  "topology": ${JSON.stringify(topology)},`);
  line(`  "internetIP": ${JSON.stringify(internetIP)},`);
  array('  "phases": ', phases, (p, last) => {
    line('    {');
    line(`      "name": ${JSON.stringify(p.phase)},`);
    // Where each VM runs, so a reader can tell the cells that cross nodes.
    array('      "vms": ', p.spec.vms, (vm, lastVm) => {
      line('        {');
      line(`          "name": ${JSON.stringify(vm.name)},`);
      line(`          "node": ${JSON.stringify(nodeOf(vm))}`);
      line(`        }${lastVm ? '' : ','}`);
    }, ',');
    const reasons = new Reasons(p.model);
    const ips = new Map<string, string>();
    const ipOf = (to: string) => ips.get(to) ?? ips.set(to, formatIPv4(p.model.resolve(to))).get(to)!;
    // The source an external host sees, for a reachable cell from a VM to one (the internet or an
    // address): one walk per such cell, a thousand for a plan of 1,000 VMs.
    const seenAsOf = (c: Cell) => (c.predicted === 'reachable' && c.from !== EXTERNAL && (c.to === INTERNET || isIPv4(c.to)) ? p.model.predict(c).seenAs : undefined);
    array('      "cells": ', p.cells, (c, lastCell) => {
      // The cell object's members one per line, as JSON.stringify(cell, null, 2) indented would
      // put them, without building and re-indenting that string a million times.
      const members: [string, string | number][] = [
        ['from', c.from], ['to', c.to], ['probe', c.probe], ...(c.port !== undefined ? [['port', c.port] as [string, number]] : []),
        ...(c.size !== undefined ? [['size', c.size] as [string, number]] : []),
        ['toIp', ipOf(c.to)], ['expected', c.expected], ['predicted', c.predicted], ['reason', reasons.reasonOf(c)],
      ];
      const seenAs = seenAsOf(c);
      if (seenAs !== undefined) members.push(['seenAs', seenAs]);
      line('        {');
      members.forEach(([key, value], i) => line(`          "${key}": ${JSON.stringify(value)}${i < members.length - 1 ? ',' : ''}`));
      line(`        }${lastCell ? '' : ','}`);
    });
    line(`    }${last ? '' : ','}`);
  });
  line('}');
  flush();

  /** An array member: `head[`, the items, then `]` at head's indentation and `after` (a comma unless it is its object's last). */
  function array<T>(head: string, items: readonly T[], each: (item: T, last: boolean) => void, after = ''): void {
    if (items.length === 0) return line(`${head}[]${after}`);
    line(`${head}[`);
    items.forEach((item, i) => each(item, i === items.length - 1));
    line(`${head.replace(/\S.*/, '')}]${after}`);
  }
}
