// The VPC NAT gateway as nat-gateway.sh v1.15 builds it: egress through SNAT and FIP, inbound
// through DNAT and FIP, the gateway's own stack, and replies that must pass the gateway again.
import { expect, test } from '@playwright/test';
import { buildModel, cellsOf, predictMesh } from '../../lib/model/index.ts';
import type { Topology } from '../../lib/topology/types.ts';
import { LAB_INTERNET, model, rule, spec, type SpecIn } from './fixtures.ts';

const LAN_IP = '10.0.1.254';
const TO_GATEWAY = { cidr: '0.0.0.0/0', nextHopIP: LAN_IP, policy: 'policyDst' as const };

/**
 * vpc-1: s1 (the gateway's subnet, SNAT'd) and s2 (no rule covers it). vm-web serves tcp/80
 * behind dnat1, vm-fip owns eip-fip, vm-lan routes via the lanIp as Harvester v1.8's page does.
 */
function natSpec(o: { vpcRoute?: boolean; webVia?: string; s1?: Partial<SpecIn['subnets'][number]>; sgs?: SpecIn['securityGroups']; webSgs?: string[] } = {}): SpecIn {
  return {
    vpcs: [{ name: 'vpc-1', staticRoutes: o.vpcRoute === false ? [] : [TO_GATEWAY] }],
    subnets: [
      { name: 's1', vpc: 'vpc-1', cidrBlock: '10.0.1.0/24', ...o.s1 },
      { name: 's2', vpc: 'vpc-1', cidrBlock: '10.0.2.0/24' },
    ],
    ...(o.sgs && { securityGroups: o.sgs }),
    vms: [
      { name: 'vm-web', subnet: 's1', ip: '10.0.1.10', listen: [{ protocol: 'tcp', port: 80 }], ...(o.webVia && { defaultRouteVia: o.webVia }), ...(o.webSgs && { securityGroups: o.webSgs }) },
      { name: 'vm-fip', subnet: 's1', ip: '10.0.1.11' },
      { name: 'vm-plain', subnet: 's1', ip: '10.0.1.12' },
      { name: 'vm-lan', subnet: 's1', ip: '10.0.1.13', defaultRouteVia: LAN_IP },
      { name: 'vm-s2', subnet: 's2', ip: '10.0.2.10' },
    ],
    natGateways: [{ name: 'gw1', vpc: 'vpc-1', subnet: 's1', lanIp: LAN_IP }],
    eips: [{ name: 'eip-snat', natGwDp: 'gw1', v4ip: '192.0.2.100' }, { name: 'eip-fip', natGwDp: 'gw1', v4ip: '192.0.2.101' }],
    snatRules: [{ name: 'snat1', eip: 'eip-snat', internalCIDR: '10.0.1.0/24' }],
    dnatRules: [{ name: 'dnat1', eip: 'eip-snat', externalPort: 8080, internalIp: '10.0.1.10', internalPort: 80 }],
    fipRules: [{ name: 'fip1', eip: 'eip-fip', internalIp: '10.0.1.11' }],
  };
}

const internet = (from: string) => ({ from, to: 'internet', probe: 'icmp' as const });
const inbound = (to: string, port?: number) => ({ from: 'external', to, probe: port === undefined ? 'icmp' as const : 'tcp' as const, ...(port !== undefined && { port }) });

test('SNAT egress through the Vpc static route: the upstream sees the SNAT EIP', () => {
  const p = model(natSpec()).predict(internet('vm-plain'));
  expect([p.outcome, p.disposition, p.seenAs]).toEqual(['reachable', 'DELIVERED', '192.0.2.100']);
  expect(p.reason).toBe('vpc-1 route 0.0.0.0/0 via 10.0.1.254, gw1 SNAT snat1 10.0.1.0/24 -> eip-snat 192.0.2.100');
  expect(p.steps.some((s) => s.leg === 'reply' && s.text === 'conntrack: destination 192.0.2.100 back to 10.0.1.12')).toBe(true);
});

test('a FIP VM leaves as its own EIP: EXCLUSIVE_SNAT comes before SHARED_SNAT', () => {
  const p = model(natSpec()).predict(internet('vm-fip'));
  expect([p.outcome, p.seenAs]).toEqual(['reachable', '192.0.2.101']);
  expect(p.reason).toBe('vpc-1 route 0.0.0.0/0 via 10.0.1.254, gw1 FIP fip1 10.0.1.11 -> eip-fip 192.0.2.101');
});

