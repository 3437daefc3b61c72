// The pure translation (TopologySpec -> OVN NB rows) and the phase diff, without any I/O.
import { test, expect } from '@playwright/test';
import { assignAddresses } from '../../lib/topology/addresses.ts';
import { nbRows, transaction } from '../../lib/targets/lab/nb-commands.ts';
import { nodeRows } from '../../lib/targets/lab/host-plan.ts';
import { RunNames, runOfNamespace } from '../../lib/targets/lab/names.ts';
import { diffRows } from '../../lib/targets/lab/rows.ts';
import type { TopologySpec } from '../../lib/topology/types.ts';
import { subnet, topology, vm, vpc } from './support.ts';

const names = new RunNames('r1');
const rows = (spec: TopologySpec) => nbRows(spec, names, assignAddresses(spec));
const lines = (spec: TopologySpec) => rows(spec).flatMap((r) => r.create.map((c) => c.join(' ')));
/** Router policies as "router priority match action [nexthop]", read from their create commands. */
const policies = (spec: TopologySpec) => rows(spec).filter((r) => r.id.startsWith('policy:')).map((r) => {
  const [create, add] = r.create as string[][];
  const field = (k: string) => create!.find((a) => a.startsWith(`${k}=`))?.slice(k.length + 1);
  const hops = field('nexthops');
  return [add![2], field('priority'), JSON.parse(field('match')!) as string, field('action'), ...(hops ? [JSON.parse(hops) as string] : [])].join(' ');
});

const peered = topology({
  vpcs: [
    vpc('vpc-1', { vpcPeerings: [{ remoteVpc: 'vpc-2', localConnectIP: '169.254.0.1/30' }], staticRoutes: [{ cidr: '20.0.0.0/16', nextHopIP: '169.254.0.2', policy: 'policyDst' }, { cidr: '10.0.9.0/24', nextHopIP: '169.254.0.2', policy: 'policySrc' }] }),
    vpc('vpc-2'),
  ],
  subnets: [subnet('s1', '10.0.0.0/24', { vpc: 'vpc-1', private: true, allowSubnets: ['20.0.0.0/16'] }), subnet('s0', '172.20.0.0/24')],
  vms: [vm('a', 's1'), vm('b', 's0')],
});

test('VPCs, subnets, peerings and routes become Kube-OVN-named routers, ports, routes and policies', () => {
  const l = lines(peered);
  const p = policies(peered);
  expect(l).toContain('lr-add r1.vpc-1');
  expect(l).toContain('set Logical_Router r1.vpc-1 external_ids:vpcheck-run=r1 external_ids:vpc=vpc-1');
  expect(l).toContain(`lrp-add r1.vpc-1 r1.vpc-1-s1 ${names.mac('lrp', 'r1.vpc-1-s1')} 10.0.0.1/24`);
  expect(l).toContain('lsp-set-options r1.s1-vpc-1 router-port=r1.vpc-1-s1');
  expect(l).toContain(`lrp-add r1.vpc-1 r1.vpc-1-vpc-2 ${names.mac('lrp', 'r1.vpc-1-vpc-2')} 169.254.0.1/30 peer=r1.vpc-2-vpc-1`);
  expect(l).toContain('--policy=dst-ip --ecmp lr-route-add r1.vpc-1 20.0.0.0/16 169.254.0.2');
  // A src-ip route ranks below the dst-ip prefixes, as Kube-OVN's OVN ranks it (route-ranking.ts):
  // an allow for the dst-ip prefixes above a reroute for the source, a default route to reach
  // the policy stage, a drop for the rest.
  expect(l.filter((x) => x.includes('src-ip'))).toEqual([]);
  expect(p).toContain('r1.vpc-1 3 ip4.dst == {10.0.0.0/24, 169.254.0.0/30, 20.0.0.0/16} allow');
  expect(p).toContain('r1.vpc-1 1 ip4.src == 10.0.9.0/24 reroute 169.254.0.2');
  expect(l).toContain('--policy=dst-ip --ecmp lr-route-add r1.vpc-1 0.0.0.0/0 169.254.0.2');
  expect(p).toContain('r1.vpc-1 0 ip4 drop');
  expect(l.filter((x) => x.includes('!='))).toEqual([]);
  expect(p).toContain('r1.vpc-1 31000 ip4.dst == 10.0.0.0/24 allow');
  // ovn-cluster as Kube-OVN builds it: join switch, default route via its own join gateway,
  // 31000 allows for its subnets and join, 30000 to the node's IP, 29000 per subnet's port group.
  expect(l).toContain('lrp-add r1.ovn-cluster r1._join-lrp ' + names.mac('lrp', 'join') + ' 100.64.0.1/16');
  expect(l).toContain('--policy=dst-ip --ecmp lr-route-add r1.ovn-cluster 0.0.0.0/0 100.64.0.1');
  expect(p).toContain('r1.ovn-cluster 31000 ip4.dst == 100.64.0.0/16 allow');
  expect(p).toContain('r1.ovn-cluster 30000 ip4.dst == 192.0.2.254 reroute 100.64.0.2');
  expect(l).toContain('pg-add vpcheck.r1.s0.node.1 r1.vm.b');
  expect(p).toContain('r1.ovn-cluster 29000 ip4.src == $vpcheck.r1.s0.node.1_ip4 reroute 100.64.0.2');
  expect(p.filter((x) => x.includes('29000'))).toHaveLength(1);
  expect(l.filter((x) => x.includes('lr-policy-add'))).toEqual([]);
  // Port groups name ports: they follow the VMs' ports.
  expect(l.indexOf('pg-add vpcheck.r1.s0.node.1 r1.vm.b')).toBeGreaterThan(l.indexOf('lsp-add r1.s0 r1.vm.b'));
  expect(l).toContain(`lsp-set-addresses r1.vm.a ${names.mac('vm', 'a')} 10.0.0.2`);
});

