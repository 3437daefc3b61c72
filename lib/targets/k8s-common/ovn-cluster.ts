// ovn-cluster, the default VPC, exists on every Kube-OVN cluster and belongs to no run: a run
// merges its peerings and routes into the existing spec and records what it added in an
// annotation, so that teardown removes exactly those entries (and nothing of other users').
import { OVN_CLUSTER_ANNOTATION_PREFIX } from '../../k8s/labels.ts';
import type { KubeObject } from '../../k8s/resources.ts';
import type { OvnClusterPatch } from './render-network.ts';

interface VpcSpec {
  vpcPeerings?: OvnClusterPatch['vpcPeerings'];
  staticRoutes?: OvnClusterPatch['staticRoutes'];
  policyRoutes?: OvnClusterPatch['policyRoutes'];
}

export function annotationKey(runId: string): string {
  return `${OVN_CLUSTER_ANNOTATION_PREFIX}${runId}`;
}

/** Run ids that added entries to this ovn-cluster object. */
export function patchingRuns(vpc: KubeObject): string[] {
  return Object.keys(vpc.metadata.annotations ?? {}).filter((k) => k.startsWith(OVN_CLUSTER_ANNOTATION_PREFIX)).map((k) => k.slice(OVN_CLUSTER_ANNOTATION_PREFIX.length));
}

const same = (a: unknown) => (b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The run's entries of this ovn-cluster (empty when it added none). */
function addedBy(vpc: KubeObject, runId: string): OvnClusterPatch {
  const text = vpc.metadata.annotations?.[annotationKey(runId)];
  return text ? (JSON.parse(text) as OvnClusterPatch) : { vpcPeerings: [], staticRoutes: [], policyRoutes: [] };
}

/**
 * The JSON merge patch that replaces the run's earlier entries with `next` (undefined: remove
 * them all), keeping every other entry. Lists in the Vpc CRD are atomic, so they are sent whole;
 * the patch carries `current`'s resourceVersion, so that the server refuses it (409 Conflict) if
 * another writer changed ovn-cluster since it was read, instead of dropping that writer's entries.
 */
export function ovnClusterMergePatch(current: KubeObject, runId: string, next: OvnClusterPatch | undefined): Record<string, unknown> {
  const spec = (current.spec ?? {}) as VpcSpec;
  const old = addedBy(current, runId);
  const keep = <T>(list: readonly T[] | undefined, mine: readonly T[]) => (list ?? []).filter((x) => !mine.some(same(x)));
  const vpcPeerings = [...keep(spec.vpcPeerings, old.vpcPeerings), ...(next?.vpcPeerings ?? [])];
  const staticRoutes = [...keep(spec.staticRoutes, old.staticRoutes), ...(next?.staticRoutes ?? [])];
  // Annotations written before policyRoutes existed have none.
  const policyRoutes = [...keep(spec.policyRoutes, old.policyRoutes ?? []), ...(next?.policyRoutes ?? [])];
  return {
    metadata: { resourceVersion: current.metadata.resourceVersion, annotations: { [annotationKey(runId)]: next ? JSON.stringify(next) : null } },
    spec: { vpcPeerings, staticRoutes, policyRoutes },
  };
}
