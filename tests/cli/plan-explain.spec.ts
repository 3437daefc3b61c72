// `plan`, `explain` and validate's cross-check of expect: lines against the model.
import { expect, test } from '@playwright/test';
import { runCli, tempFile } from '../support/cli.ts';
import { chainTopology } from '../../bench/chain.ts';

test('plan prints each phase of the natOutgoing procedure with its expected outcome', async () => {
  const run = await runCli(['plan', 'topologies/nat-outgoing.yaml']);
  expect(run.code).toBe(0);
  const phases = run.out.split(/^nat-outgoing — /m).slice(1);
  expect(phases.map((p) => p.split(':')[0])).toEqual(['phase initial', 'phase default route added', 'phase natOutgoing on']);
  expect(phases[0]).toMatch(/1 vm-external - u/);
  expect(phases[1]).toMatch(/1 vm-external - n/);
  expect(phases[2]).toMatch(/1 vm-external - \./);
  expect(phases[0]).toMatch(/no default route .*Network is unreachable/);
});

test('plan --json gives every cell with its address and reason', async () => {
  const run = await runCli(['plan', 'topologies/vpc-peering-example2.yaml', '--json']);
  const plan = JSON.parse(run.out) as { internetIP: string; phases: { name: string; cells: { from: string; to: string; toIp: string; predicted: string; reason: string }[] }[] };
  expect(plan.internetIP).toBe('192.0.2.1');
  const cell = plan.phases[0]!.cells.find((c) => c.from === 'vm1-vpcpeer1' && c.to === 'vm1-vpcpeer2')!;
  expect(cell).toMatchObject({ toIp: '20.1.0.2', predicted: 'timeout' });
  expect(cell.reason).toMatch(/route 20\.0\.0\.0\/16 .*does not cover/);
});

test('plan --target harvester probes 8.8.8.8 as the internet; --phase selects one phase', async () => {
  const run = await runCli(['plan', 'topologies/nat-outgoing.yaml', '--json', '--target', 'harvester', '--phase', 'natOutgoing on']);
  const plan = JSON.parse(run.out) as { internetIP: string; phases: { name: string; cells: { toIp: string }[] }[] };
  expect(plan.internetIP).toBe('8.8.8.8');
  expect(plan.phases.map((p) => p.name)).toEqual(['natOutgoing on']);
  expect(plan.phases[0]!.cells[0]!.toIp).toBe('8.8.8.8');
  const bad = await runCli(['plan', 'topologies/nat-outgoing.yaml', '--phase', 'nope']);
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/no phase "nope"; phases: initial, default route added, natOutgoing on/);
});

test('plan shows warnings above the matrix and still plans a flawed topology', async () => {
  const run = await runCli(['plan', 'topologies/vpc-peering-example2.yaml']);
  expect(run.code).toBe(0);
  expect(run.err).toMatch(/warning: vpcs\[0\]\.staticRoutes\[0\]\.cidr/);
  expect(run.out).toMatch(/vpc-peering-ex2 — phase initial/);
});

test('explain walks request and reply hop by hop', async () => {
  const run = await runCli(['explain', 'topologies/vpc-peering-example1.yaml', '--from', 'vm1-vpcpeer1', '--to', 'vm1-vpcpeer2']);
  expect(run.code).toBe(0);
  expect(run.out).toMatch(/^request:/m);
  expect(run.out).toMatch(/^reply:/m);
  expect(run.out).toMatch(/verdict: reachable \(DELIVERED\)/);
  const tcp = await runCli(['explain', 'topologies/blog-security-group.yaml', '--from', 'vm-peer', '--to', 'vm-web', '--port', '80']);
  expect(tcp.out).toMatch(/verdict: timeout/);
  expect(tcp.out).toMatch(/security group web/);
});

test('explain of the ovn-cluster peering names the 29000 reroute, and the 31000 allow that outranks it', async () => {
  const reroute = /router ovn-cluster +policy 29000 ip4\.src == \$pod\.subnet\.node\.1_ip4 reroute 100\.64\.0\.2 \(Kube-OVN\)$/m;
  const allow = /router ovn-cluster +policy 31000 ip4\.dst == 10\.20\.0\.0\/16 allow \(policyRoutes\), outranking policy 29000 ip4\.src == \$pod\.subnet\.node\.1_ip4 reroute 100\.64\.0\.2$/m;
  const file = 'topologies/kube-ovn-peering-ovn-cluster.yaml';
  const withPolicy = await runCli(['explain', file, '--from', 'pod-1', '--to', 'vm-1']);
  expect(withPolicy.code).toBe(0);
  expect(withPolicy.out).toMatch(allow);
  expect(withPolicy.out).toMatch(/verdict: reachable \(DELIVERED\)/);
  const without = await runCli(['explain', file, '--from', 'pod-1', '--to', 'vm-1', '--phase', 'without the policy route']);
  expect(without.out).toMatch(reroute);
  expect(without.out).not.toMatch(allow);
  expect(without.out).toMatch(/verdict: timeout \(REROUTED_TO_NODE\)/);
  expect(without.out).toMatch(/^reason: ovn-cluster policy 29000 .* after the route lookup chose 10\.20\.0\.0\/16 via 169\.254\.10\.1/m);
  // The documented Harvester failure has the same cause.
  const harvester = await runCli(['explain', 'topologies/peering-ovn-cluster.yaml', '--from', 'vm-default', '--to', 'vm-custom']);
  expect(harvester.out).toMatch(/policy 29000 ip4\.src == \$default\.subnet\.node\.1_ip4 reroute 100\.64\.0\.2 \(Kube-OVN\)/);
  expect(harvester.out).toMatch(/verdict: timeout \(REROUTED_TO_NODE\)/);
});

