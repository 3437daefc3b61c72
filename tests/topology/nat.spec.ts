// The VPC NAT gateway in the format: defaults, the errors Kube-OVN's controller would leave never
// ready (each at its file:line:col and field), and the warnings for a gateway that carries nothing.
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic } from '../../lib/topology/diagnostics.ts';
import { loadTopology } from '../../lib/topology/load.ts';
import { assignAddresses } from '../../lib/topology/addresses.ts';

const load = (text: string) => loadTopology(Buffer.from(text), 'mem.yaml');
const lines = (text: string) => load(text).diagnostics.map(formatDiagnostic);

/** A working gateway: the Kube-OVN docs' static route, SNAT for the subnet, a DNAT and a FIP. */
const GOOD = {
  head: `apiVersion: vpcheck/v1
kind: Topology
name: nat
networks: [ { name: n1 } ]
vpcs: [ { name: v1, staticRoutes: [ { cidr: 0.0.0.0/0, nextHopIP: 10.1.0.254 } ] } ]
subnets: [ { name: s1, vpc: v1, cidrBlock: 10.1.0.0/24, provider: n1 } ]
vms:
  - { name: web, network: n1, listen: [ tcp/80 ] }
  - { name: fipvm, network: n1 }
`,
  gateways: `natGateways: [ { name: gw1, vpc: v1, subnet: s1, lanIp: 10.1.0.254 } ]
`,
  eips: `eips:
  - { name: eip-snat, natGwDp: gw1, v4ip: 192.0.2.100 }
  - { name: eip-fip, natGwDp: gw1, v4ip: 192.0.2.101 }
`,
  rules: `snatRules: [ { name: snat1, eip: eip-snat, internalCIDR: 10.1.0.0/24 } ]
dnatRules: [ { name: dnat1, eip: eip-snat, externalPort: "8080", internalIp: 10.1.0.2, internalPort: 80, protocol: tcp } ]
fipRules: [ { name: fip1, eip: eip-fip, internalIp: 10.1.0.3 } ]
`,
};
const good = (over: Partial<typeof GOOD> = {}) => Object.values({ ...GOOD, ...over }).join('');

test('a gateway with SNAT, DNAT and FIP loads without a word; defaults fill the external network and subnets', () => {
  const { topology, diagnostics } = load(`${good()}probes: { icmp: [ { from: external, to: eip-fip } ], tcp: [ { from: external, to: eip-snat, port: 8080 } ] }
`);
  expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  const t = topology!;
  expect(t.externalNetwork).toEqual({ name: 'ovn-vpc-external-network', cidrBlock: '192.0.2.0/24', gateway: '192.0.2.1' });
  expect(t.natGateways).toEqual([{ name: 'gw1', vpc: 'v1', subnet: 's1', lanIp: '10.1.0.254', externalSubnets: ['ovn-vpc-external-network'] }]);
  expect(t.eips[0]).toEqual({ name: 'eip-snat', natGwDp: 'gw1', v4ip: '192.0.2.100', externalSubnet: 'ovn-vpc-external-network' });
  // Kube-OVN writes ports as strings; either form reads as a number.
  expect(t.dnatRules[0]).toMatchObject({ externalPort: 8080, internalPort: 80, protocol: 'tcp' });
  expect(t.probes.icmp).toEqual([{ from: 'external', to: 'eip-fip' }]);
});

test('IPAM gives no VM the lanIp', () => {
  const roomy = load(good());
  expect([...assignAddresses(roomy.topology!).values()].map((a) => a.ip)).toEqual(['10.1.0.2', '10.1.0.3']);
  const low = load(good({ head: GOOD.head.replace('nextHopIP: 10.1.0.254', 'nextHopIP: 10.1.0.2'), gateways: GOOD.gateways.replace('10.1.0.254', '10.1.0.2'), rules: '' }));
  expect(low.diagnostics.map(formatDiagnostic)).toEqual([]);
  expect([...assignAddresses(low.topology!).values()].map((a) => a.ip)).toEqual(['10.1.0.3', '10.1.0.4']);
});

