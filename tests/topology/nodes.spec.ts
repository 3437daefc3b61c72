// Nodes in the format: the node list, placement, live migration by patch, cut and restored
// tunnels, guest MTUs, and the mtu and bulk probes; every mistake names its file:line:col.
import { expect, test } from '@playwright/test';
import { formatDiagnostic } from '../../lib/topology/diagnostics.ts';
import { loadTopology } from '../../lib/topology/load.ts';
import { guestMtuOf, nodeOf, nodesOf, overlayMtuOf } from '../../lib/topology/nodes.ts';
import { NODE_NAME } from '../../lib/topology/types.ts';

const load = (text: string) => loadTopology(Buffer.from(text), 'mem.yaml');
const errors = (text: string) => load(text).diagnostics.map(formatDiagnostic);
const HEAD = `apiVersion: vpcheck/v1
kind: Topology
name: n
networks: [ { name: n1 } ]
subnets: [ { name: s1, cidrBlock: 10.20.1.0/24, provider: n1 } ]
`;
const THREE = 'nodes: [ { name: node-1 }, { name: node-2 }, { name: node-3 } ]\n';
const vms = (...lines: string[]) => `vms:\n${lines.map((l) => `  - ${l}\n`).join('')}`;

test('without nodes: one node, node-1, and every VM on it', () => {
  const { topology, diagnostics } = load(HEAD + vms('{ name: a, network: n1 }', '{ name: b, network: n1 }'));
  expect(diagnostics).toEqual([]);
  expect(topology!.nodes).toEqual([{ name: NODE_NAME, implicit: true }]);
  expect(topology!.vms.map(nodeOf)).toEqual([NODE_NAME, NODE_NAME]);
  expect(topology!.tunnelsDown).toEqual([]);
});

test('VMs without node are spread round-robin in file order; a VM with node stays there', () => {
  const { topology, diagnostics } = load(HEAD + THREE + vms(
    '{ name: a, network: n1 }', '{ name: b, network: n1 }', '{ name: c, network: n1, node: node-1 }', '{ name: d, network: n1 }', '{ name: e, network: n1 }',
  ));
  expect(diagnostics).toEqual([]);
  expect(nodesOf(topology!).map((n) => n.name)).toEqual(['node-1', 'node-2', 'node-3']);
  expect(topology!.vms.map((v) => `${v.name}@${v.node}`)).toEqual(['a@node-1', 'b@node-2', 'c@node-1', 'd@node-1', 'e@node-2']);
});

test('a patch moves a VM (live migration); the others keep their node when a phase removes or adds VMs', () => {
  const { topology, diagnostics } = load(HEAD + THREE + vms('{ name: a, network: n1 }', '{ name: b, network: n1 }', '{ name: c, network: n1 }') + `phases:
  - name: migrate a
    patch: { vms: [ { name: a, node: node-3 } ] }
  - name: b goes, d comes
    remove: { vms: [ b ] }
    add: { vms: [ { name: d, network: n1 } ] }
`);
  expect(diagnostics).toEqual([]);
  const at = (vs: readonly { name: string; node?: string }[]) => vs.map((v) => `${v.name}@${v.node}`);
  expect(at(topology!.vms)).toEqual(['a@node-1', 'b@node-2', 'c@node-3']);
  expect(at(topology!.phases[0]!.topology.vms)).toEqual(['a@node-3', 'b@node-2', 'c@node-3']);
  // c stays on node-3 although it is now second in the list; d, third, is placed on node-3.
  expect(at(topology!.phases[1]!.topology.vms)).toEqual(['a@node-3', 'c@node-3', 'd@node-3']);
});

test('cut and restored tunnels accumulate phase by phase, in one spelling per pair; such a phase is a change', () => {
  const { topology, diagnostics } = load(HEAD + THREE + vms('{ name: a, network: n1 }') + `phases:
  - name: cut
    cutTunnels: [ [ node-2, node-1 ], [ node-3, node-1 ] ]
  - name: heal one
    restoreTunnels: [ [ node-1, node-2 ] ]
  - name: heal all
    restoreTunnels: [ [ node-1, node-3 ] ]
`);
  expect(diagnostics).toEqual([]);
  const [cut, one, all] = topology!.phases;
  expect(cut!.cutTunnels).toEqual([['node-1', 'node-2'], ['node-1', 'node-3']]);
  expect(cut!.topology.tunnelsDown).toEqual([['node-1', 'node-2'], ['node-1', 'node-3']]);
  expect(one!.restoreTunnels).toEqual([['node-1', 'node-2']]);
  expect(one!.topology.tunnelsDown).toEqual([['node-1', 'node-3']]);
  expect(all!.topology.tunnelsDown).toEqual([]);
});

