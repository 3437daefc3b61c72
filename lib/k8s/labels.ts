// The labels and annotations vpcheck puts on everything it creates. Teardown selects by the run
// label only: an object without it is never touched (DESIGN.md "Conventions").
export const RUN_LABEL = 'vpcheck/run';
export const TOPOLOGY_LABEL = 'vpcheck/topology';
/** The object's name in the topology file, before the run prefix (for people and bug reports). */
export const NAME_ANNOTATION = 'vpcheck/name';
/** On ovn-cluster only (never created or deleted by vpcheck): the peerings and routes a run added, as JSON. */
export const OVN_CLUSTER_ANNOTATION_PREFIX = 'vpcheck/ovn-cluster.';
/**
 * On a rendered VM (or the Pod standing in for it): the topology's `listen:` ports and its
 * `defaultRoute:`, which no Kubernetes field holds, so that `vpcheck import` and the fake API
 * server read the topology back whole.
 */
export const LISTEN_ANNOTATION = 'vpcheck/listen';
export const DEFAULT_ROUTE_ANNOTATION = 'vpcheck/default-route';
/** The guest's own MTU, where the topology gives one (its cloud-init or pod command sets it). */
export const MTU_ANNOTATION = 'vpcheck/mtu';

/** The route step as the topology writes it: "true", "false", or the next hop it names (a NAT gateway's lanIp). */
export function vmNotes(vm: { readonly listen: readonly { protocol: string; port: number }[]; readonly defaultRoute: boolean; readonly defaultRouteVia?: string; readonly mtu?: number }): Record<string, string> {
  return {
    ...(vm.listen.length && { [LISTEN_ANNOTATION]: vm.listen.map((l) => `${l.protocol}/${l.port}`).join(',') }),
    ...(vm.mtu !== undefined && { [MTU_ANNOTATION]: String(vm.mtu) }),
    [DEFAULT_ROUTE_ANNOTATION]: vm.defaultRoute && vm.defaultRouteVia !== undefined ? vm.defaultRouteVia : String(vm.defaultRoute),
  };
}

export function runLabels(runId: string, topology: string): Record<string, string> {
  return { [RUN_LABEL]: runId, [TOPOLOGY_LABEL]: topology };
}

/**
 * The metadata of an object a run renders: its name, the run's labels, and the topology's name of
 * what it stands for (`original`), which is how import and diagnostics find their way back.
 */
export function runObjectMeta(runId: string, topology: string, name: string, original: string, namespace?: string): { name: string; namespace?: string; labels: Record<string, string>; annotations: Record<string, string> } {
  return { name, ...(namespace !== undefined && { namespace }), labels: runLabels(runId, topology), annotations: { [NAME_ANNOTATION]: original } };
}

export function runSelector(runId?: string): string {
  return runId === undefined ? RUN_LABEL : `${RUN_LABEL}=${runId}`;
}