test('unknown references are errors at their line and field, with a suggestion', () => {
  const text = `${GOOD.head}natGateways: [ { name: gw1, vpc: v2, subnet: s2, lanIp: 10.1.0.254 } ]
eips:
  - { name: eip-snat, natGwDp: gw2, v4ip: 192.0.2.100 }
snatRules: [ { name: snat1, eip: eip-snet, internalCIDR: 10.1.0.0/24 } ]
dnatRules: [ { name: dnat1, eip: nope, externalPort: 8080, internalIp: 10.1.0.2, internalPort: 80, protocol: tcp } ]
fipRules: [ { name: fip1, eip: eip-fap, internalIp: 10.1.0.3 } ]
`;
  expect(lines(text)).toEqual([
    'mem.yaml:10:34: error: natGateways[0].vpc: no VPC named "v2" (did you mean "v1"?); defined: v1, ovn-cluster',
    'mem.yaml:10:46: error: natGateways[0].subnet: no subnet named "s2" (did you mean "s1"?); defined: s1',
    'mem.yaml:12:32: error: eips[0].natGwDp: no NAT gateway named "gw2" (did you mean "gw1"?); defined: gw1',
    'mem.yaml:13:34: error: snatRules[0].eip: no EIP named "eip-snet" (did you mean "eip-snat"?); defined: eip-snat',
    'mem.yaml:14:34: error: dnatRules[0].eip: no EIP named "nope"; defined: eip-snat',
    'mem.yaml:15:32: error: fipRules[0].eip: no EIP named "eip-fap"; defined: eip-snat',
  ]);
});

