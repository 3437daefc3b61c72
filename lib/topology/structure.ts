// Structural check of a parsed file against the schema, phrased for a person fixing YAML by
// hand: unknown fields with a "did you mean", wrong types with what was found, enums listed.
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { closest, distance } from 'fastest-levenshtein';
import { TopologySchema } from './schema.ts';

export interface StructureProblem {
  /** The field the problem is about. */
  readonly segments: (string | number)[];
  /** Where to point: the field itself, or its parent object when the field is missing. */
  readonly at: (string | number)[];
  /** Point at the key rather than the value (unknown fields). */
  readonly atKey: boolean;
  readonly message: string;
}

export function checkStructure(value: unknown): StructureProblem[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ segments: [], at: [], atKey: false, message: `expected a mapping with apiVersion, kind and name, got ${describe(value)}` }];
  }
  const seen = new Set<string>();
  const out: StructureProblem[] = [];
  for (const e of Value.Errors(TopologySchema, value)) {
    // One message per field: a union or a missing object also produces follow-up errors below it.
    if (seen.has(e.path) || [...seen].some((p) => p && e.path.startsWith(`${p}/`))) continue;
    seen.add(e.path);
    const segments = e.path.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
    out.push(problemOf(e, segments));
  }
  return out;
}

function problemOf(e: ValueError, segments: (string | number)[]): StructureProblem {
  const field = String(segments[segments.length - 1] ?? '');
  if (e.type === ValueErrorType.ObjectRequiredProperty) {
    return { segments, at: segments.slice(0, -1), atKey: false, message: `missing required field "${field}"` };
  }
  return { segments, at: segments, ...describeProblem(e, field) };
}

function describeProblem(e: ValueError, field: string): { atKey: boolean; message: string } {
  switch (e.type) {
    case ValueErrorType.ObjectAdditionalProperties: {
      const known = Object.keys((e.schema as { properties?: object }).properties ?? {});
      return { atKey: true, message: `unknown field "${field}"${suggest(field, known)}; allowed: ${known.join(', ')}` };
    }
    case ValueErrorType.Union: {
      const literals = ((e.schema as { anyOf?: { const?: unknown }[] }).anyOf ?? []).map((s) => s.const).filter((c) => c !== undefined);
      const got = typeof e.value === 'string' ? suggest(e.value, literals.map(String)) : '';
      return { atKey: false, message: `must be one of ${literals.join(', ')}; got ${describe(e.value)}${got}` };
    }
    case ValueErrorType.Literal:
      return { atKey: false, message: `must be ${JSON.stringify((e.schema as unknown as { const: unknown }).const)}; got ${describe(e.value)}` };
    case ValueErrorType.StringPattern:
      return { atKey: false, message: `must look like "tcp/443"; got ${describe(e.value)}` };
    case ValueErrorType.ArrayMinItems:
    case ValueErrorType.ArrayMaxItems: {
      const { minItems, maxItems } = e.schema as { minItems?: number; maxItems?: number };
      const want = minItems === maxItems ? `exactly ${minItems}` : e.type === ValueErrorType.ArrayMinItems ? `at least ${minItems}` : `at most ${maxItems}`;
      return { atKey: false, message: `expected ${want} items, got ${(e.value as unknown[]).length}` };
    }
    case ValueErrorType.Integer:
    case ValueErrorType.String:
    case ValueErrorType.Boolean:
    case ValueErrorType.Array:
    case ValueErrorType.Object:
      return { atKey: false, message: `expected ${expectedOf(e.type)}, got ${describe(e.value)}` };
    default:
      return { atKey: false, message: `${e.message.toLowerCase()}; got ${describe(e.value)}` };
  }
}

function expectedOf(type: ValueErrorType): string {
  switch (type) {
    case ValueErrorType.Integer:
      return 'a whole number';
    case ValueErrorType.String:
      return 'a string';
    case ValueErrorType.Boolean:
      return 'true or false';
    case ValueErrorType.Array:
      return 'a list';
    default:
      return 'a mapping';
  }
}

export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return `${typeof v} ${String(v)}`;
}

/** " (did you mean X?)" when a known word is close enough to be a typo. */
export function suggest(word: string, known: readonly string[]): string {
  if (!known.length || !word) return '';
  // A known word that contains the typed one ("cidr" in "cidrBlock") beats edit distance.
  const lower = word.toLowerCase();
  const containing = word.length >= 3 ? known.filter((k) => k.toLowerCase().includes(lower)) : [];
  if (containing.length === 1) return ` (did you mean "${containing[0]}"?)`;
  const best = closest(word, known as string[]);
  const d = distance(word.toLowerCase(), best.toLowerCase());
  return d <= Math.max(2, Math.floor(best.length / 3)) ? ` (did you mean "${best}"?)` : '';
}