test('a VM outside every SNAT CIDR leaves with its private source: timeout naming the gateway and the address', () => {
  const p = model(natSpec()).predict(internet('vm-s2'));
  expect([p.outcome, p.disposition, p.seenAs]).toEqual(['timeout', 'NO_NAT', undefined]);
  expect(p.reason).toBe('NAT gateway gw1 has no SNAT or FIP rule for 10.0.2.10: it leaves with its private source and the upstream cannot route the reply');
});

test('a guest route via the lanIp needs no Vpc static route (Harvester v1.8 page)', () => {
  const m = model(natSpec({ vpcRoute: false }));
  const lan = m.predict(internet('vm-lan'));
  expect([lan.outcome, lan.seenAs]).toEqual(['reachable', '192.0.2.100']);
  expect(lan.reason).toBe("vm-lan default via 10.0.1.254 (gw1's lanIp), gw1 SNAT snat1 10.0.1.0/24 -> eip-snat 192.0.2.100");
  // The positive control's neighbour, routed by the subnet gateway, has no way out.
  const plain = m.predict(internet('vm-plain'));
  expect([plain.outcome, plain.disposition]).toEqual(['timeout', 'NO_ROUTE']);
  expect(plain.reason).toBe('vpc-1 has no route to 192.0.2.1 (it has no static routes); traffic reaches NAT gateway gw1 only by a route to its lanIp (staticRoutes 0.0.0.0/0 -> 10.0.1.254, kube-ovn#4241) or a guest route via it');
});

test('a policySrc route to the lanIp also takes the subnet out through the gateway', () => {
  const p = model({ ...natSpec(), vpcs: [{ name: 'vpc-1', staticRoutes: [{ cidr: '10.0.1.0/24', nextHopIP: LAN_IP, policy: 'policySrc' }] }] }).predict(internet('vm-plain'));
  expect([p.outcome, p.seenAs]).toEqual(['reachable', '192.0.2.100']);
  expect(p.reason).toBe('vpc-1 route src 10.0.1.0/24 via 10.0.1.254, gw1 SNAT snat1 10.0.1.0/24 -> eip-snat 192.0.2.100');
});

test('inbound DNAT reaches the listening VM; the VM itself refuses a port it does not serve', () => {
  const m = model(natSpec());
  const open = m.predict(inbound('eip-snat', 8080));
  expect([open.outcome, open.disposition, open.fromIp, open.toIp, open.seenAs]).toEqual(['reachable', 'DELIVERED', '192.0.2.1', '192.0.2.100', undefined]);
  expect(open.reason).toBe('gw1 DNAT dnat1 192.0.2.100:8080 -> 10.0.1.10:80; return vpc-1 route 0.0.0.0/0 via 10.0.1.254');
  const closed = model({ ...natSpec(), dnatRules: [{ name: 'dnat1', eip: 'eip-snat', externalPort: 8080, internalIp: '10.0.1.10', internalPort: 81 }] })
    .predict(inbound('eip-snat', 8080));
  expect([closed.outcome, closed.disposition]).toEqual(['refused', 'DELIVERED']);
  expect(closed.reason).toBe('gw1 DNAT dnat1 192.0.2.100:8080 -> 10.0.1.10:81; return vpc-1 route 0.0.0.0/0 via 10.0.1.254; nothing listens on tcp/81 at vm-web (RST)');
});

test('an EIP port without DNAT is the gateway\'s own: tcp refused by its stack, icmp answered by it', () => {
  const m = model(natSpec());
  const port = m.predict(inbound('eip-snat', 9090));
  expect([port.outcome, port.disposition]).toEqual(['refused', 'DELIVERED']);
  expect(port.reason).toBe('gw1 holds eip-snat 192.0.2.100 with no FIP and no DNAT rule for tcp/9090: its own stack answers; nothing listens on tcp/9090 at NAT gateway gw1 (RST)');
  const ping = m.predict(inbound('eip-snat'));
  expect(ping.outcome).toBe('reachable');
  expect(ping.reason).toBe('gw1 holds eip-snat 192.0.2.100 with no FIP: its own stack answers');
  expect(ping.steps.filter((s) => s.leg === 'reply').map((s) => s.at)).toEqual(['nat-gateway gw1', 'external']);
});

test('a FIP forwards everything to its VM: icmp inbound is answered by the VM', () => {
  const p = model(natSpec()).predict(inbound('eip-fip'));
  expect(p.outcome).toBe('reachable');
  expect(p.reason).toBe('gw1 FIP fip1 eip-fip 192.0.2.101 -> 10.0.1.11; return vpc-1 route 0.0.0.0/0 via 10.0.1.254');
  expect(p.steps.some((s) => s.at === 'vm vm-fip' && s.leg === 'request')).toBe(true);
});