test('a private subnet gets exactly SetLogicalSwitchPrivate\'s ACLs', () => {
  const acls = lines(peered).filter((x) => x.includes('acl-add'));
  expect(acls).toEqual([
    '--type=switch acl-add r1.s1 to-lport 1000 ip drop',
    '--type=switch acl-add r1.s1 to-lport 1001 ip4.src == 10.0.0.0/24 && ip4.dst == 10.0.0.0/24 allow-related',
    '--type=switch acl-add r1.s1 to-lport 1001 (ip4.src == 10.0.0.0/24 && ip4.dst == 20.0.0.0/16) || (ip4.src == 20.0.0.0/16 && ip4.dst == 10.0.0.0/24) allow-related',
    '--type=switch acl-add r1.s1 to-lport 3000 ip4.src == 100.64.0.0/16 allow-related',
  ]);
});

test('security groups: port groups and ACLs at Kube-OVN priorities, deny-all both ways', () => {
  const spec = topology({
    subnets: [subnet('s0', '172.20.0.0/24')],
    securityGroups: [{ name: 'web-sg', allowSameGroupTraffic: true, egressRules: [{ ipVersion: 'ipv4', protocol: 'icmp', remoteType: 'address', remoteAddress: '0.0.0.0/0', policy: 'drop', priority: 5 }],
      ingressRules: [{ ipVersion: 'ipv4', protocol: 'tcp', portRangeMin: 443, portRangeMax: 443, remoteType: 'securityGroup', remoteSecurityGroup: 'web-sg', policy: 'allow', priority: 10 }] }],
    vms: [vm('a', 's0', { securityGroups: ['web-sg'] }), vm('b', 's0')],
  });
  const l = lines(spec);
  expect(l).toContain('pg-add vpcheck.r1.sg.web_sg r1.vm.a');
  expect(l).toContain('create Address_Set name=vpcheck.r1.sg.web_sg.associated.v4 addresses=["172.20.0.2"] external_ids:vpcheck-run=r1');
  expect(l).toContain('--type=port-group acl-add vpcheck.r1.sg.web_sg to-lport 2290 outport == @vpcheck.r1.sg.web_sg && ip4 && ip4.src == $vpcheck.r1.sg.web_sg.associated.v4 && tcp && tcp.dst >= 443 && tcp.dst <= 443 allow-related');
  expect(l).toContain('--type=port-group acl-add vpcheck.r1.sg.web_sg from-lport 2295 inport == @vpcheck.r1.sg.web_sg && ip4 && ip4.dst == 0.0.0.0/0 && icmp4 drop');
  expect(l).toContain('--type=port-group acl-add vpcheck.r1.sg.web_sg to-lport 2004 outport == @vpcheck.r1.sg.web_sg && ip4 && ip4.src == $vpcheck.r1.sg.web_sg.associated.v4 allow-related');
  expect(l).toContain('--type=port-group acl-add vpcheck.r1.sg.web_sg to-lport 2005 outport == @vpcheck.r1.sg.web_sg && arp allow-related');
  expect(l).toContain('pg-add vpcheck.r1.deny_all r1.vm.a');
  expect(l).toContain('--type=port-group acl-add vpcheck.r1.deny_all from-lport 2003 inport == @vpcheck.r1.deny_all && ip drop');
  expect(l).toContain('--type=port-group acl-add vpcheck.r1.deny_all to-lport 2003 outport == @vpcheck.r1.deny_all && ip drop');
});

