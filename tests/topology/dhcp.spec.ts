// DHCP and bindings in the format: defaults, Kube-OVN's option merge, and the warnings where
// Harvester users go wrong (kubeovn/kube-ovn v1.14.10 pkg/ovs/util.go buildDHCPv4Options).
import { expect, test } from '@playwright/test';
import { dhcpV4Of, parseDhcpV4Options } from '../../lib/topology/dhcp.ts';
import { loadTopology } from '../../lib/topology/load.ts';

const load = (text: string) => loadTopology(Buffer.from(text), 'mem.yaml');
const HEAD = `apiVersion: vpcheck/v1
kind: Topology
name: d
networks: [ { name: n1 }, { name: n2 } ]
vpcs: [ { name: v1 } ]
`;

test('defaults: enableDHCP false, binding bridge with the route step, managedtap without it', () => {
  const { topology, diagnostics } = load(`${HEAD}subnets:
  - { name: s1, vpc: v1, cidrBlock: 10.1.0.0/24, provider: n1, enableDHCP: true }
  - { name: s2, vpc: v1, cidrBlock: 10.2.0.0/24, provider: n2 }
vms:
  - { name: a, network: n1, binding: managedtap }
  - { name: b, network: n1 }
`);
  expect(diagnostics).toEqual([]);
  const t = topology!;
  expect(t.subnets.map((s) => s.enableDHCP)).toEqual([true, false]);
  expect(t.vms.map((v) => [v.name, v.binding, v.defaultRoute])).toEqual([['a', 'managedtap', false], ['b', 'bridge', true]]);
});

test('the DHCP_Options a subnet gets: Kube-OVN defaults, overrides win, mtu from the subnet', () => {
  const { topology } = load(`${HEAD}subnets:
  - { name: s1, vpc: v1, cidrBlock: 10.1.0.0/24, provider: n1, enableDHCP: true }
  - { name: s2, vpc: v1, cidrBlock: 10.2.0.0/24, provider: n2, enableDHCP: true, mtu: 1300, dhcpV4Options: "lease_time = 600, dns_server=10.2.0.53;10.2.0.54" }
`);
  const [s1, s2] = topology!.subnets;
  expect(dhcpV4Of(s1!)).toEqual({ leaseTime: 3600, router: '10.1.0.1', serverId: '169.254.0.254', mtu: 1400, options: { lease_time: '3600', router: '10.1.0.1', server_id: '169.254.0.254', mtu: '1400' } });
  expect(dhcpV4Of(s2!)!.options).toEqual({ lease_time: '600', router: '10.2.0.1', server_id: '169.254.0.254', mtu: '1300', dns_server: '10.2.0.53;10.2.0.54' });
  expect(dhcpV4Of({ ...s2!, enableDHCP: false })).toBeUndefined();
});

test('an option string keeps the offset of each entry for messages', () => {
  const parsed = parseDhcpV4Options('lease_time=60, mtu=1300');
  expect(parsed).toEqual({ ok: true, options: [{ key: 'lease_time', value: '60', offset: 0 }, { key: 'mtu', value: '1300', offset: 15 }] });
  expect(parseDhcpV4Options('mtu=1300,mtu=1200')).toMatchObject({ ok: false, offset: 9, message: /given twice/ });
});

test('warnings: managedtap without DHCP, a redundant route step, an MTU above the overlay, options without DHCP', () => {
  const { topology, diagnostics } = load(`${HEAD}subnets:
  - { name: s1, vpc: v1, cidrBlock: 10.1.0.0/24, provider: n1, enableDHCP: true, mtu: 1500 }
  - { name: s2, vpc: v1, cidrBlock: 10.2.0.0/24, provider: n2, dhcpV4Options: "lease_time=60" }
vms:
  - { name: a, network: n1, binding: managedtap, defaultRoute: true }
  - { name: b, network: n2, binding: managedtap }
  - { name: c, network: n1, binding: managedtap, defaultRoute: false }
`);
  expect(topology).toBeDefined();
  expect(diagnostics.map((d) => [d.severity, d.path, d.line])).toEqual([
    ['warning', 'subnets[0].mtu', 7],
    ['warning', 'subnets[1].dhcpV4Options', 8],
    ['warning', 'vms[0].defaultRoute', 10],
    ['warning', 'vms[1].binding', 11],
  ]);
  expect(diagnostics[0]!.message).toMatch(/MTU 1500 is larger than a Geneve overlay carries .* 1500 - 100 = 1400/);
  expect(diagnostics[1]!.message).toMatch(/no effect: subnet s2 has enableDHCP false/);
  expect(diagnostics[2]!.message).toMatch(/already gets its default route from DHCP \(binding managedtap, subnet s1 enableDHCP: router 10\.1\.0\.1\)/);
  expect(diagnostics[3]!.message).toMatch(/VM b will have no address at all: binding managedtap .* subnet s2 has enableDHCP false/);
});

test('an MTU in dhcpV4Options is checked like the mtu field, and a router override that is not the gateway is flagged', () => {
  const line = '  - { name: s1, vpc: v1, cidrBlock: 10.1.0.0/24, provider: n1, enableDHCP: true, dhcpV4Options: "mtu=9000,router=10.1.0.254" }';
  const { diagnostics } = load(`${HEAD}subnets:\n${line}\n`);
  expect(diagnostics.map((d) => [d.path, d.col, d.message.slice(0, 40)])).toEqual([
    ['subnets[0].dhcpV4Options', line.indexOf('mtu=') + 1, 'MTU 9000 is larger than a Geneve overlay'],
    ['subnets[0].dhcpV4Options', line.indexOf('router=') + 1, 'router=10.1.0.254 is not the gateway 10.'],
  ]);
});

test('a phase that turns DHCP off warns at the patch line about the managedtap VM left without an address', () => {
  const { topology, diagnostics } = load(`${HEAD}subnets:
  - { name: s1, vpc: v1, cidrBlock: 10.1.0.0/24, provider: n1, enableDHCP: true }
vms:
  - { name: a, network: n1, binding: managedtap }
phases:
  - name: dhcp off
    patch:
      subnets: [ { name: s1, enableDHCP: false } ]
  - name: bridge
    patch:
      vms: [ { name: a, binding: bridge } ]
`);
  expect(diagnostics.map((d) => [d.severity, d.path])).toEqual([['warning', 'vms[0].binding']]);
  expect(topology!.phases.map((p) => [p.topology.subnets[0]!.enableDHCP, p.topology.vms[0]!.binding, p.topology.vms[0]!.defaultRoute])).toEqual([
    [false, 'managedtap', false],
    [false, 'bridge', true],
  ]);
});

test('an empty dhcpV4Options means Kube-OVN\'s defaults, so a phase can clear the overrides', () => {
  expect(parseDhcpV4Options('')).toEqual({ ok: true, options: [] });
  const { topology, diagnostics } = load(`${HEAD}subnets:
  - { name: s1, vpc: v1, cidrBlock: 10.1.0.0/24, provider: n1, enableDHCP: true, dhcpV4Options: "lease_time=60" }
phases:
  - name: defaults again
    patch:
      subnets: [ { name: s1, dhcpV4Options: "" } ]
`);
  expect(diagnostics).toEqual([]);
  expect(dhcpV4Of(topology!.phases[0]!.topology.subnets[0]!)!.leaseTime).toBe(3600);
});
