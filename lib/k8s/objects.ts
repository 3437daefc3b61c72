// Object operations vpcheck needs: server-side apply, merge patch, list by label across
// namespaces, and delete that treats "already gone" as done.
import type { KubeClient } from './client.ts';
import { KubeError } from './client.ts';
import { collectionPath, objectPath, resourceOf, type KubeObject, type ResourceType } from './resources.ts';

export const FIELD_MANAGER = 'vpcheck';

/**
 * Server-side apply (PATCH application/apply-patch+yaml; JSON is YAML): creates or updates to
 * exactly this intent. fieldValidation=Strict makes the server reject fields it would prune.
 */
export function applyObject(client: KubeClient, o: KubeObject): Promise<KubeObject> {
  const r = resourceOf(o.kind);
  return client.call<KubeObject>({
    method: 'PATCH',
    path: objectPath(r, o.metadata.name, o.metadata.namespace),
    query: { fieldManager: FIELD_MANAGER, force: 'true', fieldValidation: 'Strict' },
    body: o,
    contentType: 'application/apply-patch+yaml',
  });
}

export function mergePatchObject(client: KubeClient, r: ResourceType, name: string, namespace: string | undefined, patch: unknown): Promise<KubeObject> {
  return client.call<KubeObject>({ method: 'PATCH', path: objectPath(r, name, namespace), body: patch, contentType: 'application/merge-patch+json' });
}

export async function getObject(client: KubeClient, r: ResourceType, name: string, namespace?: string): Promise<KubeObject | undefined> {
  try {
    return await client.call<KubeObject>({ method: 'GET', path: objectPath(r, name, namespace) });
  } catch (e) {
    if (e instanceof KubeError && e.code === 404) return undefined;
    throw e;
  }
}

/** Every object of a kind whose labels match, in all namespaces. */
export async function listObjects(client: KubeClient, r: ResourceType, labelSelector: string): Promise<KubeObject[]> {
  const list = await client.call<{ items: KubeObject[] }>({ method: 'GET', path: collectionPath(r), query: { labelSelector } });
  return list.items.map((o) => ({ ...o, kind: r.kind }));
}

/** Deletes (foreground for owned objects such as VMIs); an object already gone counts as deleted. */
export async function deleteObject(client: KubeClient, o: KubeObject): Promise<void> {
  const r = resourceOf(o.kind);
  try {
    await client.call({ method: 'DELETE', path: objectPath(r, o.metadata.name, o.metadata.namespace), query: { propagationPolicy: 'Foreground' } });
  } catch (e) {
    if (!(e instanceof KubeError && e.code === 404)) throw e;
  }
}
