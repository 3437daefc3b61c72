// Names of the objects a run creates. Cluster-scoped objects (Vpc, Subnet, SecurityGroup) share
// one namespace with everything else on the cluster, and Harvester allows one Subnet per NAD
// provider, so every name carries the run id; ovn-cluster keeps its name (it is never created).
import { createHash } from 'node:crypto';
import { DEFAULT_VPC, type Network } from '../../topology/types.ts';

const MAX = 63;

/** "<run>-<name>", a DNS-1123 label of at most `max` (63) characters (long names end in a short hash). */
export function prefixed(runId: string, name: string, max = MAX): string {
  const full = `${runId}-${name}`;
  if (full.length <= max) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 6);
  return `${full.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

export function vpcName(runId: string, vpc: string): string {
  return vpc === DEFAULT_VPC ? DEFAULT_VPC : prefixed(runId, vpc);
}

/** The NAD of a topology network: in the network's namespace, its name prefixed. */
export function nadOf(runId: string, network: Network): { name: string; namespace: string } {
  return { name: prefixed(runId, network.name), namespace: network.namespace };
}

/**
 * Kube-OVN's provider of a NAD: "<nad>.<ns>.ovn" (harvester/harvester-ui-extension:
 * pkg/harvester/edit/harvesterhci.io.networkattachmentdefinition.vue; kubeovn/kube-ovn:
 * pkg/util/subnet.go IsOvnProvider wants exactly three dot-separated fields).
 */
export function providerOf(nad: { name: string; namespace: string }): string {
  return `${nad.name}.${nad.namespace}.ovn`;
}