test('addresses: lanIp outside its subnet or taken, an EIP off the external network or taken, the subnet of another VPC', () => {
  const messages = (text: string) => load(text).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.path}: ${d.message}`);
  expect(messages(good({ gateways: GOOD.gateways.replace('10.1.0.254', '10.9.0.254') }))).toEqual(['natGateways[0].lanIp: 10.9.0.254 is outside subnet s1 (10.1.0.0/24)']);
  expect(messages(good({ gateways: GOOD.gateways.replace('10.1.0.254', '10.1.0.1') }))).toEqual(['natGateways[0].lanIp: 10.1.0.1 is the gateway of subnet s1; the gateway\'s LAN leg cannot hold it']);
  expect(messages(good({ head: GOOD.head.replace('{ name: web, network: n1,', '{ name: web, network: n1, ip: 10.1.0.254,') }))).toEqual(['natGateways[0].lanIp: 10.1.0.254 is VM web\'s address']);
  expect(messages(good({ gateways: `natGateways:\n  - { name: gw1, vpc: v1, subnet: s1, lanIp: 10.1.0.254 }\n  - { name: gw2, vpc: v1, subnet: s1, lanIp: 10.1.0.254 }\n` }))).toEqual(['natGateways[1].lanIp: 10.1.0.254 is already the lanIp of gateway gw1']);
  expect(messages(good({ eips: GOOD.eips.replace('192.0.2.100', '198.51.100.7') }))).toEqual(['eips[0].v4ip: 198.51.100.7 is outside the external network ovn-vpc-external-network (192.0.2.0/24); an EIP is an address of it']);
  expect(messages(good({ eips: GOOD.eips.replace('192.0.2.100', '192.0.2.1') }))).toEqual(['eips[0].v4ip: 192.0.2.1 is its gateway (the upstream router) of the external network 192.0.2.0/24']);
  expect(messages(good({ eips: GOOD.eips.replace('192.0.2.100', '192.0.2.101') }))).toEqual(['eips[1].v4ip: 192.0.2.101 is already EIP eip-snat of the external network 192.0.2.0/24']);
  expect(messages(good({ eips: GOOD.eips.replace('192.0.2.100', '192.0.2.254') }))).toEqual(['eips[0].v4ip: 192.0.2.254 is the node\'s own address on it of the external network 192.0.2.0/24']);
  const twoVpcs = good().replace('vpcs: [ { name: v1,', 'vpcs: [ { name: v2 }, { name: v1,').replace('{ name: gw1, vpc: v1,', '{ name: gw1, vpc: v2,');
  expect(messages(twoVpcs)).toEqual(['natGateways[0].subnet: subnet s1 is in VPC v1, not v2: the gateway\'s LAN leg must be on a subnet of its VPC']);
  expect(messages(`${good()}externalNetwork: { cidrBlock: 198.51.100.0/24, gateway: 192.0.2.1 }\n`)).toEqual([
    'eips[0].v4ip: 192.0.2.100 is outside the external network ovn-vpc-external-network (198.51.100.0/24); an EIP is an address of it',
    'eips[1].v4ip: 192.0.2.101 is outside the external network ovn-vpc-external-network (198.51.100.0/24); an EIP is an address of it',
    'externalNetwork.gateway: gateway 192.0.2.1 is outside the external network 198.51.100.0/24',
  ]);
});

test('rules: two on one EIP and port, a FIP sharing its EIP, two FIPs for one VM, ports out of range', () => {
  const errors = (rules: string) => load(good({ rules })).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.path}: ${d.message}`);
  expect(errors(`dnatRules:
  - { name: a, eip: eip-snat, externalPort: 8080, internalIp: 10.1.0.2, internalPort: 80, protocol: tcp }
  - { name: b, eip: eip-snat, externalPort: "8080", internalIp: 10.1.0.3, internalPort: 81, protocol: tcp }
  - { name: c, eip: eip-snat, externalPort: 8080, internalIp: 10.1.0.3, internalPort: 81, protocol: udp }
`)).toEqual(['dnatRules[1].externalPort: eip-snat tcp/8080 is already forwarded by DNAT a']);
  expect(errors(`fipRules: [ { name: f, eip: eip-fip, internalIp: 10.1.0.3 } ]
snatRules: [ { name: s, eip: eip-fip, internalCIDR: 10.1.0.0/24 } ]
dnatRules: [ { name: d, eip: eip-fip, externalPort: 22, internalIp: 10.1.0.2, internalPort: 22, protocol: tcp } ]
`)).toEqual([
    'snatRules[0].eip: EIP eip-fip has FIP f, which translates every port of it; use another EIP for this rule',
    'dnatRules[0].eip: EIP eip-fip has FIP f, which translates every port of it; use another EIP for this rule',
  ]);
  expect(errors(`fipRules:
  - { name: f1, eip: eip-fip, internalIp: 10.1.0.3 }
  - { name: f2, eip: eip-snat, internalIp: 10.1.0.3 }
  - { name: f3, eip: eip-fip, internalIp: 10.1.0.2 }
`)).toEqual([
    'fipRules[1].internalIp: 10.1.0.3 already has FIP f1; nat-gateway.sh would source-translate it to the first one only',
    'fipRules[2].eip: EIP eip-fip already has FIP f1; a FIP takes its EIP whole',
  ]);
  expect(errors(`dnatRules: [ { name: d, eip: eip-snat, externalPort: 0, internalIp: 10.1.0.2, internalPort: "70000", protocol: tcp } ]
`)).toEqual(['dnatRules[0].externalPort: port 0 is not in 1-65535', 'dnatRules[0].internalPort: port 70000 is not in 1-65535']);
  expect(errors(`snatRules: [ { name: s, eip: eip-snat, internalCIDR: 10.1.0/24 } ]
`)).toEqual(['snatRules[0].internalCIDR: "10.1.0/24" is not an IPv4 CIDR (internalCIDR), e.g. 10.0.1.0/24']);
});

