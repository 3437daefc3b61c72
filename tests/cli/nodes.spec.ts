// `explain` and `plan` with nodes: the probe kinds mtu and bulk, the nodes of both ends, whether
// the path crosses nodes, and each VM's node in plan --json.
import { expect, test } from '@playwright/test';
import { runCli, tempFile } from '../support/cli.ts';

const THREE = `apiVersion: vpcheck/v1
kind: Topology
name: three
nodes: [ { name: node-1 }, { name: node-2 }, { name: node-3 } ]
networks: [ { name: n1 } ]
subnets: [ { name: s1, cidrBlock: 10.20.1.0/24, provider: n1 } ]
vms:
  - { name: a, network: n1, mtu: 1500 }
  - { name: b, network: n1, mtu: 1500, listen: [ tcp/5201 ] }
  - { name: c, network: n1, listen: [ tcp/5201 ] }
  - { name: d, network: n1, mtu: 1500 }
probes:
  mtu: [ { from: a, to: b } ]
  bulk: [ { from: a, to: b, port: 5201, megabytes: 2 } ]
phases:
  - name: cut
    cutTunnels: [ [ node-1, node-2 ] ]
`;

test('explain --probe mtu and bulk name the nodes, the crossing and the largest payload', async () => {
  const file = tempFile(THREE);
  const mtu = await runCli(['explain', file, '--from', 'a', '--to', 'b', '--probe', 'mtu', '--size', '1472']);
  expect(mtu.code).toBe(0);
  expect(mtu.out).toContain('a (10.20.1.2) -> b (10.20.1.3), mtu 1472\nnodes: a on node-1, b on node-2; the path crosses node-1 - node-2\n');
  expect(mtu.out).toContain('verdict: timeout (MTU_EXCEEDED)\nreason: guest MTU 1500 exceeds the overlay\'s 1400: packets over 1414 bytes are dropped across nodes (a on node-1, b on node-2)\n');
  expect(mtu.out).toContain('largest payload that passes with Don\'t Fragment: 1414 bytes');
  // a and d share node-1: the same ping passes.
  const same = await runCli(['explain', file, '--from', 'a', '--to', 'd', '--probe', 'mtu']);
  expect(same.out).toContain('nodes: a on node-1, d on node-1; the path stays on one node\n');
  expect(same.out).toContain('verdict: reachable (DELIVERED)');
  const bulk = await runCli(['explain', file, '--from', 'a', '--to', 'c', '--probe', 'bulk', '--port', '5201', '--megabytes', '10', '--phase', 'cut']);
  expect(bulk.out).toContain('a (10.20.1.2) -> c (10.20.1.4), bulk 10 MiB tcp/5201\nnodes: a on node-1, c on node-3; the path crosses node-1 - node-3\n');
  expect(bulk.out).toContain('verdict: reachable (DELIVERED)');
  const cut = await runCli(['explain', file, '--from', 'a', '--to', 'b', '--probe', 'bulk', '--port', '5201', '--phase', 'cut']);
  expect(cut.out).toContain('reason: the Geneve tunnel between node-1 and node-2 is cut (a on node-1, b on node-2)');
  expect(cut.out).toMatch(/request:\n(.*\n)*? +\d+\. geneve node-1 -> node-2 +tunnelled to b: the tunnel is cut, the packet is lost\n/);
  expect(mtu.out).toMatch(/ \d+\. geneve node-1 -> node-2 +tunnelled to b\n/);
  for (const [args, message] of [
    [['--probe', 'mtu', '--port', '22'], '--port does not go with --probe mtu'],
    [['--probe', 'bulk'], '--probe bulk needs --port'],
    [['--size', '100'], '--size does not go with --probe icmp'],
  ] as const) {
    const bad = await runCli(['explain', file, '--from', 'a', '--to', 'b', ...args]);
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining(message)]);
  }
});

test('plan --json carries each VM\'s node and the size of mtu and bulk cells', async () => {
  const run = await runCli(['plan', tempFile(THREE), '--json']);
  const plan = JSON.parse(run.out) as { phases: { name: string; vms: { name: string; node: string }[]; cells: { from: string; to: string; probe: string; size?: number; predicted: string; reason: string }[] }[] };
  expect(run.out).toBe(`${JSON.stringify(plan, null, 2)}\n`);
  expect(plan.phases[0]!.vms.map((v) => `${v.name}@${v.node}`)).toEqual(['a@node-1', 'b@node-2', 'c@node-3', 'd@node-1']);
  const sized = plan.phases.map((p) => p.cells.filter((c) => c.size !== undefined).map((c) => `${p.name} ${c.probe} ${c.size} ${c.predicted}`));
  expect(sized).toEqual([['initial mtu 1472 timeout', 'initial bulk 2097152 timeout'], ['cut mtu 1472 timeout', 'cut bulk 2097152 timeout']]);
  expect(plan.phases[1]!.cells.find((c) => c.probe === 'bulk')!.reason).toMatch(/Geneve tunnel between node-1 and node-2 is cut/);
});