test('policyRoutes become router policies, address sets the run\'s; platform changes no row', () => {
  const spec = (platform: TopologySpec['platform']) => topology({
    platform,
    vpcs: [vpc('ovn-cluster', {
      vpcPeerings: [{ remoteVpc: 'v', localConnectIP: '169.254.0.1/30' }],
      staticRoutes: [{ cidr: '10.0.0.0/16', nextHopIP: '169.254.0.2', policy: 'policyDst' }],
      policyRoutes: [
        { priority: 31000, match: 'ip4.dst == 10.0.0.0/16', action: 'allow' },
        { priority: 100, match: 'ip4.src == $s.0.node.1_ip4 && ip4.dst == {10.1.0.0/16, 10.2.0.0/16}', action: 'reroute', nextHopIP: '169.254.0.2' },
        { priority: 90, match: 'ip4.dst == 10.3.0.0/16', action: 'drop' },
      ],
    })],
    subnets: [subnet('s-0', '172.20.0.0/24')], vms: [vm('a', 's-0')],
  });
  const l = lines(spec('kube-ovn'));
  const p = policies(spec('kube-ovn'));
  expect(p).toContain('r1.ovn-cluster 31000 ip4.dst == 10.0.0.0/16 allow');
  expect(p).toContain('r1.ovn-cluster 100 ip4.src == $vpcheck.r1.s.0.node.1_ip4 && ip4.dst == {10.1.0.0/16, 10.2.0.0/16} reroute 169.254.0.2');
  expect(p).toContain('r1.ovn-cluster 90 ip4.dst == 10.3.0.0/16 drop');
  expect(l).toContain('pg-add vpcheck.r1.s.0.node.1 r1.vm.a');
  expect(lines(spec('harvester'))).toEqual(l);
  // A phase that adds a policy adds exactly that row.
  const before = rows(spec('harvester'));
  const without = { ...spec('harvester'), vpcs: spec('harvester').vpcs.map((v) => ({ ...v, policyRoutes: v.policyRoutes.slice(1) })) };
  const d = diffRows(rows(without), before);
  expect(d.removals).toEqual([]);
  expect(d.creations).toHaveLength(2);
  expect(d.creations[0]).toEqual(expect.arrayContaining(['create', 'Logical_Router_Policy', 'priority=31000', 'match="ip4.dst == 10.0.0.0/16"', 'action=allow']));
  expect(d.creations[1]).toEqual(['add', 'Logical_Router', 'r1.ovn-cluster', 'policies', d.creations[0]![0]!.slice('--id='.length)]);
  // Changing a policy's action replaces it in one transaction: removal by priority and match.
  const dropped = { ...spec('harvester'), vpcs: spec('harvester').vpcs.map((v) => ({ ...v, policyRoutes: v.policyRoutes.map((r) => (r.priority === 31000 ? { ...r, action: 'drop' as const } : r)) })) };
  const c = diffRows(before, rows(dropped));
  expect(c.removals).toEqual([['--if-exists', 'lr-policy-del', 'r1.ovn-cluster', '31000', 'ip4.dst == 10.0.0.0/16']]);
  expect(c.creations[0]).toContain('action=drop');
});

test('the phase diff touches only what changed, children of recreated rows included', () => {
  const before = rows(peered);
  expect(diffRows(before, before)).toEqual({ removals: [], creations: [] });
  const open = { ...peered, subnets: peered.subnets.map((s) => ({ ...s, private: false })) };
  const d = diffRows(before, rows(open));
  expect(d.creations).toEqual([]);
  expect(d.removals.map((c) => c.join(' '))).toEqual(expect.arrayContaining(['--type=switch acl-del r1.s1 to-lport 1000 ip']));
  expect(d.removals).toHaveLength(4);
  // Moving a VM to another subnet recreates its port and the port group of its old ovn-cluster
  // subnet on the node (the 29000 policy names the group's address set and stays).
  const moved = { ...peered, vms: peered.vms.map((v) => (v.name === 'b' ? { ...v, network: 'default/net-s1' } : v)) };
  const m = diffRows(before, rows(moved));
  expect(m.removals).toEqual([
    ['--if-exists', 'destroy', 'Port_Group', 'vpcheck.r1.s0.node.1'],
    ['--if-exists', 'lsp-del', 'r1.vm.b'],
  ]);
  expect(m.creations[0]).toEqual(['lsp-add', 'r1.s1', 'r1.vm.b']);
  expect(transaction([['a', 'b'], ['c']])).toEqual(['--', 'a', 'b', '--', 'c']);
});

test('node rows: a route per ovn-cluster subnet, MASQUERADE only with natOutgoing', () => {
  const spec = topology({ subnets: [subnet('s0', '172.20.0.0/24', { natOutgoing: true }), subnet('s1', '10.0.0.0/24', { vpc: 'x', natOutgoing: true })], vms: [] });
  expect(nodeRows(spec).flatMap((r) => r.create.map((c) => c.join(' ')))).toEqual([
    'ip route replace 172.20.0.0/24 via 100.64.0.1',
    'iptables -w -t nat -A POSTROUTING -s 172.20.0.0/24 -o uplink -j MASQUERADE',
  ]);
});

test('names: run ids are unambiguous in namespace names; interface names fit 15 characters', () => {
  const n = new RunNames('ci-42');
  expect(n.vmNamespace('vm-1')).toBe('vpcheck-ci-42.vm.vm-1');
  expect(runOfNamespace(n.vmNamespace('a-vm-b'))).toBe('ci-42');
  expect(runOfNamespace('vpcheck-t-87cbe3a')).toBeUndefined();
  expect(n.hostIf('vm', 'a-very-long-vm-name-indeed').length).toBeLessThanOrEqual(15);
  expect(n.mac('vm', 'x')).toMatch(/^0a(:[0-9a-f]{2}){5}$/);
  expect(() => new RunNames('Bad.Id')).toThrow(/run id/);
});
