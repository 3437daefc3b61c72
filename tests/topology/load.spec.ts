// What the loader fills in and keeps: defaults, merged phases, positions, immutability.
import { expect, test } from '@playwright/test';
import { loadTopology, loadTopologyFile } from '../../lib/topology/load.ts';
import { runCli } from '../support/cli.ts';

const load = (text: string) => loadTopology(Buffer.from(text), 'mem.yaml');

test('defaults are filled: ovn-cluster, gateway, defaultRoute, probes, platform', () => {
  const { topology, diagnostics } = load(`apiVersion: vpcheck/v1
kind: Topology
name: d
networks: [ { name: n1 } ]
subnets: [ { name: s1, cidrBlock: 10.5.0.0/24, provider: n1 } ]
vms: [ { name: vm1, network: n1 } ]
`);
  expect(diagnostics).toEqual([]);
  const t = topology!;
  expect(t.platform).toBe('harvester');
  expect(t.vpcs.map((v) => [v.name, v.implicit])).toEqual([['ovn-cluster', true]]);
  expect(t.subnets[0]).toMatchObject({ vpc: 'ovn-cluster', gateway: '10.5.0.1', provider: 'default/n1', private: false, natOutgoing: false });
  expect(t.vms[0]).toMatchObject({ network: 'default/n1', defaultRoute: true, securityGroups: [], listen: [] });
  expect(t.probes).toEqual({ mesh: true, internet: true, icmp: [], tcp: [], mtu: [], bulk: [] });
  expect(Object.isFrozen(t) && Object.isFrozen(t.subnets[0])).toBe(true);
  expect(t.source.sha256).toMatch(/^[0-9a-f]{64}$/);
});

test('provider forms "name", "ns/name" and Kube-OVN\'s "name.ns.ovn" name one network', () => {
  const { topology } = load(`apiVersion: vpcheck/v1
kind: Topology
name: p
networks: [ { name: a }, { name: b, namespace: team }, { name: c, namespace: team } ]
subnets:
  - { name: s1, cidrBlock: 10.1.0.0/24, provider: a }
  - { name: s2, cidrBlock: 10.2.0.0/24, provider: team/b }
  - { name: s3, cidrBlock: 10.3.0.0/24, provider: c.team.ovn }
`);
  expect(topology!.subnets.map((s) => s.provider)).toEqual(['default/a', 'team/b', 'team/c']);
});

test('phases merge patches by name, in order, and keep the expectations of each phase', async () => {
  const { topology } = await loadTopologyFile('topologies/private-subnet.yaml');
  const [on, allow] = topology!.phases;
  expect(on!.topology.subnets[0]).toMatchObject({ private: true, allowSubnets: [] });
  expect(allow!.topology.subnets[0]).toMatchObject({ private: true, allowSubnets: ['172.20.20.0/24'] });
  expect(topology!.subnets[0]!.private).toBe(false);
  expect(allow!.expect[0]).toMatchObject({ from: 'vm1-vswitch1', to: 'vm1-vswitch2', reachable: true, probe: 'icmp', path: 'phases[1].expect[0]' });
});

test('expectations: a port makes a tcp probe; outcome implies reachable', async () => {
  const { topology } = await loadTopologyFile('topologies/blog-security-group.yaml');
  expect(topology!.expect[0]).toMatchObject({ probe: 'tcp', port: 443, outcome: 'reachable', reachable: true });
  expect(topology!.expect[1]).toMatchObject({ probe: 'tcp', port: 80, outcome: 'timeout', reachable: false });
});

test('positions of fields are kept for later messages', async () => {
  const { topology } = await loadTopologyFile('topologies/vpc-peering-example1.yaml');
  expect(topology!.source.locate('vpcs[0].staticRoutes[0].nextHopIP')).toEqual({ line: 19, col: 41 });
  expect(topology!.source.locate('expect[1]')).toEqual({ line: 35, col: 5 });
});

test('a warning in a phase points at the patch line that caused it', () => {
  const { diagnostics } = load(`apiVersion: vpcheck/v1
kind: Topology
name: w
networks: [ { name: n1 } ]
vpcs: [ { name: v1 } ]
subnets: [ { name: s1, vpc: v1, cidrBlock: 10.1.0.0/24, provider: n1 } ]
phases:
  - name: nat
    patch:
      subnets: [ { name: s1, natOutgoing: true } ]
`);
  expect(diagnostics).toHaveLength(1);
  expect(diagnostics[0]).toMatchObject({ severity: 'warning', path: 'phases[0].patch.subnets[0].natOutgoing', line: 10, col: 43 });
});

test('subnets in the ranges Kube-OVN keeps for itself: warnings where the cluster may still accept them', () => {
  const { topology, diagnostics } = load(`apiVersion: vpcheck/v1
kind: Topology
name: j
networks: [ { name: n1 }, { name: n2 } ]
vpcs: [ { name: v1 } ]
subnets:
  - { name: s1, vpc: v1, cidrBlock: 100.64.3.0/24, provider: n1 }
  - { name: s2, cidrBlock: 10.16.5.0/24, provider: n2 }
`);
  expect(topology).toBeDefined();
  expect(diagnostics.map((d) => [d.severity, d.path, d.line])).toEqual([['warning', 'subnets[0].cidrBlock', 7], ['warning', 'subnets[1].cidrBlock', 8]]);
  expect(diagnostics[0]!.message).toMatch(/join subnet 100\.64\.0\.0\/16; private-subnet ACLs admit/);
  expect(diagnostics[1]!.message).toMatch(/10\.16\.0\.0\/16, Kube-OVN's default ovn-default subnet/);
});

test('the exported JSON Schema is the committed one and describes the format', async () => {
  const run = await runCli(['schema']);
  const schema = JSON.parse(run.out) as { properties: Record<string, unknown>; additionalProperties: boolean };
  expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['vpcs', 'subnets', 'securityGroups', 'vms', 'probes', 'expect', 'phases']));
  expect(schema.additionalProperties).toBe(false);
  const { readFileSync } = await import('node:fs');
  expect(JSON.parse(readFileSync('schema/topology-v1.json', 'utf8'))).toEqual(schema);
});

test('--help of every command shows an example', async () => {
  for (const cmd of ['validate', 'schema']) {
    const run = await runCli([cmd, '--help']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/Example/);
  }
  const bad = await runCli(['frobnicate']);
  expect(bad.code).toBe(2);
});
