// The labels and annotations vpcheck puts on everything it creates. Teardown selects by the run
// label only: an object without it is never touched (DESIGN.md "Conventions").
export const RUN_LABEL = 'vpcheck/run';
export const TOPOLOGY_LABEL = 'vpcheck/topology';
/** The object's name in the topology file, before the run prefix (for people and bug reports). */
export const NAME_ANNOTATION = 'vpcheck/name';
/** On ovn-cluster only (never created or deleted by vpcheck): the peerings and routes a run added, as JSON. */
export const OVN_CLUSTER_ANNOTATION_PREFIX = 'vpcheck/ovn-cluster.';

export function runLabels(runId: string, topology: string): Record<string, string> {
  return { [RUN_LABEL]: runId, [TOPOLOGY_LABEL]: topology };
}

export function runSelector(runId?: string): string {
  return runId === undefined ? RUN_LABEL : `${RUN_LABEL}=${runId}`;
}
