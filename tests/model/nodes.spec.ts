// Nodes in the model: which stops of a path are on which node, cut tunnels, the MTU of guests,
// overlay and tunnel, and the mesh's classes when a tunnel is cut.
import { expect, test } from '@playwright/test';
import { buildModel, predictMesh, type Model, type ProbeRequest } from '../../lib/model/index.ts';
import { placeVms } from '../../lib/topology/nodes.ts';
import type { NodePair, TopologySpec } from '../../lib/topology/types.ts';
import { LAB_INTERNET, rule, spec, type SpecIn } from './fixtures.ts';
import { synthetic } from './synthetic.ts';

const NODES = [{ name: 'node-1' }, { name: 'node-2' }, { name: 'node-3' }];

function onNodes(s: TopologySpec, tunnelsDown: NodePair[] = []): Model {
  return buildModel({ ...s, nodes: NODES, tunnelsDown }, { internetIP: LAB_INTERNET });
}

/** a, c on node-1, b on node-2, d on node-3; one subnet, or with `mtu` per VM. */
function four(mtu: Partial<Record<'a' | 'b' | 'c' | 'd', number>> = {}, extra: Partial<SpecIn> = {}): SpecIn {
  const vm = (name: 'a' | 'b' | 'c' | 'd', node: string) => ({ name, subnet: 's1', node, listen: [{ protocol: 'tcp' as const, port: 5201 }], ...(mtu[name] && { mtu: mtu[name] }) });
  return { subnets: [{ name: 's1', cidrBlock: '10.20.1.0/24', natOutgoing: true }], vms: [vm('a', 'node-1'), vm('b', 'node-2'), vm('c', 'node-1'), vm('d', 'node-3')], ...extra };
}

const mtu = (from: string, to: string, size: number): ProbeRequest => ({ from, to, probe: 'mtu', size });
const bulk = (from: string, to: string): ProbeRequest => ({ from, to, probe: 'bulk', port: 5201, size: 10 * 1048576 });

test('a path names the nodes of its ends and the tunnels it crosses; icmp is unchanged by them', () => {
  const m = onNodes(spec(four()));
  const across = m.predict({ from: 'a', to: 'b', probe: 'icmp' });
  expect([across.outcome, across.nodes, across.tunnels]).toEqual(['reachable', { from: 'node-1', to: 'node-2' }, [['node-1', 'node-2']]]);
  const same = m.predict({ from: 'a', to: 'c', probe: 'icmp' });
  expect([same.outcome, same.nodes, same.tunnels]).toEqual(['reachable', { from: 'node-1', to: 'node-1' }, []]);
  expect(same.reason).toBe(across.reason);
  // natOutgoing leaves through the node namespace, on the first node: b's packets cross to it.
  const out = m.predict({ from: 'b', to: 'internet', probe: 'icmp' });
  expect([out.outcome, out.nodes, out.tunnels]).toEqual(['reachable', { from: 'node-2', to: 'node-1' }, [['node-1', 'node-2']]]);
});

test('a cut tunnel times out exactly the paths that cross it, for every probe kind, and names both ends', () => {
  const m = onNodes(spec(four()), [['node-1', 'node-2']]);
  const cut = m.predict({ from: 'a', to: 'b', probe: 'icmp' });
  expect([cut.outcome, cut.disposition, cut.reason]).toEqual(['timeout', 'TUNNEL_DOWN', 'the Geneve tunnel between node-1 and node-2 is cut (a on node-1, b on node-2)']);
  expect(m.predict({ from: 'b', to: 'c', probe: 'icmp' }).reason).toBe('the Geneve tunnel between node-1 and node-2 is cut (b on node-2, c on node-1)');
  // Positive controls beside it: same node, and the other tunnels.
  expect(['c', 'd'].map((to) => m.predict({ from: 'a', to, probe: 'icmp' }).outcome)).toEqual(['reachable', 'reachable']);
  expect(m.predict({ from: 'b', to: 'd', probe: 'icmp' }).outcome).toBe('reachable');
  for (const req of [{ from: 'a', to: 'b', probe: 'tcp', port: 5201 } as const, mtu('a', 'b', 100), bulk('a', 'b')]) {
    expect([req.probe, m.predict(req).disposition]).toEqual([req.probe, 'TUNNEL_DOWN']);
    expect([req.probe, m.predict({ ...req, from: 'c' }).outcome]).toEqual([req.probe, 'timeout']);
    expect([req.probe, m.predict({ ...req, to: 'd' }).outcome]).toEqual([req.probe, 'reachable']);
  }
  // Through the node namespace (first node) it is b's hop to node-1 that is cut; d's hop is up.
  expect(m.predict({ from: 'b', to: 'internet', probe: 'icmp' }).reason).toBe('the Geneve tunnel between node-1 and node-2 is cut (b on node-2, the node namespace on node-1)');
  expect(m.predict({ from: 'd', to: 'internet', probe: 'icmp' }).outcome).toBe('reachable');
});

