// The REST verbs of the fake API server over its store: get, list, watch, create, update,
// merge patch, server-side apply, delete (finalizers respected), deletecollection, and the
// status subresource. Errors are metav1.Status objects with the real codes.
import { parse as parseYaml } from 'yaml';
import type { KubeObject, ResourceType } from '../../../lib/k8s/resources.ts';
import { apiVersionOf } from '../../../lib/k8s/resources.ts';
import { admit } from './admission.ts';
import { fire, type Faults } from './faults.ts';
import type { Route } from './routes.ts';
import { alreadyExists, ApiError, badRequest, conflict, notFound, subnetInUse } from './status.ts';
import type { Store } from './store.ts';

export interface ApiRequest {
  readonly method: string;
  readonly route: Route;
  readonly query: URLSearchParams;
  readonly contentType: string;
  readonly body: string;
}

export interface ApiResponse {
  readonly code: number;
  readonly body: unknown;
  readonly warnings?: readonly string[];
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class Api {
  constructor(private readonly store: Store, private readonly faults: Faults) {}

  handle(req: ApiRequest): ApiResponse {
    const { route, method } = req;
    const r = route.resource;
    if (method !== 'GET' && fire(this.faults, 'conflicts')) throw conflict(r, route.name ?? r.plural);
    if (r.namespaced && route.namespace !== undefined && !this.store.get('Namespace', undefined, route.namespace)) {
      throw new ApiError(404, 'NotFound', `namespaces "${route.namespace}" not found`, { name: route.namespace, kind: 'namespaces' });
    }
    if (route.subresource !== undefined && !(route.subresource === 'status' && r.statusSubresource)) throw notFound(r, `${route.name}/${route.subresource}`);
    if (route.name === undefined) {
      if (method === 'GET') return this.list(req);
      if (method === 'POST') return this.create(req, this.parse(req));
      if (method === 'DELETE') return this.deleteCollection(req);
    } else {
      if (method === 'GET') return { code: 200, body: this.existing(req) };
      if (method === 'PUT') return this.put(req);
      if (method === 'PATCH') return this.patch(req);
      if (method === 'DELETE') {
        const o = this.existing(req);
        if (r.kind === 'Subnet' && fire(this.faults, 'subnetDeleteDenied')) throw subnetInUse();
        return this.delete(r, o);
      }
    }
    throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }

  private parse(req: ApiRequest): KubeObject {
    try {
      return (req.contentType.includes('yaml') ? parseYaml(req.body) : JSON.parse(req.body)) as KubeObject;
    } catch (e) {
      throw badRequest(`the body of the request was in an unknown format: ${(e as Error).message}`);
    }
  }

  private existing(req: ApiRequest): KubeObject {
    const o = this.store.get(req.route.resource.kind, req.route.namespace, req.route.name!);
    if (!o) throw notFound(req.route.resource, req.route.name!);
    return o;
  }

  private list(req: ApiRequest): ApiResponse {
    const r = req.route.resource;
    const name = /^metadata\.name=(.+)$/.exec(req.query.get('fieldSelector') ?? '')?.[1];
    const items = this.store.list({ kind: r.kind, ...(req.route.namespace !== undefined && { namespace: req.route.namespace }), ...(req.query.has('labelSelector') && { labelSelector: req.query.get('labelSelector')! }), ...(name !== undefined && { name }) });
    return { code: 200, body: { kind: `${r.kind}List`, apiVersion: apiVersionOf(r), metadata: { resourceVersion: String(this.store.resourceVersion) }, items } };
  }

  private checkIdentity(req: ApiRequest, o: KubeObject): void {
    const r = req.route.resource;
    if (!o || typeof o !== 'object' || !o.metadata?.name) throw badRequest('metadata.name: Required value: name or generateName is required');
    if (o.kind !== r.kind || o.apiVersion !== apiVersionOf(r)) throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${apiVersionOf(r)}) or kind ${o.kind}`);
    if (req.route.name !== undefined && o.metadata.name !== req.route.name) throw badRequest(`the name of the object (${o.metadata.name}) does not match the name on the URL (${req.route.name})`);
    if (r.namespaced) {
      if (o.metadata.namespace !== undefined && o.metadata.namespace !== req.route.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      o.metadata.namespace = req.route.namespace!;
    } else delete o.metadata.namespace;
  }

  private create(req: ApiRequest, o: KubeObject): ApiResponse {
    const r = req.route.resource;
    this.checkIdentity(req, o);
    if (this.store.get(r.kind, o.metadata.namespace, o.metadata.name)) throw alreadyExists(r, o.metadata.name);
    // With a status subresource, status is not written through the main resource.
    if (r.statusSubresource) delete o.status;
    const { object, warnings } = admit(r, o, this.store, this.strict(req));
    return { code: 201, body: this.store.create(object), warnings };
  }

  private strict(req: ApiRequest): boolean {
    return req.query.get('fieldValidation') === 'Strict';
  }

  /** Keeps what the client may not change through this endpoint (status, or all but status). */
  private write(req: ApiRequest, old: KubeObject, next: KubeObject): ApiResponse {
    const r = req.route.resource;
    if (next.metadata.resourceVersion !== undefined && next.metadata.resourceVersion !== old.metadata.resourceVersion) throw conflict(r, old.metadata.name);
    let merged: KubeObject;
    if (req.route.subresource === 'status') merged = { ...old, status: next.status };
    else {
      merged = { ...next, metadata: { ...next.metadata, finalizers: next.metadata.finalizers ?? old.metadata.finalizers, deletionTimestamp: old.metadata.deletionTimestamp } };
      if (r.statusSubresource) merged.status = old.status;
      if (merged.status === undefined) delete merged.status;
      if (merged.metadata.deletionTimestamp === undefined) delete merged.metadata.deletionTimestamp;
    }
    const { object, warnings } = req.route.subresource === 'status' ? { object: merged, warnings: [] } : admit(r, merged, this.store, this.strict(req));
    const stored = this.store.update(object);
    if (stored.metadata.deletionTimestamp && !(stored.metadata.finalizers as string[] | undefined)?.length) this.store.remove(stored);
    return { code: 200, body: stored, warnings };
  }

  private put(req: ApiRequest): ApiResponse {
    const o = this.parse(req);
    this.checkIdentity(req, o);
    return this.write(req, this.existing(req), o);
  }

  private patch(req: ApiRequest): ApiResponse {
    const ct = req.contentType.split(';')[0]!.trim();
    if (ct === 'application/apply-patch+yaml') return this.apply(req);
    if (ct !== 'application/merge-patch+json') throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/apply-patch+yaml`);
    const old = this.existing(req);
    const next = mergePatch(old, this.parse(req)) as KubeObject;
    // A merge patch carries no resourceVersion unless the client sends one for optimistic locking.
    return this.write(req, old, next);
  }

  /**
   * Server-side apply with one field manager per object: the applied configuration is the
   * whole intent, so spec, labels and annotations are what was applied (fields the manager
   * dropped are removed, as SSA does for fields it owned).
   */
  private apply(req: ApiRequest): ApiResponse {
    if (!req.query.get('fieldManager')) throw badRequest('fieldManager: Required value: is required for apply patch');
    const applied = this.parse(req);
    this.checkIdentity(req, applied);
    const old = this.store.get(req.route.resource.kind, applied.metadata.namespace, applied.metadata.name);
    if (!old) return this.create(req, applied);
    const next: KubeObject = { ...old, ...applied, metadata: { ...old.metadata, labels: applied.metadata.labels ?? {}, annotations: applied.metadata.annotations ?? {}, resourceVersion: applied.metadata.resourceVersion } };
    if (next.metadata.resourceVersion === undefined) delete next.metadata.resourceVersion;
    return this.write(req, old, next);
  }

  private delete(r: ResourceType, o: KubeObject): ApiResponse {
    if ((o.metadata.finalizers as string[] | undefined)?.length) {
      if (o.metadata.deletionTimestamp) return { code: 202, body: o };
      return { code: 202, body: this.store.update({ ...o, metadata: { ...o.metadata, deletionTimestamp: new Date().toISOString() } }) };
    }
    this.store.remove(o);
    return { code: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: o.metadata.name, group: r.group, kind: r.plural, uid: o.metadata.uid } } };
  }

  private deleteCollection(req: ApiRequest): ApiResponse {
    const listed = this.list(req).body as { items: KubeObject[] };
    for (const o of listed.items) this.delete(req.route.resource, o);
    return { code: 200, body: listed };
  }
}
