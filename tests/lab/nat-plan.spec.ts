// The lab's plan of a NAT gateway, without building it: the primary address of each external
// leg, the refusal of another external network, nat-gateway.sh's commands in its order, and the
// LAN leg's OVN port.
import { expect, test } from '@playwright/test';
import { nbRows } from '../../lib/targets/lab/nb-commands.ts';
import { checkExternalNetwork, natGatewayPlans, primaryAddresses } from '../../lib/targets/lab/nat-plan.ts';
import { RunNames } from '../../lib/targets/lab/names.ts';
import { TargetError } from '../../lib/targets/target.ts';
import { assignAddresses } from '../../lib/topology/addresses.ts';
import { subnet, topology, vm, vpc } from './support.ts';

const EXT = 'ovn-vpc-external-network';
const gw = (name: string, lanIp: string) => ({ name, vpc: 'v1', subnet: 's1', lanIp, externalSubnets: [EXT] });
const spec = topology({
  vpcs: [vpc('v1')],
  subnets: [subnet('s1', '10.5.0.0/24', { vpc: 'v1' }), subnet('s2', '10.6.0.0/24', { vpc: 'v1' }), subnet('s3', '10.7.0.0/24')],
  vms: [vm('a', 's1')],
  natGateways: [gw('gw1', '10.5.0.254'), gw('gw2', '10.5.0.253')],
  eips: [
    { name: 'e1', natGwDp: 'gw1', v4ip: '192.0.2.2', externalSubnet: EXT },
    { name: 'e2', natGwDp: 'gw2', v4ip: '192.0.2.4', externalSubnet: EXT },
  ],
  snatRules: [{ name: 'sn', eip: 'e1', internalCIDR: '10.5.0.0/24' }],
  dnatRules: [{ name: 'dn', eip: 'e2', externalPort: 2222, internalIp: '10.5.0.2', internalPort: 22, protocol: 'udp' }],
  fipRules: [{ name: 'f1', eip: 'e2', internalIp: '10.5.0.2' }, { name: 'f2', eip: 'e2', internalIp: '10.5.0.3' }],
});
const names = new RunNames('natplan');

test('primary addresses: the first free ones, past the upstream host, the node, EIPs and earlier gateways', () => {
  expect([...primaryAddresses(spec)]).toEqual([['gw1', '192.0.2.3'], ['gw2', '192.0.2.5']]);
});

test('an external network other than the upstream segment is refused with what the lab has', () => {
  const other = { ...spec, externalNetwork: { name: 'ext', cidrBlock: '192.0.2.0/25', gateway: '192.0.2.1' } };
  expect(() => checkExternalNetwork(other)).toThrow(TargetError);
  expect(() => natGatewayPlans(other, names)).toThrow("lab: externalNetwork ext is 192.0.2.0/25 via 192.0.2.1; the lab's upstream segment is 192.0.2.0/24 via 192.0.2.1 (its internet host), the only external network it can build");
  expect(() => checkExternalNetwork({ ...spec, externalNetwork: { name: 'ext', cidrBlock: '192.0.2.0/24', gateway: '192.0.2.254' } })).toThrow(TargetError);
  // No gateway, nothing to build on it.
  expect(natGatewayPlans({ ...other, natGateways: [], eips: [], snatRules: [], dnatRules: [], fipRules: [] }, names)).toEqual([]);
});

test('a gateway\'s commands: legs, forwarding, the init chains, routes to the VPC\'s other subnets, EIPs, then its rules in file order', () => {
  const [one, two] = natGatewayPlans(spec, names);
  expect(one).toMatchObject({ namespace: 'vpcheck-natplan.natgw.gw1', primary: '192.0.2.3', eips: ['192.0.2.2'], lanIp: '10.5.0.254', lanPrefixLength: 24 });
  const lines = one!.script.map((c) => c.join(' '));
  expect(lines.slice(8, 20).map((l) => l.replace('iptables -w -t nat ', ''))).toEqual([
    '-N DNAT_FILTER', '-N SNAT_FILTER', '-N EXCLUSIVE_DNAT', '-N EXCLUSIVE_SNAT', '-N SHARED_DNAT', '-N SHARED_SNAT',
    '-A PREROUTING -j DNAT_FILTER', '-A DNAT_FILTER -j EXCLUSIVE_DNAT', '-A DNAT_FILTER -j SHARED_DNAT',
    '-A POSTROUTING -j SNAT_FILTER', '-A SNAT_FILTER -j EXCLUSIVE_SNAT', '-A SNAT_FILTER -j SHARED_SNAT',
  ]);
  // Only s2: s1 holds the gateway's own subnet gateway, s3 is another VPC's.
  expect(lines.slice(20)).toEqual([
    'ip route replace 10.6.0.0/24 via 10.5.0.1 dev eth0',
    'ip addr replace 192.0.2.2/24 dev net1',
    'ip route replace default via 192.0.2.1 dev net1',
    'iptables -w -t nat -A SHARED_SNAT -o net1 -s 10.5.0.0/24 -j SNAT --to-source 192.0.2.2 --random-fully',
  ]);
  expect(lines).toContain('sysctl -qw net.ipv4.ip_forward=1');
  expect(lines).toContain('ethtool -K net1 tx off');
  // The second FIP on e2 is not installed, as floating-ip-add skips an EIP that has one.
  expect(two!.script.map((c) => c.join(' ')).slice(23)).toEqual([
    'iptables -w -t nat -A EXCLUSIVE_DNAT -d 192.0.2.4 -j DNAT --to-destination 10.5.0.2',
    'iptables -w -t nat -A EXCLUSIVE_SNAT -s 10.5.0.2 -j SNAT --to-source 192.0.2.4',
    'iptables -w -t nat -A SHARED_DNAT -p udp -d 192.0.2.4 --dport 2222 -j DNAT --to-destination 10.5.0.2:22',
  ]);
});

test('the LAN leg is a plain port of its subnet\'s switch with the lanIp, no port security', () => {
  const row = nbRows(spec, names, assignAddresses(spec)).find((r) => r.id === 'natgw:gw1')!;
  expect(row.parents).toEqual(['ls:s1']);
  expect(row.create.map((c) => c.join(' '))).toEqual([
    'lsp-add natplan.s1 natplan.natgw.gw1',
    `lsp-set-addresses natplan.natgw.gw1 ${names.mac('natgw', 'gw1')} 10.5.0.254`,
    'set Logical_Switch_Port natplan.natgw.gw1 external_ids:vpcheck-run=natplan external_ids:vpc-nat-gw=gw1',
  ]);
});
