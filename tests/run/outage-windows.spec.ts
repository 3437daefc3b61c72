// Outage windows through the CLI on the lab: a phase's change is applied while the paths that
// must stay up are pinged; the JSON carries each window, a bound passes or fails its cell, and
// the terminal report lists them.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { RunResult } from '../../lib/run/result.ts';
import { runCli, tempFile } from '../support/cli.ts';

const topology = (bound: number) => `apiVersion: vpcheck/v1
kind: Topology
name: outage-${bound}
networks: [ { name: n1 }, { name: n2 } ]
vpcs: [ { name: v1 } ]
subnets:
  - { name: s1, vpc: v1, cidrBlock: 10.1.0.0/24, provider: n1 }
  - { name: s2, vpc: v1, cidrBlock: 10.2.0.0/24, provider: n2 }
vms:
  - { name: a, network: n1 }
  - { name: b, network: n2 }
probes: { internet: false }
phases:
  - name: c joins
    add: { vms: [ { name: c, network: n1 } ] }
    expect: [ { from: a, to: b, reachable: true, maxOutageMs: ${bound} } ]
`;

async function run(bound: number): Promise<{ code: number; out: string; result: RunResult }> {
  const json = tempFile('', `outage-${bound}.json`);
  const r = await runCli(['run', tempFile(topology(bound), `outage-${bound}.yaml`), '--json', json]);
  return { code: r.code, out: r.out + r.err, result: JSON.parse(readFileSync(json, 'utf8')) as RunResult };
}

test('a change that leaves a path alone: its window shows no outage and a generous bound passes', async () => {
  test.setTimeout(120_000);
  const { code, out, result } = await run(2000);
  expect(code, out).toBe(0);
  expect(result.phases[0]!.outages).toBeUndefined();
  const windows = result.phases[1]!.outages!;
  expect(windows.map((w) => `${w.from}->${w.to}`).sort()).toEqual(['a->b', 'b->a']);
  for (const w of windows) {
    expect(w.upAtStart).toBe(true);
    expect(w.received!).toBeGreaterThan(10);
    expect(w.longestGapMs!).toBeLessThan(2000);
  }
  const bounded = result.phases[1]!.results.find((c) => c.from === 'a' && c.to === 'b')!;
  expect(bounded.pass).toBe(true);
  expect(bounded.outage?.maxOutageMs).toBe(2000);
  expect(out).toMatch(/outage windows during the change: 2 paths pinged every 10 ms, 2 measured; longest gap \d+ ms/);
});

test('a bound shorter than the ping interval fails its cell, saying by how much', async () => {
  test.setTimeout(120_000);
  const { code, out, result } = await run(1);
  expect(code, out).toBe(1);
  const bounded = result.phases[1]!.results.find((c) => c.from === 'a' && c.to === 'b')!;
  expect(bounded.observed).toBe('reachable');
  expect(bounded.pass).toBe(false);
  expect(bounded.detail.note).toMatch(/^outage \d+ ms during the change exceeds maxOutageMs 1$/);
  expect(out).toMatch(/FAIL a -> b: longest gap \d+ ms, \d+ of \d+ lost \(over maxOutageMs 1\)/);
});