test('without the Vpc route the DNAT reply has no way back (kube-ovn#4241); a guest route via the lanIp has', () => {
  const lost = model(natSpec({ vpcRoute: false })).predict(inbound('eip-snat', 8080));
  expect([lost.outcome, lost.disposition]).toEqual(['timeout', 'NO_RETURN_ROUTE']);
  expect(lost.reason).toBe('no return route: vpc-1 has no route to 192.0.2.1 back to NAT gateway gw1 (no staticRoutes 0.0.0.0/0 -> 10.0.1.254, kube-ovn#4241)');
  const via = model(natSpec({ vpcRoute: false, webVia: LAN_IP })).predict(inbound('eip-snat', 8080));
  expect(via.outcome).toBe('reachable');
  expect(via.reason).toBe("gw1 DNAT dnat1 192.0.2.100:8080 -> 10.0.1.10:80; return vm-web default via 10.0.1.254 (gw1's lanIp)");
});

test('the VPC\'s ACLs apply to inbound traffic from 192.0.2.1 as to any source', () => {
  const priv = model(natSpec({ s1: { private: true } })).predict(inbound('eip-snat', 8080));
  expect([priv.outcome, priv.disposition]).toEqual(['timeout', 'DENIED_IN']);
  expect(priv.reason).toBe('s1 is private: request from 192.0.2.1 to 10.0.1.10 dropped entering vm-web (to-lport ACL drop ip, priority 1000; 192.0.2.1 not in allowSubnets)');
  // The same private subnet also keeps its VMs from reaching the gateway's port.
  const out = model(natSpec({ s1: { private: true } })).predict(internet('vm-lan'));
  expect([out.outcome, out.disposition]).toEqual(['timeout', 'DENIED_OUT']);
  expect(out.reason).toMatch(/dropped entering gw1 .*192\.0\.2\.1 not in allowSubnets/);
  // A security group sees the external host's address, not the EIP.
  const sgs = [{ name: 'web', ingressRules: [rule({ protocol: 'tcp', portRangeMin: 80, portRangeMax: 80, remoteAddress: '192.0.2.1' })], egressRules: [rule({})] }];
  const allowed = model(natSpec({ sgs, webSgs: ['web'] })).predict(inbound('eip-snat', 8080));
  expect(allowed.outcome).toBe('reachable');
  const other = [{ name: 'web', ingressRules: [rule({ protocol: 'tcp', portRangeMin: 80, portRangeMax: 80, remoteAddress: '192.0.2.100' })], egressRules: [rule({})] }];
  expect(model(natSpec({ sgs: other, webSgs: ['web'] })).predict(inbound('eip-snat', 8080)).disposition).toBe('DENIED_IN');
});

test('a VM pings the lanIp and the gateway answers, from its subnet and from another', () => {
  const m = model(natSpec());
  const near = m.predict({ from: 'vm-plain', to: LAN_IP, probe: 'icmp' });
  expect([near.outcome, near.reason]).toEqual(['reachable', "10.0.1.254 is NAT gateway gw1's lanIp"]);
  const far = m.predict({ from: 'vm-s2', to: LAN_IP, probe: 'icmp' });
  expect(far.outcome).toBe('reachable');
  expect(far.steps.filter((s) => s.leg === 'reply').map((s) => s.text)).toContain('route 10.0.2.0/24 via 10.0.1.1 (subnet-route-add)');
  expect(m.predict({ from: 'vm-plain', to: LAN_IP, probe: 'tcp', port: 22 }).reason).toMatch(/nothing listens on tcp\/22 at NAT gateway gw1 \(RST\)$/);
});

test('a VM routed via the lanIp still reaches other subnets through the gateway\'s subnet routes', () => {
  const p = model(natSpec({ vpcRoute: false })).predict({ from: 'vm-lan', to: 'vm-s2', probe: 'icmp' });
  expect(p.outcome).toBe('reachable');
  expect(p.steps.filter((s) => s.leg === 'request').map((s) => s.at)).toEqual(['vm vm-lan', 'nat-gateway gw1', 'nat-gateway gw1', 'router vpc-1', 'router vpc-1', 'switch s2', 'vm vm-s2']);
});

