// A phase removes objects by name, adds whole new ones, then patches fields: each name must mean
// what it says, and a diagnostic about an added object points at the line that added it.
import { expect, test } from '@playwright/test';
import { formatDiagnostic } from '../../lib/topology/diagnostics.ts';
import { loadTopology } from '../../lib/topology/load.ts';

const load = (text: string) => loadTopology(Buffer.from(text), 'mem.yaml');
const HEAD = `apiVersion: vpcheck/v1
kind: Topology
name: p
networks: [ { name: n1 } ]
vpcs: [ { name: v1, staticRoutes: [ { cidr: 0.0.0.0/0, nextHopIP: 10.1.0.254 } ] } ]
subnets: [ { name: s1, vpc: v1, cidrBlock: 10.1.0.0/24, provider: n1 } ]
vms:
  - { name: web, network: n1, listen: [ tcp/80 ] }
  - { name: app, network: n1 }
natGateways: [ { name: gw1, vpc: v1, subnet: s1, lanIp: 10.1.0.254 } ]
eips: [ { name: eip1, natGwDp: gw1, v4ip: 192.0.2.100 }, { name: eip2, natGwDp: gw1, v4ip: 192.0.2.101 } ]
dnatRules: [ { name: dnat1, eip: eip1, externalPort: 8080, internalIp: 10.1.0.2, internalPort: 80, protocol: tcp } ]
`;

test('remove, then add, then patch: the DNAT goes, a FIP and a VM arrive, the FIP is retargeted', () => {
  const { topology, diagnostics } = load(`${HEAD}phases:
  - name: swap
    remove: { dnatRules: [ dnat1 ], vms: [ app ] }
    add:
      fipRules: [ { name: fip1, eip: eip2, internalIp: 10.1.0.3 } ]
      vms: [ { name: db, network: n1, ip: 10.1.0.9 } ]
    patch: { fipRules: [ { name: fip1, internalIp: 10.1.0.9 } ] }
  - name: only a patch
    patch: { vms: [ { name: web, listen: [ tcp/81 ] } ] }
`);
  expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  const [swap, after] = topology!.phases;
  expect(swap!.topology.dnatRules).toEqual([]);
  expect(swap!.topology.fipRules).toEqual([{ name: 'fip1', eip: 'eip2', internalIp: '10.1.0.9' }]);
  expect(swap!.topology.vms.map((v) => v.name)).toEqual(['web', 'db']);
  // Later phases start from the changed objects.
  expect(after!.topology.vms.map((v) => v.name)).toEqual(['web', 'db']);
  expect(after!.topology.fipRules).toHaveLength(1);
  expect(topology!.dnatRules).toHaveLength(1);
});

test('removing or patching what is not there, adding what is, and removing ovn-cluster are errors at their line', () => {
  const lines = load(`${HEAD}phases:
  - name: typos
    remove: { dnatRules: [ dnat9 ], vpcs: [ ovn-cluster ] }
    add: { eips: [ { name: eip1, natGwDp: gw1, v4ip: 192.0.2.102 } ] }
    patch: { fipRules: [ { name: fip1, internalIp: 10.1.0.9 } ] }
`).diagnostics.map(formatDiagnostic);
  expect(lines).toEqual([
    'mem.yaml:15:28: error: phases[0].remove.dnatRules[0]: no DNAT rule named "dnat9" to remove (have: dnat1)',
    'mem.yaml:15:45: error: phases[0].remove.vpcs[0]: ovn-cluster is Kube-OVN\'s default VPC; it cannot be removed',
    'mem.yaml:16:28: error: phases[0].add.eips[0].name: EIP "eip1" already exists; add creates new objects (patch changes existing ones)',
    'mem.yaml:17:34: error: phases[0].patch.fipRules[0].name: no FIP rule named "fip1" to patch (have: none); a patch changes existing objects only (add: creates new ones)',
  ]);
});

test('an added object is validated like any other, at the line that added it; removing what others use breaks their references', () => {
  const lines = load(`${HEAD}phases:
  - name: bad add
    add: { snatRules: [ { name: snat1, eip: eip7, internalCIDR: 10.1.0.0/24 } ] }
  - name: gateway gone
    remove: { natGateways: [ gw1 ] }
`).diagnostics.map(formatDiagnostic);
  expect(lines).toEqual([
    // The EIPs' own lines: what the phase took away is what they name.
    'mem.yaml:11:32: error: eips[0].natGwDp: no NAT gateway named "gw1"; defined: none',
    'mem.yaml:11:81: error: eips[1].natGwDp: no NAT gateway named "gw1"; defined: none',
    'mem.yaml:15:45: error: phases[0].add.snatRules[0].eip: no EIP named "eip7" (did you mean "eip1"?); defined: eip1, eip2',
  ]);
});