test('mistakes about nodes and tunnels are errors at their field', () => {
  expect(errors(HEAD + vms('{ name: a, network: n1, node: node-2 }'))).toEqual([
    'mem.yaml:7:35: error: vms[0].node: VM a names node "node-2" but the file has no nodes: list; declare the nodes (e.g. nodes: [ { name: node-2 } ]), or leave node out to run every VM on node-1',
  ]);
  expect(errors(HEAD + THREE + vms('{ name: a, network: n1, node: node-4 }'))).toEqual([
    'mem.yaml:8:35: error: vms[0].node: no node named "node-4" (did you mean "node-1"?); nodes: node-1, node-2, node-3',
  ]);
  expect(errors(HEAD + 'nodes: [ { name: node-1 }, { name: Node_2 }, { name: node-1 } ]\n' + vms('{ name: a, network: n1 }'))).toEqual([
    expect.stringMatching(/^mem\.yaml:6:36: error: nodes\[1\]\.name: "Node_2" is not a DNS-1123 label/),
    'mem.yaml:6:54: error: nodes[2].name: node "node-1" is listed twice',
  ]);
  expect(errors(HEAD + THREE + vms('{ name: a, network: n1 }') + `phases:
  - name: bad
    cutTunnels: [ [ node-1, node-1 ], [ node-1, node-9 ], [ node-1 ] ]
    restoreTunnels: [ [ node-2, node-3 ] ]
  - name: twice
    cutTunnels: [ [ node-1, node-2 ] ]
  - name: again
    cutTunnels: [ [ node-2, node-1 ] ]
`)).toEqual([
    'mem.yaml:11:59: error: phases[0].cutTunnels[2]: expected exactly 2 items, got 1',
  ]);
  expect(errors(HEAD + THREE + vms('{ name: a, network: n1 }') + `phases:
  - name: bad
    cutTunnels: [ [ node-1, node-1 ], [ node-1, node-9 ] ]
    restoreTunnels: [ [ node-2, node-3 ] ]
  - name: twice
    cutTunnels: [ [ node-1, node-2 ] ]
  - name: again
    cutTunnels: [ [ node-2, node-1 ] ]
`)).toEqual([
    'mem.yaml:11:19: error: phases[0].cutTunnels[0]: a tunnel joins two different nodes; both ends are node-1',
    'mem.yaml:11:49: error: phases[0].cutTunnels[1][1]: no node named "node-9"; nodes: node-1, node-2, node-3',
    'mem.yaml:12:23: error: phases[0].restoreTunnels[0]: the tunnel between node-2 and node-3 is not cut, so there is nothing to restore',
    'mem.yaml:16:19: error: phases[2].cutTunnels[0]: the tunnel between node-1 and node-2 is already cut',
  ]);
  expect(errors(HEAD + vms('{ name: a, network: n1 }') + 'phases:\n  - name: cut\n    cutTunnels: [ [ node-1, node-2 ] ]\n')).toEqual([
    'mem.yaml:10:29: error: phases[0].cutTunnels[0][1]: no node named "node-2"; nodes: node-1 (a file without nodes: has one node; declare nodes: to cut tunnels)',
  ]);
  expect(errors(HEAD + vms('{ name: a, network: n1, mtu: 100 }'))).toEqual(['mem.yaml:7:34: error: vms[0].mtu: mtu 100 is outside 576-9000']);
});

test('guest MTU: the VM\'s own, else DHCP\'s for managedtap, else the subnet\'s overlay MTU (default 1400)', () => {
  const { topology } = load(`apiVersion: vpcheck/v1
kind: Topology
name: m
networks: [ { name: n1 }, { name: n2 } ]
subnets:
  - { name: s1, cidrBlock: 10.20.1.0/24, provider: n1 }
  - { name: s2, cidrBlock: 10.20.2.0/24, provider: n2, mtu: 1300, enableDHCP: true, dhcpV4Options: "mtu=1200" }
vms:
  - { name: a, network: n1 }
  - { name: b, network: n1, mtu: 1500 }
  - { name: c, network: n2 }
  - { name: d, network: n2, binding: managedtap }
`);
  const [s1, s2] = topology!.subnets;
  expect([overlayMtuOf(s1!), overlayMtuOf(s2!)]).toEqual([1400, 1300]);
  const [a, b, c, d] = topology!.vms;
  expect([guestMtuOf(a!, s1!), guestMtuOf(b!, s1!), guestMtuOf(c!, s2!), guestMtuOf(d!, s2!)]).toEqual([1400, 1500, 1300, 1200]);
});