test('a subnet other than the gateway\'s: egress and DNAT pass the VPC router both ways', () => {
  const m = model({
    ...natSpec(),
    snatRules: [{ name: 'snat-vpc', eip: 'eip-snat', internalCIDR: '10.0.0.0/16' }],
    dnatRules: [{ name: 'dnat-s2', eip: 'eip-snat', externalPort: 2222, internalIp: '10.0.2.10', internalPort: 22 }],
    vms: [...natSpec().vms.filter((v) => v.name !== 'vm-s2'), { name: 'vm-s2', subnet: 's2', ip: '10.0.2.10', listen: [{ protocol: 'tcp', port: 22 }] }],
  });
  const out = m.predict(internet('vm-s2'));
  expect([out.outcome, out.seenAs]).toEqual(['reachable', '192.0.2.100']);
  expect(out.reason).toBe('vpc-1 route 0.0.0.0/0 via 10.0.1.254, gw1 SNAT snat-vpc 10.0.0.0/16 -> eip-snat 192.0.2.100; return vpc-1 route 10.0.2.0/24 (connected, subnet s2)');
  expect(out.steps.filter((s) => s.leg === 'reply').map((s) => s.text)).toContain('route 10.0.2.0/24 via 10.0.1.1 (subnet-route-add)');
  const into = m.predict(inbound('eip-snat', 2222));
  expect(into.outcome).toBe('reachable');
  expect(into.reason).toBe('gw1 DNAT dnat-s2 192.0.2.100:2222 -> 10.0.2.10:22; return vpc-1 route 0.0.0.0/0 via 10.0.1.254');
  // The gateway's subnet being private drops the forwarded request on its way to the router.
  const priv = model({ ...natSpec({ s1: { private: true } }), dnatRules: [{ name: 'dnat-s2', eip: 'eip-snat', externalPort: 2222, internalIp: '10.0.2.10', internalPort: 22 }] })
    .predict(inbound('eip-snat', 2222));
  expect([priv.outcome, priv.disposition]).toEqual(['timeout', 'DENIED_IN']);
  expect(priv.reason).toMatch(/^s1 is private: request from 192\.0\.2\.1 to 10\.0\.2\.10 dropped leaving gw1 for vpc-1/);
});

test('hairpin through an EIP (nat-gateway.sh v1.15 has no hairpin SNAT): the reply bypasses the gateway, unless the client has a FIP', () => {
  const m = model(natSpec());
  const plain = m.predict({ from: 'vm-plain', to: '192.0.2.100', probe: 'tcp', port: 8080 });
  expect([plain.outcome, plain.disposition]).toEqual(['timeout', 'NO_RETURN_ROUTE']);
  expect(plain.reason).toBe('the reply bypasses NAT gateway gw1: it comes from 10.0.1.10, not 192.0.2.100, and is not part of the connection');
  const fip = m.predict({ from: 'vm-fip', to: '192.0.2.100', probe: 'tcp', port: 8080 });
  expect(fip.outcome).toBe('reachable');
  expect(fip.reason).toBe('vpc-1 route 0.0.0.0/0 via 10.0.1.254, gw1 DNAT dnat1 192.0.2.100:8080 -> 10.0.1.10:80, gw1 FIP fip1 10.0.1.11 -> eip-fip 192.0.2.101; return vpc-1 route 0.0.0.0/0 via 10.0.1.254');
});

test('EIP names resolve to their addresses; the external host reaches nothing but EIPs', () => {
  const m = model(natSpec());
  expect(m.resolve('eip-fip')).toBe(m.resolve('192.0.2.101'));
  expect(() => m.resolve('eip-none')).toThrow(/unknown destination "eip-none"/);
  const nobody = m.predict({ from: 'external', to: '192.0.2.150', probe: 'icmp' });
  expect([nobody.outcome, nobody.disposition]).toEqual(['timeout', 'NEIGHBOR_UNREACHABLE']);
  expect(nobody.reason).toBe('nothing on ovn-vpc-external-network answers ARP for 192.0.2.150 (no EIP, the upstream host or the node holds it)');
  // The external host has no route into the VPC except through an EIP.
  const node = m.predict({ from: 'external', to: '192.0.2.254', probe: 'icmp' });
  expect([node.outcome, node.reason]).toEqual(['reachable', 'on-link on ovn-vpc-external-network']);
  const direct = m.predict({ from: 'external', to: 'vm-web', probe: 'icmp' });
  expect([direct.outcome, direct.disposition, direct.fromIp]).toEqual(['timeout', 'NO_ROUTE', '192.0.2.1']);
  expect(direct.reason).toBe('the external host 192.0.2.1 reaches the VPCs only through EIPs on ovn-vpc-external-network (192.0.2.0/24); 10.0.1.10 is outside it');
});

