// The cells a run probes, phase by phase, each with the outcome it must show: an `expect:` line
// when the file has one for that cell, otherwise the model's prediction (kept beside the
// expectation either way, so a disagreement can be reported).
import { INITIAL_PHASE } from '../topology/phases.ts';
import { INTERNET, type Expectation, type Outcome, type ProbeKind, type Topology, type TopologySpec } from '../topology/types.ts';
import { predictMesh } from './mesh.ts';
import { buildModel, type Model } from './predict.ts';
import type { ModelOptions, NetworkOutcome } from './types.ts';

/** An expected outcome; `not-reachable` is an `expect:` line with `reachable: false` and no outcome. */
export type Expected = Outcome | 'not-reachable';

export interface Cell {
  readonly from: string;
  readonly to: string;
  readonly probe: ProbeKind;
  readonly port?: number;
  /** mtu and bulk cells: bytes, as in ProbeRequest.size. */
  readonly size?: number;
  /** The outcome the run must observe. */
  readonly expected: Expected;
  /** The model's outcome; its reason comes from `model.predict(cell)` when needed. */
  readonly predicted: NetworkOutcome;
  /** The `expect:` line that set `expected`, if any. */
  readonly expectation?: Expectation;
}

export interface PhaseCells {
  /** `initial`, then each phase's name. */
  readonly phase: string;
  readonly spec: TopologySpec;
  readonly model: Model;
  readonly cells: readonly Cell[];
}

export interface Disagreement {
  readonly phase: string;
  readonly expectation: Expectation;
  readonly expected: Expected;
  readonly predicted: NetworkOutcome;
  readonly reason: string;
  /** The expectation's field path, for file:line:col. */
  readonly path: string;
}

export function expectedOf(e: Expectation): Expected {
  return e.outcome ?? (e.reachable ? 'reachable' : 'not-reachable');
}

/** Whether an observed (or predicted) outcome satisfies an expectation. `error` never does. */
export function satisfies(expected: Expected, outcome: Outcome): boolean {
  if (outcome === 'error') return false;
  return expected === 'not-reachable' ? outcome !== 'reachable' : expected === outcome;
}

function keyOf(c: { to: string; probe: ProbeKind; port?: number | undefined; size?: number | undefined }): string {
  return `${c.to}\0${c.probe}\0${c.port ?? ''}\0${c.size ?? ''}`;
}

function phasesOf(topology: Topology): { phase: string; spec: TopologySpec; expect: readonly Expectation[] }[] {
  return [
    { phase: INITIAL_PHASE, spec: topology, expect: topology.expect },
    ...topology.phases.map((p) => ({ phase: p.name, spec: p.topology, expect: p.expect })),
  ];
}

/** Every cell of every phase: the topology's probes plus every `expect:` line. */
export function cellsOf(topology: Topology, options: ModelOptions): PhaseCells[] {
  return phasesOf(topology).map(({ phase, spec, expect }) => {
    const model = buildModel(spec, options);
    // Keyed by source first, so the mesh's million cells build no key unless their source has expectations.
    const expectations = new Map<string, Map<string, Expectation>>();
    for (const e of expect) (expectations.get(e.from) ?? expectations.set(e.from, new Map()).get(e.from)!).set(keyOf(e), e);
    const cells: Cell[] = [];
    const push = (from: string, to: string, probe: ProbeKind, predicted: NetworkOutcome, port?: number, size?: number) => {
      const expectation = expectations.get(from)?.get(keyOf({ to, probe, port, size }));
      // The plain shape without spreads: a mesh of 1,000 VMs pushes a million of these.
      if (!expectation && port === undefined && size === undefined) cells.push({ from, to, probe, predicted, expected: predicted });
      else {
        cells.push({
          from, to, probe, ...(port !== undefined && { port }), ...(size !== undefined && { size }), predicted,
          expected: expectation ? expectedOf(expectation) : predicted,
          ...(expectation && { expectation }),
        });
      }
    };
    const { probes } = topology;
    const inMesh = (from: string, to: string, probe: ProbeKind) =>
      probe === 'icmp' && from !== to && model.world.vms.has(from) && (to === INTERNET ? probes.internet : probes.mesh && model.world.vms.has(to));
    if (probes.mesh || probes.internet) {
      const mesh = predictMesh(model, { internet: probes.internet });
      // Every mesh row and column is a VM of this phase (or the internet): inMesh without lookups.
      mesh.vms.forEach((from, i) => {
        mesh.targets.forEach((to, j) => {
          const outcome = mesh.outcome(i, j);
          if (outcome !== undefined && (to === INTERNET ? probes.internet : probes.mesh)) push(from, to, 'icmp', outcome);
        });
      });
    }
    const extra = new Set<string>();
    const one = (from: string, to: string, probe: ProbeKind, port?: number, size?: number) => {
      const key = `${from}\0${keyOf({ to, probe, port, size })}`;
      if (inMesh(from, to, probe) || extra.has(key)) return;
      extra.add(key);
      push(from, to, probe, model.predict({ from, to, probe, ...(port !== undefined && { port }), ...(size !== undefined && { size }) }).outcome, port, size);
    };
    for (const p of probes.icmp) one(p.from, p.to, 'icmp');
    for (const p of probes.tcp) one(p.from, p.to, 'tcp', p.port);
    for (const p of probes.mtu) one(p.from, p.to, 'mtu', undefined, p.size);
    for (const p of probes.bulk) one(p.from, p.to, 'bulk', p.port, p.size);
    for (const e of expect) one(e.from, e.to, e.probe, e.port, e.size);
    return { phase, spec, model, cells };
  });
}

/** Each `expect:` line the model disagrees with, with the model's reason. */
export function checkExpectations(topology: Topology, options: ModelOptions): Disagreement[] {
  return phasesOf(topology).flatMap(({ phase, spec, expect }) => {
    if (expect.length === 0) return [];
    const model = buildModel(spec, options);
    return expect.flatMap((e) => {
      const p = model.predict(e);
      const expected = expectedOf(e);
      return satisfies(expected, p.outcome) ? [] : [{ phase, expectation: e, expected, predicted: p.outcome, reason: p.reason, path: e.path }];
    });
  });
}
