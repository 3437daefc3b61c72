// `vpcheck plan`: the expected matrix of every phase from the topology alone, no target needed.
import { cellsOf, type PhaseCells } from '../model/index.ts';
import { subnetOf } from '../model/ipam.ts';
import { renderGrid, type GridCell } from '../report/grid.ts';
import type { Topology } from '../topology/types.ts';
import { EXIT, type Io } from './io.ts';
import { phaseSpec } from '../topology/phases.ts';
import { internetIpOf, loadForCommand } from './topology-input.ts';
import type { TargetKind } from '../targets/target.ts';

export interface PlanOptions {
  readonly phase?: string;
  readonly json?: boolean;
  readonly target: TargetKind;
  readonly internetIp?: string;
}

export async function planCommand(file: string, options: PlanOptions, io: Io): Promise<number> {
  const internetIP = internetIpOf(options.target, options.internetIp);
  const topology = await loadForCommand(file, internetIP, io);
  if (!topology) return EXIT.invalid;
  const selected = options.phase === undefined ? undefined : phaseSpec(topology, options.phase);
  if (selected && 'error' in selected) {
    io.err(`${file}: ${selected.error}`);
    return EXIT.invalid;
  }
  const phases = cellsOf(topology, { internetIP }).filter((p) => options.phase === undefined || p.phase === options.phase);
  if (options.json) {
    io.out(JSON.stringify({ topology: topology.name, internetIP, phases: phases.map(phaseJson) }, null, 2));
    return EXIT.ok;
  }
  for (const p of phases) io.out(renderPhase(topology, p, Boolean(io.isTTY && !process.env.NO_COLOR)));
  return EXIT.ok;
}

/** Cells with the model's reason where the outcome is not plain reachability. */
export function gridCellsOf(p: PhaseCells): GridCell[] {
  return p.cells.map((c) => ({
    ...c,
    ...(c.expected !== 'reachable' || c.predicted !== 'reachable' ? { reason: p.model.predict(c).reason } : {}),
  }));
}

export function renderPhase(topology: Topology, p: PhaseCells, color: boolean): string {
  const vms = p.spec.vms.map((v) => v.name);
  const groupOf = (vm: string) => {
    const v = p.spec.vms.find((x) => x.name === vm);
    return (v && subnetOf(p.spec, v)?.name) ?? '?';
  };
  const title = `${topology.name} — phase ${p.phase}: ${p.cells.length} cells`;
  return `${title}\n${renderGrid(gridCellsOf(p), { vms, groupOf, color })}`;
}

function phaseJson(p: PhaseCells) {
  return {
    name: p.phase,
    cells: p.cells.map((c) => {
      const prediction = p.model.predict(c);
      return {
        from: c.from, to: c.to, probe: c.probe, ...(c.port !== undefined && { port: c.port }),
        toIp: prediction.toIp, expected: c.expected, predicted: c.predicted, reason: prediction.reason,
      };
    }),
  };
}
