// Versions of what a cluster run stands on, for the result (release qualification compares
// them): each read where the project itself reports it. One that cannot be read (not installed,
// not allowed to read) is left out, never guessed, and never fails the run.
import type { KubeClient } from '../../k8s/client.ts';
import { getObject, listObjects } from '../../k8s/objects.ts';
import { collectionPath, resourceOf, type KubeObject } from '../../k8s/resources.ts';
import { KUBE_OVN_NAMESPACE, OVN_CENTRAL_CONTAINER } from './diagnose.ts';

const quietly = <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);

/** The tag of the ovn-central image, where `kubectl ko` reads Kube-OVN's version. */
export async function kubeOvnVersion(client: KubeClient): Promise<string | undefined> {
  const pods = await quietly(client.call<{ items: KubeObject[] }>({ method: 'GET', path: collectionPath(resourceOf('Pod'), KUBE_OVN_NAMESPACE), query: { labelSelector: 'app=ovn-central' } }));
  const containers = (pods?.items[0]?.spec as { containers?: { name: string; image: string }[] } | undefined)?.containers ?? [];
  const image = containers.find((c) => c.name === OVN_CENTRAL_CONTAINER)?.image;
  return image?.match(/:([^:/@]+)(?:@.*)?$/)?.[1];
}

/** Harvester's server-version setting and the KubeVirt version its operator observed. */
export async function harvesterVersions(client: KubeClient): Promise<Record<string, string>> {
  const [setting, kubevirts] = await Promise.all([
    quietly(getObject(client, resourceOf('Setting'), 'server-version')),
    quietly(listObjects(client, resourceOf('KubeVirt'), '')),
  ]);
  const harvester = ((setting as { value?: string } | undefined)?.value || (setting as { default?: string } | undefined)?.default) ?? undefined;
  const kubevirt = (kubevirts?.[0]?.status as { observedKubeVirtVersion?: string } | undefined)?.observedKubeVirtVersion;
  return { ...(harvester && { harvester }), ...(kubevirt && { kubevirt }) };
}
