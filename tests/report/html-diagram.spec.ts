// The topology drawing of a phase: NAT gateways sit in their VPC's box with each EIP and its
// rules, and a VM routed via an address other than its gateway says so.
import { expect, test } from '@playwright/test';
import { renderDiagram } from '../../lib/report/html-diagram.ts';
import { layoutOf } from '../../lib/run/layout.ts';
import { loadTopology } from '../../lib/topology/load.ts';

const TEXT = `apiVersion: vpcheck/v1
kind: Topology
name: nat
networks: [ { name: n1 } ]
vpcs: [ { name: v1 } ]
subnets: [ { name: s1, vpc: v1, cidrBlock: 10.1.0.0/24, provider: n1 } ]
vms:
  - { name: web, network: n1, defaultRoute: 10.1.0.254 }
  - { name: fipvm, network: n1, defaultRoute: 10.1.0.254 }
natGateways: [ { name: gw1, vpc: v1, subnet: s1, lanIp: 10.1.0.254 } ]
eips:
  - { name: eip-snat, natGwDp: gw1, v4ip: 192.0.2.100 }
  - { name: eip-fip, natGwDp: gw1, v4ip: 192.0.2.101 }
  - { name: eip-idle, natGwDp: gw1, v4ip: 192.0.2.102 }
snatRules: [ { name: snat1, eip: eip-snat, internalCIDR: 10.1.0.0/24 } ]
dnatRules: [ { name: dnat1, eip: eip-snat, externalPort: 8080, internalIp: 10.1.0.2, internalPort: 80, protocol: tcp } ]
fipRules: [ { name: fip1, eip: eip-fip, internalIp: 10.1.0.3 } ]
`;

test('a NAT gateway is drawn in its VPC with its EIPs and their rules', () => {
  const { topology, diagnostics } = loadTopology(Buffer.from(TEXT), 'nat.yaml');
  expect(diagnostics).toEqual([]);
  const layout = layoutOf(topology!);
  expect(layout.vpcs.find((v) => v.name === 'v1')!.natGateways).toEqual([{
    name: 'gw1', subnet: 's1', lanIp: '10.1.0.254',
    eips: [
      { name: 'eip-snat', v4ip: '192.0.2.100', rules: ['SNAT 10.1.0.0/24', 'DNAT tcp/8080 -> 10.1.0.2:80'] },
      { name: 'eip-fip', v4ip: '192.0.2.101', rules: ['FIP 10.1.0.3'] },
      { name: 'eip-idle', v4ip: '192.0.2.102', rules: [] },
    ],
  }]);
  const texts = [...renderDiagram(layout).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  expect(texts).toEqual(expect.arrayContaining([
    'web 10.1.0.2 (default via 10.1.0.254)',
    'NAT gateway gw1 lanIp 10.1.0.254 (s1)',
    'eip-snat 192.0.2.100: SNAT 10.1.0.0/24, DNAT tcp/8080 -&gt; 10.1.0.2:80',
    'eip-fip 192.0.2.101: FIP 10.1.0.3',
    'eip-idle 192.0.2.102: no rule',
  ]));
  // A result saved before gateways were drawn has no natGateways: it still draws.
  expect(() => renderDiagram({ ...layout, vpcs: layout.vpcs.map(({ natGateways: _, ...v }) => v) })).not.toThrow();
});
