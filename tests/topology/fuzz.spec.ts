// Mutates the seed topologies (structure and raw text) and feeds them to the loader: it must
// never throw, and every diagnostic it returns must point inside the file.
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { loadTopology } from '../../lib/topology/load.ts';

const seeds = readdirSync('topologies')
  .filter((f) => f.endsWith('.yaml') && !f.startsWith('scale'))
  .map((f) => readFileSync(`topologies/${f}`, 'utf8'));

const RUNS = 10_000;

const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -70000, max: 70000 }),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('10.0.0.0/24', '169.254.0.1/30', '1.2.3.4', '999.1.1.1', 'ovn-cluster', 'internet', '../x', 'a;b', 'tcp/443', '10.0.0.1..10.0.0.5'),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
);

type Mutation =
  | { kind: 'set'; pick: number; value: unknown }
  | { kind: 'delete'; pick: number }
  | { kind: 'rename'; pick: number; name: string }
  | { kind: 'duplicate'; pick: number }
  | { kind: 'text'; at: number; cut: number; insert: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: junk }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), pick: fc.nat(), name: fc.constantFrom('nme', 'cidr', 'vpcPeering', 'x', 'name') }),
  fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('text' as const), at: fc.nat(), cut: fc.nat({ max: 20 }), insert: fc.constantFrom('', ':', '- ', '{', '&a', '*a', '\t', '"', '\n  ', '\u00e9', '[]', ' #') }),
);

/** Every (container, key) pair in the value, so a mutation can pick any field or list item. */
function slots(root: unknown): [Record<string | number, unknown>, string | number][] {
  const out: [Record<string | number, unknown>, string | number][] = [];
  const walk = (v: unknown) => {
    if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        const key = Array.isArray(v) ? Number(k) : k;
        out.push([v as Record<string | number, unknown>, key]);
        walk((v as Record<string, unknown>)[k]);
      }
    }
  };
  walk(root);
  return out;
}

/** Structural mutations on the parsed value first, then text mutations on its YAML. */
function mutate(text: string, mutations: Mutation[]): string {
  const value: unknown = parse(text);
  for (const m of mutations) {
    if (m.kind === 'text') continue;
    const all = slots(value);
    if (!all.length) continue;
    const [container, key] = all[m.pick % all.length]!;
    if (m.kind === 'set') container[key] = m.value;
    else if (m.kind === 'delete') Array.isArray(container) ? container.splice(Number(key), 1) : delete container[key];
    else if (m.kind === 'duplicate' && Array.isArray(container)) container.push(structuredClone(container[key as number]));
    else if (m.kind === 'rename' && !Array.isArray(container)) {
      container[m.name] = container[key];
      delete container[key];
    }
  }
  let out = mutations.some((m) => m.kind !== 'text') ? stringify(value) : text;
  for (const m of mutations) {
    if (m.kind !== 'text') continue;
    const at = m.at % (out.length + 1);
    out = out.slice(0, at) + m.insert + out.slice(at + m.cut);
  }
  return out;
}

test(`${RUNS} mutated topologies never crash the loader`, async () => {
  test.setTimeout(300_000);
  let loaded = 0;
  let rejected = 0;
  fc.assert(
    fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, mutations) => {
      const text = mutate(seeds[seed]!, mutations);
      const lines = text.split('\n').length;
      const result = loadTopology(Buffer.from(text), 'fuzz.yaml');
      for (const d of result.diagnostics) {
        if (d.line < 1 || d.line > lines + 1 || d.col < 1) throw new Error(`diagnostic outside the file: ${JSON.stringify(d)}`);
      }
      if (result.topology) loaded++;
      else if (result.diagnostics.some((d) => d.severity === 'error')) rejected++;
      else throw new Error('neither a topology nor an error');
    }),
    { numRuns: RUNS, seed: 20261123 },
  );
  console.log(`fuzz: ${RUNS} mutated topologies, ${loaded} loaded, ${rejected} rejected with errors, 0 uncaught exceptions`);
  expect(loaded + rejected).toBe(RUNS);
  expect(rejected).toBeGreaterThan(RUNS / 10);
});
