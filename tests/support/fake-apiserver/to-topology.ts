// The fake's view of what Kube-OVN and KubeVirt would build: the live objects of one run (label
// vpcheck/run) mapped back to a TopologySpec for the lab by the same mapping `vpcheck import`
// uses. Objects whose dependencies are missing are left out (Kube-OVN would not program them
// either) and reported.
import { RUN_LABEL, TOPOLOGY_LABEL } from '../../../lib/k8s/labels.ts';
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import { mapObjects } from '../../../lib/import/to-spec.ts';
import { addedBy } from '../../../lib/targets/k8s-common/ovn-cluster.ts';
import { DEFAULT_VPC, type Platform, type TopologySpec } from '../../../lib/topology/types.ts';
import type { Store } from './store.ts';

/** The kinds a run creates that describe its topology (VMs or the Pods standing in for them). */
const TOPOLOGY_KINDS = ['NetworkAttachmentDefinition', 'Vpc', 'Subnet', 'SecurityGroup', 'VirtualMachine', 'Pod'] as const;

export interface RunView {
  readonly spec: TopologySpec;
  /** Topology VM name -> the VirtualMachine or Pod object it came from. */
  readonly vms: ReadonlyMap<string, KubeObject>;
  /** Objects not built, with the reason (shown in their status). */
  readonly pending: ReadonlyMap<KubeObject, string>;
}

/** `platformOf` gives the behaviour the fake's Kube-OVN plays for the run's topology. */
export function runView(store: Store, runId: string, platformOf: (topology: string) => Platform): RunView {
  const objects = TOPOLOGY_KINDS.flatMap((kind) => store.list({ kind, labelSelector: `${RUN_LABEL}=${runId}` }).filter((o) => !o.metadata.deletionTimestamp));
  const ovnCluster = store.get('Vpc', undefined, DEFAULT_VPC);
  // Any of the run's objects names the topology: with Kube-OVN as the primary CNI there are no NADs.
  const name = objects.find((o) => o.metadata.labels?.[TOPOLOGY_LABEL])?.metadata.labels?.[TOPOLOGY_LABEL] ?? runId;
  const mapped = mapObjects(objects, { name, platform: platformOf(name), ...(ovnCluster && { ovnCluster: addedBy(ovnCluster, runId) }) });
  return { spec: mapped.spec, vms: mapped.vms, pending: mapped.skipped };
}