test('natOutgoing egress is seen as the node 192.0.2.254', () => {
  const p = model({ subnets: [{ name: 'pods', cidrBlock: '10.54.0.0/24', natOutgoing: true }], vms: [{ name: 'pod', subnet: 'pods' }] }).predict(internet('pod'));
  expect([p.outcome, p.seenAs]).toEqual(['reachable', '192.0.2.254']);
});

test('an ovn-cluster VM reaches an EIP from the node\'s uplink, masqueraded as 192.0.2.254', () => {
  const pods = (vpcRoute: boolean): SpecIn => {
    const base = natSpec({ vpcRoute });
    return { ...base, subnets: [...base.subnets, { name: 'pods', cidrBlock: '10.54.0.0/24', natOutgoing: true }], vms: [...base.vms, { name: 'pod', subnet: 'pods' }] };
  };
  const p = model(pods(true)).predict({ from: 'pod', to: '192.0.2.100', probe: 'tcp', port: 8080 });
  expect(p.outcome).toBe('reachable');
  expect(p.reason).toBe('ovn-cluster policy 29000 ip4.src == $pods.node.1_ip4 reroute 100.64.0.2, MASQUERADE at the node (natOutgoing on pods), gw1 DNAT dnat1 192.0.2.100:8080 -> 10.0.1.10:80; return vpc-1 route 0.0.0.0/0 via 10.0.1.254');
  expect(p.steps.filter((s) => s.leg === 'reply').map((s) => s.text)).toContain('conntrack: destination 192.0.2.254 back to 10.54.0.2');
  const lost = model(pods(false)).predict({ from: 'pod', to: '192.0.2.100', probe: 'tcp', port: 8080 });
  expect(lost.reason).toBe('no return route: vpc-1 has no route to 192.0.2.254 back to NAT gateway gw1 (no staticRoutes 0.0.0.0/0 -> 10.0.1.254, kube-ovn#4241)');
  // Nothing holds an unused address of the external network.
  expect(model(pods(true)).predict({ from: 'pod', to: '192.0.2.50', probe: 'icmp' }).disposition).toBe('NEIGHBOR_UNREACHABLE');
});

test('the mesh keeps a FIP VM and a plain VM of one subnet apart: different internet outcomes and reasons', () => {
  const m = buildModel(spec(natSpec()), { internetIP: LAB_INTERNET });
  const mesh = predictMesh(m, { vms: ['vm-fip', 'vm-plain', 'vm-s2'], internet: true });
  expect(mesh.classes).toBe(3);
  const reasons = ['vm-fip', 'vm-plain'].map((vm) => m.predict(internet(vm)));
  expect(reasons.map((r) => r.seenAs)).toEqual(['192.0.2.101', '192.0.2.100']);
  expect(reasons[0]!.reason).not.toBe(reasons[1]!.reason);
  // A narrower SNAT rule splits one subnet's VMs by outcome: the mesh must not merge them.
  const narrow = buildModel(spec({ ...natSpec(), snatRules: [{ name: 'snat1', eip: 'eip-snat', internalCIDR: '10.0.1.12/32' }] }), { internetIP: LAB_INTERNET });
  const split = predictMesh(narrow, { vms: ['vm-web', 'vm-plain'], internet: true });
  expect([split.outcome(0, 2), split.outcome(1, 2)]).toEqual(['timeout', 'reachable']);
});

test('cells from external come from the probes and expect lines, with EIP destinations', () => {
  const s = spec(natSpec());
  const t: Topology = {
    ...s, apiVersion: 'vpcheck/v1', kind: 'Topology',
    probes: { mesh: false, internet: true, icmp: [{ from: 'external', to: 'eip-fip' }], tcp: [{ from: 'external', to: 'eip-snat', port: 8080 }], mtu: [], bulk: [] },
    expect: [{ from: 'external', to: 'eip-snat', probe: 'tcp', port: 9090, reachable: false, outcome: 'refused', path: 'expect[0]' }],
    phases: [],
    source: { file: 't.yaml', sha256: '', locate: () => undefined },
  };
  const [initial] = cellsOf(t, { internetIP: LAB_INTERNET });
  const external = initial!.cells.filter((c) => c.from === 'external').map((c) => `${c.to}/${c.probe}${c.port ?? ''}=${c.expected}`);
  expect(external).toEqual(['eip-fip/icmp=reachable', 'eip-snat/tcp8080=reachable', 'eip-snat/tcp9090=refused']);
  expect(initial!.cells.filter((c) => c.to === 'internet').map((c) => c.predicted)).toEqual(['reachable', 'reachable', 'reachable', 'reachable', 'timeout']);
});