test('warnings: nothing routes to the gateway, SNAT for a CIDR no subnet has, DNAT and FIP to an address no VM has', () => {
  const warnings = (text: string) => load(text).diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.path}: ${d.message}`);
  const unrouted = good({ head: GOOD.head.replace(', staticRoutes: [ { cidr: 0.0.0.0/0, nextHopIP: 10.1.0.254 } ]', '') });
  expect(warnings(unrouted)).toEqual([expect.stringMatching(/^natGateways\[0\]\.lanIp: nothing routes to gateway gw1: VPC v1 has no staticRoutes entry via 10\.1\.0\.254 .*kube-ovn#4241.*defaultRoute: 10\.1\.0\.254, Harvester v1\.8/)]);
  // The Harvester v1.8 page's way: the guests route via the lanIp, no Vpc route needed.
  expect(warnings(unrouted.replace('{ name: fipvm, network: n1 }', '{ name: fipvm, network: n1, defaultRoute: 10.1.0.254 }'))).toEqual([]);
  expect(warnings(good({ rules: `snatRules: [ { name: s, eip: eip-snat, internalCIDR: 10.7.0.0/16 } ]
dnatRules: [ { name: d, eip: eip-snat, externalPort: 80, internalIp: 10.1.0.77, internalPort: 80, protocol: tcp } ]
fipRules: [ { name: f, eip: eip-fip, internalIp: 10.1.0.78 } ]
` }))).toEqual([
    'snatRules[0].internalCIDR: 10.7.0.0/16 is in no subnet of VPC v1 (s1 10.1.0.0/24): no VM\'s traffic matches this SNAT',
    'dnatRules[0].internalIp: no VM of VPC v1 has 10.1.0.77: the rule is programmed on gateway gw1 but forwards to nothing',
    'fipRules[0].internalIp: no VM of VPC v1 has 10.1.0.78: the rule is programmed on gateway gw1 but forwards to nothing',
  ]);
});

test('defaultRoute with an address: on-link or an error, held by something or a warning', () => {
  const diags = (vm: string) => load(good().replace('{ name: fipvm, network: n1 }', vm)).diagnostics.map((d) => `${d.severity} ${d.path}: ${d.message}`);
  expect(diags('{ name: fipvm, network: n1, defaultRoute: 10.1.0.254 }')).toEqual([]);
  expect(load(good().replace('{ name: fipvm, network: n1 }', '{ name: fipvm, network: n1, defaultRoute: 10.1.0.254 }')).topology!.vms[1]).toMatchObject({ defaultRoute: true, defaultRouteVia: '10.1.0.254' });
  expect(diags('{ name: fipvm, network: n1, defaultRoute: 10.2.0.254 }')).toEqual(['error vms[1].defaultRoute: next hop 10.2.0.254 is outside subnet s1 (10.1.0.0/24); "ip route add default via 10.2.0.254 dev enp1s0" would fail with "Nexthop has invalid gateway"']);
  expect(diags('{ name: fipvm, network: n1, defaultRoute: 10.1.0.200 }')).toEqual(['warning vms[1].defaultRoute: nothing in subnet s1 holds 10.1.0.200 (not its gateway 10.1.0.1, a NAT gateway\'s lanIp, or a VM): VM fipvm\'s traffic off the subnet goes nowhere']);
  expect(diags('{ name: fipvm, network: n1, defaultRoute: tomorrow }')).toEqual(['error vms[1].defaultRoute: "tomorrow" is not an IPv4 address (the route step\'s next hop)']);
});

test('probe endpoints: external reaches EIPs only, a VM cannot name an EIP, VM and EIP names stay apart', () => {
  const errors = (text: string) => load(text).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.path}: ${d.message}`);
  expect(errors(`${good()}probes: { icmp: [ { from: external, to: web } ] }\n`)).toEqual(['probes.icmp[0].to: from external, to: names an EIP; eips: eip-snat, eip-fip (the external host reaches the VPC only through a NAT gateway\'s EIPs)']);
  expect(errors(`${good()}expect: [ { from: web, to: eip-fip, reachable: true } ]\n`)).toEqual(['expect[0].to: EIP eip-fip is probed from external; from a VM, reaching an EIP (hairpin through the NAT gateway) is not modelled']);
  expect(errors(good({ eips: GOOD.eips.replace('name: eip-fip', 'name: web') }).replace('eip: eip-fip', 'eip: web'))).toEqual(['eips[1].name: EIP "web" has the name of a VM; probes name both in to:, so they must differ']);
  expect(errors(good().replace('{ name: fipvm, network: n1 }', '{ name: external, network: n1 }'))).toEqual(['vms[1].name: "external" is a reserved word of probes (internet, external); name the VM otherwise']);
});

test('the CLI exits 2 and names file, line and field for a bad NAT reference', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpcheck-nat-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, good({ eips: GOOD.eips.replace('natGwDp: gw1, v4ip: 192.0.2.100', 'natGwDp: gw9, v4ip: 192.0.2.100') }));
  const r = await execa('node', ['bin/vpcheck.js', 'validate', file], { reject: false });
  expect(r.exitCode).toBe(2);
  expect(r.stderr + r.stdout).toContain(`${file}:12:32: error: eips[0].natGwDp: no NAT gateway named "gw9" (did you mean "gw1"?); defined: gw1`);
});
