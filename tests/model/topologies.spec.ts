import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTopology } from '../../lib/topology/load.ts';
import { checkExpectations } from '../../lib/model/index.ts';

// Every `expect:` line of the shipped topologies must agree with the model: the files encode the
// documented behaviour, and the model is what `plan` and `validate` answer with.
const dir = join(import.meta.dirname, '../../topologies');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
  test(`topologies/${file}: every expect line agrees with the model`, () => {
    const result = loadTopology(readFileSync(join(dir, file)), file);
    expect(result.topology, JSON.stringify(result)).toBeDefined();
    const t = result.topology!;
    expect(t.expect.length + t.phases.reduce((n, p) => n + p.expect.length, 0)).toBeGreaterThan(0);
    const disagreements = checkExpectations(t, { internetIP: '192.0.2.1' });
    expect(disagreements.map((d) => `${d.path}: expected ${d.expected}, model ${d.predicted} (${d.reason})`)).toEqual([]);
  });
}
