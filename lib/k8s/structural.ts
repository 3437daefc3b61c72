// Unknown fields under a structural schema, as the API server finds them: a field not declared
// in `properties` (and no `additionalProperties` schema) is unknown unless the schema says
// x-kubernetes-preserve-unknown-fields. The server prunes them, or with fieldValidation=Strict
// rejects the request (k8s.io/apiextensions-apiserver:pkg/apiserver/schema/pruning/algorithm.go).
import type { JsonSchema } from './schemas.ts';

type Json = unknown;

interface Walk {
  readonly schema: JsonSchema;
  readonly value: Json;
  readonly path: string;
}

function children(schema: JsonSchema, value: Json, path: string, unknown: string[]): Walk[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return [];
  if (Array.isArray(value)) {
    const items = schema.items as JsonSchema | undefined;
    return items ? value.map((v, i) => ({ schema: items, value: v, path: `${path}[${i}]` })) : [];
  }
  if (value === null || typeof value !== 'object') return [];
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const additional = schema.additionalProperties as JsonSchema | boolean | undefined;
  const out: Walk[] = [];
  for (const [key, v] of Object.entries(value)) {
    // metadata is the server's own ObjectMeta (`type: object` without properties in CRDs).
    if (path === '' && (key === 'metadata' || key === 'apiVersion' || key === 'kind')) continue;
    const p = path ? `${path}.${key}` : key;
    const child = properties[key] ?? (typeof additional === 'object' ? additional : undefined);
    if (child) out.push({ schema: child, value: v, path: p });
    else if (additional !== true) unknown.push(p);
  }
  return out;
}

/** Paths of fields the schema does not declare, e.g. "spec.vpcPeerings[0].remoteVPC". */
export function unknownFields(schema: JsonSchema, value: Json): string[] {
  const unknown: string[] = [];
  const queue: Walk[] = [{ schema, value, path: '' }];
  while (queue.length) {
    const w = queue.shift()!;
    queue.push(...children(w.schema, w.value, w.path, unknown));
  }
  return unknown;
}

/** A copy of `value` without the fields at `paths` (as unknownFields reports them). */
export function prune<T>(value: T, paths: readonly string[]): T {
  const copy = structuredClone(value) as Record<string, unknown>;
  for (const path of paths) {
    const keys = path.match(/[^.[\]]+/g)!;
    let node: unknown = copy;
    for (const k of keys.slice(0, -1)) node = (node as Record<string, unknown>)[k];
    delete (node as Record<string, unknown>)[keys[keys.length - 1]!];
  }
  return copy as T;
}