test('explain rejects unknown VMs, destinations and ports with exit 2', async () => {
  expect((await runCli(['explain', 'topologies/vpc-peering-example1.yaml', '--from', 'vmx', '--to', 'internet'])).code).toBe(2);
  expect((await runCli(['explain', 'topologies/vpc-peering-example1.yaml', '--from', 'vm1-vpcpeer1', '--to', 'nowhere'])).code).toBe(2);
  const port = await runCli(['explain', 'topologies/vpc-peering-example1.yaml', '--from', 'vm1-vpcpeer1', '--to', 'internet', '--port', '99999']);
  expect(port.code).toBe(2);
  expect(port.err).toMatch(/1 to 65535/);
});

test('validate warns where an expect: line disagrees with the model, at that line', async () => {
  const file = tempFile(`apiVersion: vpcheck/v1
kind: Topology
name: wrong
networks: [ { name: n1 }, { name: n2 } ]
vpcs: [ { name: a }, { name: b } ]
subnets:
  - { name: s1, vpc: a, cidrBlock: 10.1.0.0/24, provider: n1 }
  - { name: s2, vpc: b, cidrBlock: 10.2.0.0/24, provider: n2 }
vms: [ { name: vm1, network: n1 }, { name: vm2, network: n2 } ]
expect:
  - { from: vm1, to: vm2, reachable: true }
`);
  const run = await runCli(['validate', file]);
  expect(run.code).toBe(0);
  expect(run.err).toMatch(new RegExp(`:11:5: warning: expect\\[0\\]: expects reachable but the model predicts timeout: a has no route to 10\\.2\\.0\\.2`));
  expect((await runCli(['validate', '--strict', file])).code).toBe(2);
});

test('plan --json, written in batches, is the pretty-printed document byte for byte', async () => {
  // 30 VMs: 900 cells of ten lines each, several batches.
  const run = await runCli(['plan', tempFile(chainTopology({ vpcs: 3, vms: 30 })), '--json']);
  expect(run.code).toBe(0);
  const plan = JSON.parse(run.out) as { phases: { cells: unknown[] }[] };
  expect(plan.phases[0]!.cells).toHaveLength(30 * 30);
  expect(run.out).toBe(`${JSON.stringify(plan, null, 2)}\n`);
});

test('plan and explain of the NAT gateway seed: external rows with EIP destinations, and the source the upstream sees', async () => {
  const file = 'topologies/vpc-nat-gateway.yaml';
  const plan = await runCli(['plan', file]);
  expect(plan.code).toBe(0);
  const [initial, noRoute] = plan.out.split(/^vpc-nat-gateway — /m).slice(1);
  expect(initial).toMatch(/^ {2}r external -> eip-snat tcp\/9090: expected refused \(gw1 holds eip-snat 192\.0\.2\.100 with no FIP and no DNAT rule for tcp\/9090/m);
  expect(initial).toMatch(/^ {2}\. external -> eip-snat tcp\/8080: expected reachable$/m);
  expect(noRoute).toMatch(/^ {2}x external -> eip-snat tcp\/8080: expected timeout \(no return route: custom-vpc has no route to 192\.0\.2\.1 back to NAT gateway gw1 .*kube-ovn#4241\)\)$/m);
  const json = JSON.parse((await runCli(['plan', file, '--json'])).out) as { phases: { cells: { from: string; to: string; toIp: string }[] }[] };
  expect(json.phases[0]!.cells.filter((c) => c.from === 'external').map((c) => `${c.to} ${c.toIp}`)).toEqual(['eip-fip 192.0.2.101', 'eip-snat 192.0.2.100', 'eip-snat 192.0.2.100']);
  const inbound = await runCli(['explain', file, '--from', 'external', '--to', 'eip-snat', '--port', '8080']);
  expect(inbound.code).toBe(0);
  expect(inbound.out).toMatch(/^external \(192\.0\.2\.1\) -> eip-snat \(192\.0\.2\.100\), tcp\/8080$/m);
  expect(inbound.out).toMatch(/conntrack: source 172\.20\.10\.2 back to 192\.0\.2\.100/);
  const egress = await runCli(['explain', file, '--from', 'vm-fip', '--to', 'internet']);
  expect(egress.out).toMatch(/^the external host sees the source as 192\.0\.2\.101$/m);
  const bad = await runCli(['explain', file, '--from', 'external', '--to', 'eip-none']);
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/EIPs: eip-snat, eip-fip/);
});