test('a NAT gateway is a stop of its own, on the first node: two hops', () => {
  const s = spec({
    vpcs: [{ name: 'v1', staticRoutes: [{ cidr: '0.0.0.0/0', nextHopIP: '10.30.1.254', policy: 'policyDst' }] }],
    subnets: [{ name: 's1', vpc: 'v1', cidrBlock: '10.30.1.0/24' }],
    vms: [{ name: 'a', subnet: 's1', node: 'node-2' }],
    natGateways: [{ name: 'gw1', vpc: 'v1', subnet: 's1', lanIp: '10.30.1.254' }],
    eips: [{ name: 'eip1', natGwDp: 'gw1', v4ip: '192.0.2.100' }],
    snatRules: [{ name: 'snat1', eip: 'eip1', internalCIDR: '10.30.1.0/24' }],
  });
  expect(onNodes(s).predict({ from: 'a', to: 'internet', probe: 'icmp' }).tunnels).toEqual([['node-1', 'node-2']]);
  expect(onNodes(s, [['node-1', 'node-2']]).predict({ from: 'a', to: 'internet', probe: 'icmp' }).reason)
    .toBe('the Geneve tunnel between node-1 and node-2 is cut (a on node-2, NAT gateway gw1 on node-1)');
  expect(onNodes(s, [['node-1', 'node-3']]).predict({ from: 'a', to: 'internet', probe: 'icmp' }).outcome).toBe('reachable');
});

test('mtu with the overlay\'s 1400 on every guest: 1372 bytes pass everywhere, 1472 is refused by the sender', () => {
  const m = onNodes(spec(four()));
  for (const to of ['b', 'c']) {
    const p = m.predict(mtu('a', to, 1372));
    expect([to, p.outcome, p.largestPayload]).toEqual([to, 'reachable', 1372]);
  }
  const big = m.predict(mtu('a', 'b', 1472));
  expect([big.outcome, big.disposition, big.largestPayload]).toEqual(['message-too-long', 'MTU_EXCEEDED', 1372]);
  expect(big.reason).toBe('a\'s MTU 1400 cannot send 1500 bytes (1472 of payload and 28 of IPv4 and ICMP headers) with Don\'t Fragment: ping: local error: message too long');
});

test('mtu with guests left at 1500: 1472 passes on one node, across nodes 1414 passes and 1415 is dropped', () => {
  const m = onNodes(spec(four({ a: 1500, b: 1500, c: 1500 })));
  const same = m.predict(mtu('a', 'c', 1472));
  expect([same.outcome, same.largestPayload, same.tunnels]).toEqual(['reachable', 1472, []]);
  const fits = m.predict(mtu('a', 'b', 1414));
  expect([fits.outcome, fits.largestPayload]).toEqual(['reachable', 1414]);
  const dropped = m.predict(mtu('a', 'b', 1415));
  expect([dropped.outcome, dropped.disposition, dropped.largestPayload]).toEqual(['timeout', 'MTU_EXCEEDED', 1414]);
  expect(dropped.reason).toBe('guest MTU 1500 exceeds the overlay\'s 1400: packets over 1414 bytes are dropped across nodes (a on node-1, b on node-2)');
  // Towards a guest at 1400 the destination's own MTU decides, on one node too.
  const small = onNodes(spec(four({ a: 1500 }))).predict(mtu('a', 'c', 1472));
  expect([small.outcome, small.largestPayload]).toEqual(['timeout', 1372]);
  expect(small.reason).toBe('c\'s MTU 1400 is below the 1500 bytes (1472 of payload and 28 of IPv4 and ICMP headers): the packet is dropped before the guest');
});

