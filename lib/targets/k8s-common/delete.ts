// Deleting a run's object, waiting out one refusal that passes: Kube-OVN's validating webhook
// denies a Subnet delete (403 Forbidden, "can't delete subnet when any IPs in Using") while the
// Subnet's status.v4usingIPs still counts addresses of VMs just deleted (kubeovn/kube-ovn
// v1.13.13 pkg/webhook/subnet.go SubnetDeleteHook; the count lags the IP objects' removal,
// kube-ovn#3583). Retried with backoff until the deadline; any other refusal is final.
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeError, type KubeClient } from '../../k8s/client.ts';
import { deleteObject } from '../../k8s/objects.ts';
import type { KubeObject } from '../../k8s/resources.ts';

/** Backoff between refused deletes: 500 ms doubling, at most 5 s. */
const BACKOFF = { firstMs: 500, factor: 2, maxMs: 5000 };

const inUse = (o: KubeObject, e: unknown): e is KubeError => o.kind === 'Subnet' && e instanceof KubeError && e.code === 403 && /denied the request/.test(e.message);

export async function deleteRunObject(client: KubeClient, o: KubeObject, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = BACKOFF.firstMs; ; delay = Math.min(delay * BACKOFF.factor, BACKOFF.maxMs)) {
    try {
      return await deleteObject(client, o);
    } catch (e) {
      if (!inUse(o, e) || Date.now() + delay > deadline) throw e;
      await sleep(delay);
    }
  }
}
