// Checks an object against its kind's schema the way the API server does: type errors are
// "Invalid value" causes (422), unknown fields are listed separately (pruned or, with
// fieldValidation=Strict, rejected).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { KubeObject } from './resources.ts';
import { schemaOf } from './schemas.ts';
import { unknownFields } from './structural.ts';

export interface Cause {
  readonly field: string;
  readonly message: string;
}

export interface Validation {
  readonly causes: readonly Cause[];
  readonly unknown: readonly string[];
}

// Kubernetes schemas carry x-kubernetes-* keywords ajv does not know (strict: false), and
// OpenAPI formats the API server does not enforce on CRDs beyond their type.
const ajv = new Ajv({ allErrors: true, strict: false, formats: { 'date-time': true, int32: true, int64: true } });
const compiled = new Map<string, ValidateFunction>();

function field(e: ErrorObject): string {
  const path = e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
  return e.keyword === 'required' ? `${path ? `${path}.` : ''}${(e.params as { missingProperty: string }).missingProperty}` : path;
}

export function validateObject(o: KubeObject): Validation {
  const schema = schemaOf(o.kind);
  if (!schema) return { causes: [{ field: 'kind', message: `Unsupported value: "${o.kind}"` }], unknown: [] };
  let check = compiled.get(o.kind);
  if (!check) compiled.set(o.kind, (check = ajv.compile(schema)));
  check(o);
  const causes = (check.errors ?? []).filter((e) => e.keyword !== 'additionalProperties').map((e) => ({
    field: field(e),
    message: e.keyword === 'required' ? 'Required value' : `Invalid value: ${e.message ?? e.keyword}`,
  }));
  return { causes, unknown: unknownFields(schema, o) };
}
