// Removing a run from a cluster: only objects labelled vpcheck/run=<id>, kinds in reverse apply
// order, each kind waited out before the next (a Subnet cannot go while a VM uses it, a Vpc while
// it has subnets: kubeovn/kube-ovn:pkg/webhook/vpc.go VpcDeleteHook), then the run's entries
// in ovn-cluster, which itself stays.
import type { KubeClient } from '../../k8s/client.ts';
import { RUN_LABEL, runSelector } from '../../k8s/labels.ts';
import { getObject, listObjects } from '../../k8s/objects.ts';
import { describe, resourceOf } from '../../k8s/resources.ts';
import { waitUntil, WaitTimeout } from '../../k8s/watch.ts';
import { DEFAULT_VPC } from '../../topology/types.ts';
import { TargetError } from '../target.ts';
import { deleteRunObject } from './delete.ts';
import { patchingRuns } from './ovn-cluster.ts';
import { writeOvnCluster } from './ovn-cluster-write.ts';

/** Deletion order of a kind list applied in `order`: the VMs first (with KubeVirt's VMIs), then the rest in reverse. */
export function teardownOrder(order: readonly string[]): string[] {
  const vms = order.filter((k) => k === 'VirtualMachine' || k === 'Pod').flatMap((k) => (k === 'VirtualMachine' ? [k, 'VirtualMachineInstance'] : [k]));
  return [...vms, ...[...order].reverse().filter((k) => !vms.includes(k))];
}

/**
 * How long teardown waits for each kind to go: the ready timeout, but at least a minute, since a
 * short ready timeout (a user's, a test's) must not leave a run's objects behind on a busy cluster.
 */
export const teardownTimeoutMs = (readyTimeoutMs: number): number => Math.max(readyTimeoutMs, 60_000);

/**
 * Deletes every object of the run, kind by kind. A kind that does not go in time does not stop
 * the kinds after it (a NetworkAttachmentDefinition or a Secret goes whatever a Vpc does); what
 * stayed is named at the end.
 */
export async function teardownRun(client: KubeClient, runId: string, timeoutMs: number, order: readonly string[]): Promise<void> {
  const stayed: string[] = [];
  for (const kind of order) {
    const r = resourceOf(kind);
    const objects = await listObjects(client, r, runSelector(runId));
    const gone = await Promise.allSettled(objects.map(async (o) => {
      // VMIs belong to their VMs: KubeVirt deletes them; vpcheck only waits.
      if (kind !== 'VirtualMachineInstance') await deleteRunObject(client, o, timeoutMs);
      await waitUntil(client, r, o.metadata.name, o.metadata.namespace, (x) => x === undefined, timeoutMs);
    }));
    gone.forEach((g, i) => {
      if (g.status === 'fulfilled') return;
      const o = objects[i]!;
      const e: unknown = g.reason;
      stayed.push(e instanceof WaitTimeout ? `${describe(o)} was not deleted within ${Math.round(timeoutMs / 1000)} s (finalizers: ${JSON.stringify(e.last?.metadata.finalizers ?? [])})` : `${describe(o)}: ${e instanceof Error ? e.message : String(e)}`);
    });
  }
  await writeOvnCluster(client, runId, undefined, (ovnCluster) => !patchingRuns(ovnCluster).includes(runId));
  if (stayed.length) throw new TargetError(`run ${runId}: ${stayed.length} objects left: ${stayed.join('; ')}`);
}

/** Runs with objects on the cluster: run label values, and runs that patched ovn-cluster. */
export async function runsOnCluster(client: KubeClient, order: readonly string[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const kind of order) {
    for (const o of await listObjects(client, resourceOf(kind), RUN_LABEL)) ids.add(o.metadata.labels![RUN_LABEL]!);
  }
  const ovnCluster = await getObject(client, resourceOf('Vpc'), DEFAULT_VPC);
  for (const id of ovnCluster ? patchingRuns(ovnCluster) : []) ids.add(id);
  return [...ids].sort();
}
