// Checks an object against the upstream API schemas vendored beside this file (README.md), with
// the API server's fieldValidation=Strict semantics: a type error or a field the schema does not
// declare is a problem (k8s.io/apiextensions-apiserver pkg/apiserver/schema/pruning/algorithm.go
// prunes undeclared fields; Strict turns each into a 'strict decoding error: unknown field').
// Nothing here comes from vpcheck's renderer: KubeVirt's swagger, Kube-OVN's CRDs, the NAD CRD,
// and for core kinds the Kubernetes OpenAPI as the npm packages kubernetes-models (type errors)
// and @kubernetes/client-node (the declared fields of each type) carry it.
import * as k8s from '@kubernetes/client-node';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Pod } from 'kubernetes-models/v1/Pod';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import kubeOvn13 from './kube-ovn-v1.13.13.json' with { type: 'json' };
import kubeOvn14 from './kube-ovn-v1.14.10.json' with { type: 'json' };
import kubevirt15 from './kubevirt-v1.5.0.json' with { type: 'json' };
import kubevirt17 from './kubevirt-v1.7.0.json' with { type: 'json' };
import nad from './network-attachment-definition.json' with { type: 'json' };

type Schema = Record<string, unknown>;

export const KUBEVIRT_VERSIONS = ['v1.5.0', 'v1.7.0'] as const;
export const KUBE_OVN_VERSIONS = ['v1.13.13', 'v1.14.10'] as const;

export interface Upstream {
  readonly kubevirt: (typeof KUBEVIRT_VERSIONS)[number];
  readonly kubeOvn: (typeof KUBE_OVN_VERSIONS)[number];
}

/** One rejection: the field path ("spec.template.spec.volumes[1].cloudInitNoCloud.x") and why. */
export interface Problem {
  readonly field: string;
  readonly message: string;
}

const KUBEVIRT = { 'v1.5.0': kubevirt15, 'v1.7.0': kubevirt17 } as const;
const KUBE_OVN = { 'v1.13.13': kubeOvn13, 'v1.14.10': kubeOvn14 } as const;

/**
 * The schema with every object that declares no `additionalProperties` (and does not preserve
 * unknown fields) closed, so that ajv reports undeclared fields as Strict would.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const each = (map: Schema) => Object.fromEntries(Object.entries(map).map(([k, v]) => [k, closed(v)]));
  const s = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'properties' || k === 'definitions' ? each(v as Schema) : k === 'enum' || k === 'default' ? v : closed(v)])) as Schema;
  const object = s.type === 'object' || s.properties !== undefined;
  if (object && s.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) s.additionalProperties = false;
  return s;
}

// Kubernetes schemas carry x-kubernetes-* keywords ajv does not know (strict: false), and OpenAPI
// formats the API server checks only as their type.
const ajv = new Ajv({ allErrors: true, strict: false, formats: { 'date-time': true, int32: true, int64: true } });
const compiled = new Map<string, ValidateFunction>();

function compile(key: string, schema: () => Schema): ValidateFunction {
  let fn = compiled.get(key);
  if (!fn) compiled.set(key, (fn = ajv.compile(schema())));
  return fn;
}

/**
 * A CRD's openAPIV3Schema. apiVersion and kind are implicit at its root (Kube-OVN's CRDs do not
 * list them), and metadata is the server's ObjectMeta, checked as a core type
 * (k8s.io/apiextensions-apiserver pkg/apiserver/schema/objectmeta).
 */
function crdSchema(openAPIV3Schema: Schema): Schema {
  const s = closed(openAPIV3Schema) as Schema;
  // A CRD may narrow metadata (Kube-OVN's ProviderNetwork: name of at most 12 characters); the
  // rest of ObjectMeta stays open here and is checked as the core type.
  const own = (s.properties as Schema).metadata as Schema | undefined;
  return { ...s, properties: { ...(s.properties as Schema), apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: own ? { ...own, additionalProperties: true } : { type: 'object' } } };
}

