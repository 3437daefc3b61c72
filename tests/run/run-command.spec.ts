// `vpcheck run` end to end on the lab: results, exit codes, explanations, JSON.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { runCli, tempFile } from '../support/cli.ts';
import type { RunResult } from '../../lib/run/result.ts';

test('a wrong topology fails with exit 1; each differing cell carries the model reason, ovn-trace and a reproduction', async () => {
  const json = tempFile('', 'wrong.json');
  const run = await runCli(['run', 'tests/fixtures/missing-return-route.yaml', '--json', json, '--retries', '1']);
  expect(run.code, run.err).toBe(1);
  // validate-time warning: the expectation contradicts the model, shown above the matrix
  expect(run.err).toMatch(/warning: expect\[0\]: expects reachable but the model predicts timeout/);
  expect(run.out).toMatch(/FAIL vm-a -> vm-b \(10\.2\.0\.2\) icmp: expected reachable, observed timeout after 2 tries/);
  expect(run.out).toMatch(/model: .*vpc-b has no route to 10\.1\.0\.2/);
  expect(run.out).toMatch(/ovn-trace/);
  expect(run.out).toMatch(/reproduce in vm-a's console: ping -c 3 -W 1 10\.2\.0\.2/);
  expect(run.out).toMatch(/vpcheck explain tests\/fixtures\/missing-return-route\.yaml --from vm-a --to vm-b/);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  expect(result.summary).toEqual({ passed: 0, failed: 2, errors: 0 });
  const cell = result.phases[0]!.results.find((c) => c.from === 'vm-a')!;
  expect(cell.tries.map((t) => t.outcome)).toEqual(['timeout', 'timeout']);
  expect(cell.diagnostics!.some((d) => /lr_in_ip_routing|ovn-trace/.test(d.title + d.output))).toBe(true);
  // From inside the VM, over its console: the route it took, so the forward path is ruled out.
  expect(cell.diagnostics!.find((d) => d.title === 'route vm-a picks for 10.2.0.2')).toMatchObject({ command: 'ip route get 10.2.0.2', output: expect.stringMatching(/^10\.2\.0\.2 via 10\.1\.0\.1 dev enp1s0 src 10\.1\.0\.2/) });
  expect(cell.diagnostics!.find((d) => d.title === 'ip route in vm-a')!.output).toMatch(/^default via 10\.1\.0\.1 dev enp1s0/m);
});

test('a passing run exits 0 and records what was tested', async () => {
  const json = tempFile('', 'pass.json');
  const run = await runCli(['run', 'topologies/nat-outgoing.yaml', '--json', json]);
  expect(run.code, run.out + run.err).toBe(0);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  expect(result).toMatchObject({ topology: 'nat-outgoing', target: 'lab', transport: 'console', summary: { passed: 3, failed: 0, errors: 0 } });
  expect(result.topologySha256).toMatch(/^[0-9a-f]{64}$/);
  expect(Object.keys(result.versions)).toEqual(['ovs', 'ovn', 'kernel']);
  expect(result.phases.map((p) => [p.name, p.results[0]!.observed])).toEqual([
    ['initial', 'network-unreachable'],
    ['default route added', 'timeout'],
    ['natOutgoing on', 'reachable'],
  ]);
  // Time to converge after enabling natOutgoing is itself a result.
  expect(result.phases[2]!.results[0]!.convergedMs).toBeGreaterThanOrEqual(0);
  // So is how each phase was known to be in place: the lab writes OVN's rows itself.
  for (const p of result.phases) expect(p.readiness).toMatchObject({ kind: 'programmed', checked: expect.stringMatching(/^\d+ NB commands in [0-2] ovn-nbctl transactions?, installed by ovn-controller/) });
  expect(run.out).toMatch(/^nat-outgoing — phase natOutgoing on: 1\/1 cells pass \([\d.]+ s, converged in \d+ ms \(slowest cell\), programmed\)\n  readiness: programmed after [\d.]+ s: \d+ NB commands/m);
});

test('an invalid topology exits 2 before anything is built', async () => {
  const file = tempFile('apiVersion: vpcheck/v1\nkind: Topology\nname: Bad\n');
  const run = await runCli(['run', file]);
  expect(run.code).toBe(2);
  expect(run.err).toMatch(/error: name: "Bad" is not a DNS-1123 label/);
});
