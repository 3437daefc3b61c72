// Writing a run's entries into ovn-cluster, which other runs and users change too: read, merge,
// and patch with the resourceVersion that was read; on 409 Conflict read and merge again, as
// client-go's retry.RetryOnConflict does (k8s.io/client-go/util/retry/util.go), so that two runs
// patching at once both keep their peerings and routes.
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeError, type KubeClient } from '../../k8s/client.ts';
import { getObject, mergePatchObject } from '../../k8s/objects.ts';
import { resourceOf, type KubeObject } from '../../k8s/resources.ts';
import { DEFAULT_VPC } from '../../topology/types.ts';
import { ovnClusterMergePatch } from './ovn-cluster.ts';
import type { OvnClusterPatch } from './render-network.ts';

/** Re-reads after a conflict: 8 tries, 10 ms doubling, +10% jitter (about 2.5 s in all). */
const CONFLICT_RETRY = { tries: 8, firstMs: 10, factor: 2, jitter: 0.1 };

export interface OvnClusterWrite {
  /** ovn-cluster after the patch; undefined when it does not exist. */
  readonly vpc?: KubeObject;
  /** Patches sent: more than one when another writer came in between. */
  readonly tries: number;
}

/** Replaces the run's entries in ovn-cluster with `next` (undefined: removes them). */
export async function writeOvnCluster(client: KubeClient, runId: string, next: OvnClusterPatch | undefined, skip?: (current: KubeObject) => boolean): Promise<OvnClusterWrite> {
  const vpc = resourceOf('Vpc');
  for (let tries = 1; ; tries++) {
    const current = await getObject(client, vpc, DEFAULT_VPC);
    if (!current) return { tries: tries - 1 };
    if (skip?.(current)) return { vpc: current, tries: tries - 1 };
    try {
      return { vpc: await mergePatchObject(client, vpc, DEFAULT_VPC, undefined, ovnClusterMergePatch(current, runId, next)), tries };
    } catch (e) {
      if (!(e instanceof KubeError && e.code === 409 && e.reason === 'Conflict') || tries >= CONFLICT_RETRY.tries) throw e;
      await sleep(CONFLICT_RETRY.firstMs * CONFLICT_RETRY.factor ** (tries - 1) * (1 + Math.random() * CONFLICT_RETRY.jitter));
    }
  }
}