test('mtu and bulk probes take their defaults; expect lines name a probe kind, and mismatched fields are errors', () => {
  const base = HEAD + THREE + vms('{ name: a, network: n1 }', '{ name: b, network: n1, listen: [ tcp/5201 ] }');
  const { topology, diagnostics } = load(base + `probes:
  mtu: [ { from: a, to: b }, { from: a, to: b, size: 1400 } ]
  bulk: [ { from: a, to: b, port: 5201 }, { from: a, to: b, port: 5201, megabytes: 1 } ]
expect:
  - { from: a, to: b, probe: mtu, size: 1414, reachable: true }
  - { from: a, to: b, probe: mtu, outcome: timeout }
  - { from: a, to: b, probe: bulk, port: 5201, megabytes: 2, outcome: timeout }
  - { from: a, to: b, probe: icmp, reachable: true }
  - { from: a, to: b, port: 5201, reachable: true }
`);
  expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  expect(topology!.probes.mtu).toEqual([{ from: 'a', to: 'b', size: 1472 }, { from: 'a', to: 'b', size: 1400 }]);
  expect(topology!.probes.bulk).toEqual([{ from: 'a', to: 'b', port: 5201, size: 10485760 }, { from: 'a', to: 'b', port: 5201, size: 1048576 }]);
  expect(topology!.expect.map((e) => [e.probe, e.port, e.size, e.outcome ?? e.reachable])).toEqual([
    ['mtu', undefined, 1414, true], ['mtu', undefined, 1472, 'timeout'], ['bulk', 5201, 2097152, 'timeout'], ['icmp', undefined, undefined, true], ['tcp', 5201, undefined, true],
  ]);

  expect(errors(base + `probes:
  mtu: [ { from: a, to: b, size: 70000 } ]
  bulk: [ { from: a, to: b, port: 80 }, { from: a, to: internet, port: 5201, megabytes: 0 } ]
expect:
  - { from: a, to: b, probe: mtu, port: 22, reachable: true }
  - { from: a, to: b, probe: bulk, reachable: true }
  - { from: a, to: b, probe: icmp, size: 1400, reachable: true }
  - { from: a, to: b, probe: bulk, port: 5201, size: 1400, reachable: true }
  - { from: a, to: b, probe: tcp, port: 22, outcome: message-too-long }
  - { from: a, to: b, probe: mtu, outcome: refused }
  - { from: a, to: b, outcome: refused }
  - { from: a, to: b, probe: tcp, port: 22, megabytes: 3, reachable: false }
`)).toEqual([
    'mem.yaml:11:34: error: probes.mtu[0].size: size 70000 is not in 0-65507 (ICMP payload bytes of one IPv4 packet)',
    'mem.yaml:12:35: error: probes.bulk[0].port: VM b does not listen on tcp/80; a bulk probe needs the port in its listen: (tcp/5201), where the echo service runs',
    'mem.yaml:12:56: error: probes.bulk[1].to: a bulk probe goes to a VM, whose listen: port runs the echo service; "internet" is not one',
    'mem.yaml:12:89: error: probes.bulk[1].megabytes: megabytes 0 is not in 1-1024',
    'mem.yaml:14:41: error: expect[0].port: probe mtu takes no port',
    'mem.yaml:15:30: error: expect[1].probe: probe bulk needs a port (a listen: port of the destination, where its echo service runs)',
    'mem.yaml:16:42: error: expect[2].size: probe icmp takes no size (size is an mtu probe\'s payload; a bulk probe takes megabytes)',
    'mem.yaml:17:54: error: expect[3].size: probe bulk takes no size (size is an mtu probe\'s payload; a bulk probe takes megabytes)',
    'mem.yaml:18:54: error: expect[4].outcome: outcome message-too-long needs probe mtu (the sender\'s own MTU refuses a Don\'t-Fragment ping); this is probe tcp',
    'mem.yaml:19:44: error: expect[5].outcome: outcome refused needs probe tcp or bulk (a connection a RST answers); this is probe mtu',
    'mem.yaml:20:32: error: expect[6].outcome: outcome refused needs a port (only a tcp probe can be refused)',
    'mem.yaml:21:56: error: expect[7].megabytes: probe tcp takes no megabytes (megabytes is a bulk probe\'s volume)',
  ]);
});