function validatorFor(kind: string, upstream: Upstream): ValidateFunction | undefined {
  if (kind === 'VirtualMachine') {
    const swagger = KUBEVIRT[upstream.kubevirt];
    return compile(`kubevirt ${upstream.kubevirt}`, () => ({ $ref: '#/definitions/v1.VirtualMachine', definitions: closed(swagger.definitions) }));
  }
  const crds = KUBE_OVN[upstream.kubeOvn];
  if (Object.hasOwn(crds, kind)) {
    return compile(`kube-ovn ${upstream.kubeOvn} ${kind}`, () => crdSchema(crds[kind as keyof typeof crds].openAPIV3Schema as Schema));
  }
  if (kind === 'NetworkAttachmentDefinition') return compile('nad', () => crdSchema(nad.NetworkAttachmentDefinition.openAPIV3Schema as Schema));
  return undefined;
}

const fieldOf = (instancePath: string): string => instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function problemOf(e: ErrorObject): Problem {
  const at = fieldOf(e.instancePath);
  if (e.keyword === 'additionalProperties') return { field: join(at, (e.params as { additionalProperty: string }).additionalProperty), message: 'unknown field' };
  if (e.keyword === 'required') return { field: join(at, (e.params as { missingProperty: string }).missingProperty), message: 'Required value' };
  return { field: at, message: `Invalid value: ${e.message ?? e.keyword}` };
}

/** Undeclared fields of a core type, from @kubernetes/client-node's models of the Kubernetes OpenAPI. */
function unknownCoreFields(type: string, value: unknown, path: string): Problem[] {
  const model = (k8s as unknown as Record<string, { getAttributeTypeMap?: () => { baseName: string; type: string }[] }>)[type];
  if (!model?.getAttributeTypeMap || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(value).flatMap(([key, v]) => {
    const t = fields.get(key);
    const at = join(path, key);
    if (t === undefined) return [{ field: at, message: 'unknown field' }];
    const list = /^Array<(.+)>$/.exec(t)?.[1];
    if (list) return Array.isArray(v) ? v.flatMap((x, i) => unknownCoreFields(list, x, `${at}[${i}]`)) : [];
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(t)?.[1];
    if (map) return v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => unknownCoreFields(map, x, `${at}.${k}`)) : [];
    return unknownCoreFields(t, v, at);
  });
}

/** Type errors of a core type, from kubernetes-models' validators of the Kubernetes OpenAPI. */
function coreTypeErrors(validate: () => void): Problem[] {
  try {
    validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: ErrorObject[] }).errors;
    if (!errors) throw e;
    return errors.map(problemOf);
  }
}

const CORE: Record<string, { model: string; check: (o: KubeObject) => () => void }> = {
  Pod: { model: 'V1Pod', check: (o) => () => new Pod(o as never).validate() },
  Namespace: { model: 'V1Namespace', check: (o) => () => new Namespace(o as never).validate() },
  Secret: { model: 'V1Secret', check: (o) => () => new Secret(o as never).validate() },
  ConfigMap: { model: 'V1ConfigMap', check: (o) => () => new ConfigMap(o as never).validate() },
};

/** Every problem the API server would reject `o` for under fieldValidation=Strict, on these upstream versions. */
export function validateUpstream(o: KubeObject, upstream: Upstream): Problem[] {
  const core = CORE[o.kind];
  if (core) return [...coreTypeErrors(core.check(o)), ...unknownCoreFields(core.model, o, '')];
  const fn = validatorFor(o.kind, upstream);
  if (!fn) return [{ field: 'kind', message: `no vendored upstream schema for ${o.kind}` }];
  const problems = fn(o) ? [] : (fn.errors ?? []).map(problemOf);
  if (o.kind === 'VirtualMachine') return problems;
  const meta = o.metadata;
  const metaProblems = [...coreTypeErrors(() => new ObjectMeta(meta as never).validate()), ...unknownCoreFields('V1ObjectMeta', meta, '')];
  return [...problems, ...metaProblems.map((p) => ({ ...p, field: join('metadata', p.field) }))];
}