test('bulk: full-size segments of 1500-byte guests stall across nodes only; the smaller MTU of the two ends sets the segments', () => {
  const m = onNodes(spec(four({ a: 1500, b: 1500, c: 1500 })));
  const stalled = m.predict(bulk('a', 'b'));
  expect([stalled.outcome, stalled.disposition]).toEqual(['timeout', 'MTU_EXCEEDED']);
  expect(stalled.reason).toBe('guest MTU 1500 exceeds the overlay\'s 1400: full-size TCP segments (1500 bytes) are dropped across nodes without an ICMP error, so the transfer stalls (a on node-1, b on node-2)');
  expect(m.predict(bulk('a', 'c')).outcome).toBe('reachable');
  // d keeps the overlay's 1400: its MSS keeps a's segments small enough.
  const mixed = m.predict(bulk('a', 'd'));
  expect([mixed.outcome, mixed.reason]).toEqual(['reachable', expect.stringMatching(/TCP segments of 1400 bytes \(the smaller guest MTU\) fit the tunnel's 1442$/)]);
  expect(onNodes(spec(four())).predict(bulk('a', 'b')).outcome).toBe('reachable');
  // A subnet MTU of 1500 breaks it for guests that follow it.
  const wide = onNodes(spec({ ...four(), subnets: [{ name: 's1', cidrBlock: '10.20.1.0/24', mtu: 1500 }] })).predict(bulk('a', 'b'));
  expect(wide.reason).toMatch(/^subnet s1's MTU 1500 exceeds what Geneve carries over the 1500-byte underlay \(1442\): full-size TCP segments/);
});

test('ACLs see mtu as icmp and bulk as tcp', () => {
  const sg = (protocol: 'icmp' | 'tcp') => ({ name: `only-${protocol}`, ingressRules: [rule({ protocol, ...(protocol === 'tcp' && { portRangeMin: 5201, portRangeMax: 5201 }) })], egressRules: [rule({})] });
  const withSg = (g: 'icmp' | 'tcp') => onNodes(spec({ ...four(), securityGroups: [sg(g)], vms: four().vms.map((v) => (v.name === 'b' ? { ...v, securityGroups: [`only-${g}`] } : v)) }));
  const icmpOnly = withSg('icmp');
  expect([icmpOnly.predict(mtu('a', 'b', 100)).outcome, icmpOnly.predict(bulk('a', 'b')).disposition]).toEqual(['reachable', 'DENIED_IN']);
  const tcpOnly = withSg('tcp');
  expect([tcpOnly.predict(mtu('a', 'b', 100)).disposition, tcpOnly.predict(bulk('a', 'b')).outcome]).toEqual(['DENIED_IN', 'reachable']);
});

test('with a tunnel cut, the class-based mesh still equals a per-pair walk, and classes follow nodes', () => {
  const s = synthetic(5, 14, 90);
  const placed = { ...s, nodes: NODES, vms: placeVms(s.vms, NODES) };
  const m = buildModel({ ...placed, tunnelsDown: [['node-1', 'node-3']] }, { internetIP: LAB_INTERNET });
  const mesh = predictMesh(m, { internet: true });
  const uncut = predictMesh(buildModel(placed, { internetIP: LAB_INTERNET }), { internet: true });
  expect(mesh.classes).toBeGreaterThan(uncut.classes);
  const differ: string[] = [];
  const dispositions = new Set<string>();
  mesh.vms.forEach((from, i) => mesh.targets.forEach((to, j) => {
    if (i === j) return;
    const walked = m.predict({ from, to, probe: 'icmp' });
    dispositions.add(walked.disposition);
    if (mesh.outcome(i, j) !== walked.outcome) differ.push(`${from} -> ${to}: mesh ${mesh.outcome(i, j)}, walk ${walked.outcome}`);
  }));
  expect(differ).toEqual([]);
  expect(dispositions).toContain('TUNNEL_DOWN');
  expect(dispositions).toContain('DELIVERED');
});
