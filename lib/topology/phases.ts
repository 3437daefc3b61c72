// A topology's phases by name: "initial" is the file's own objects, then its `phases:` in order.
import type { Topology, TopologySpec } from './types.ts';

export const INITIAL_PHASE = 'initial';

function phaseNames(topology: Topology): string[] {
  return [INITIAL_PHASE, ...topology.phases.map((p) => p.name)];
}

/** The objects of a phase, or an error naming the phases there are. */
export function phaseSpec(topology: Topology, name: string): { spec: TopologySpec } | { error: string } {
  const spec = name === INITIAL_PHASE ? topology : topology.phases.find((p) => p.name === name)?.topology;
  return spec ? { spec } : { error: `no phase "${name}"; phases: ${phaseNames(topology).join(', ')}` };
}
