// A customer-style export (a List with status, managedFields, annotations, an unrelated Service,
// a Secret, a non-Kube-OVN NAD, the primary subnet and a VM of another namespace) imports with
// warnings, not errors; what it could not carry is kept as comments; no credential or state
// reaches the topology; the result validates and plans.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { expect, test } from '@playwright/test';
import { importCommand } from '../../lib/cli/import.ts';
import { loadTopology } from '../../lib/topology/load.ts';
import { runCli, tempFile } from '../support/cli.ts';

const fixture = fileURLToPath(new URL('./fixtures/customer-export.yaml', import.meta.url));

test('a customer export imports with warnings, keeps what it cannot map as comments, and validates', async () => {
  const r = await runCli(['import', fixture, '--namespace', 'tenant-a', '--name', 'tenant-a-bug']);
  expect(r.code, r.err).toBe(0);
  const warnings = r.err.trim().split('\n');
  for (const w of [
    'Secret tenant-a/db-1-cloudinit dropped: credentials are never imported',
    'Service tenant-a/web not imported',
    'NetworkAttachmentDefinition default/vlan100 not imported: its CNI type is not kube-ovn',
    "Subnet ovn-default not imported: a Subnet of Kube-OVN's primary network (provider ovn) with none of the imported VMs or Pods on it",
    'Vpc tenant-vpc: fields a topology cannot hold: spec.namespaces: ["tenant-a"]',
  ]) expect(warnings.some((l) => l.startsWith('warning: ') && l.includes(w)), `${w}\n${r.err}`).toBe(true);
  for (const secret of ['hunter2', 'czNjcjN0', 'I2Nsb3Vk', 'managedFields', 'last-applied', 'v4availableIPs', 'uid', 'resourceVersion', 'other-team-vm']) expect(r.out).not.toContain(secret);
  // policyRoutes are part of the format: imported, not commented out.
  expect(r.out).not.toMatch(/^# .*policyRoutes/m);

  const doc = parse(r.out) as Record<string, unknown>;
  expect(doc.name).toBe('tenant-a-bug');
  expect(doc.probes).toEqual({ mesh: true, internet: true });
  expect(doc.networks).toEqual([{ name: 'tenant-net', namespace: 'tenant-a' }, { name: 'db-net', namespace: 'tenant-a' }]);
  expect(doc.vpcs).toEqual([{
    name: 'tenant-vpc',
    staticRoutes: [{ cidr: '0.0.0.0/0', nextHopIP: '10.20.1.254', policy: 'policyDst' }],
    policyRoutes: [{ priority: 31000, match: 'ip4.dst == 172.16.0.0/16', action: 'allow' }],
  }]);
  expect((doc.subnets as { name: string; excludeIps: string[] }[]).map((s) => [s.name, s.excludeIps])).toEqual([['tenant-web', ['10.20.1.200..10.20.1.210']], ['tenant-db', []]]);
  // Kube-OVN's DHCP settings are the format's own: carried, not commented out.
  expect((doc.subnets as Record<string, unknown>[]).map((s) => [s.name, s.enableDHCP, s.dhcpV4Options])).toEqual([['tenant-web', true, 'dns_server=10.20.1.53'], ['tenant-db', false, undefined]]);
  expect(r.err).not.toContain('cannot hold: spec.enableDHCP');
  expect(doc.vms).toEqual([
    // managedtap on a DHCP subnet: the lease carries the default route, no route step.
    { name: 'web-1', network: 'tenant-a/tenant-net', ip: '10.20.1.10', defaultRoute: false, binding: 'managedtap' },
    // Its cloud-init is in a Secret import never reads: the docs' route step is assumed, and said so.
    { name: 'db-1', network: 'tenant-a/db-net', ip: '10.20.2.10', defaultRoute: true, securityGroups: ['db-sg'] },
  ]);
  expect(r.out).toMatch(/ {2}# defaultRoute: true ASSUMED: .*Secret db-1-cloudinit.*\n.*\n {2}- name: db-1\n/);
  expect(warnings).toContain("warning: defaultRoute: true ASSUMED (the docs' route step) for db-1: nothing in the export shows their guests' default route; see the comments beside them");

  const { topology, diagnostics } = loadTopology(Buffer.from(r.out), 'imported.yaml');
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(topology!.vms.map((v) => v.name)).toEqual(['web-1', 'db-1']);
  const file = tempFile(r.out);
  try {
    expect((await runCli(['validate', file])).code).toBe(0);
    const plan = await runCli(['plan', file]);
    expect(plan.code, plan.err).toBe(0);
    expect(plan.out).toContain('web-1');
  } finally {
    await rm(file);
  }
});

test('without --namespace every namespace\'s VMs are imported; -o writes the file', async () => {
  const out = tempFile('', 'imported-all.yaml');
  try {
    const r = await runCli(['import', fixture, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const doc = parse(readFileSync(out, 'utf8')) as { name: string; vms: { name: string }[] };
    expect(doc.name).toBe('imported');
    expect(doc.vms.map((v) => v.name)).toEqual(['web-1', 'db-1', 'other-team-vm']);
  } finally {
    await rm(out);
  }
});

test('multi-document YAML on stdin, single objects; bad input exits 2', async () => {
  const docs = readFileSync(fixture, 'utf8');
  const items = (parse(docs) as { items: unknown[] }).items;
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += `${t}\n`), isTTY: false };
  const multi = items.map((i) => `---\n${JSON.stringify(i)}\n`).join('');
  expect(await importCommand('-', { namespace: 'tenant-a' }, io, Readable.from([multi]))).toBe(0);
  expect((parse(out) as { vms: unknown[] }).vms).toHaveLength(2);
  expect(err).toContain('credentials are never imported');
  err = '';
  expect(await importCommand('-', {}, io, Readable.from(['kind: Vpc\nspec: {}\n']))).toBe(2);
  expect(err).toContain('not a Kubernetes object');
  expect(await importCommand('/nonexistent/export.yaml', {}, io)).toBe(2);
});

test('an export of Kube-OVN as the primary CNI (kind): Subnets of provider ovn become networks of their own, pods land where Kube-OVN put them', async () => {
  const kind = fileURLToPath(new URL('./fixtures/kind-kube-ovn-export.yaml', import.meta.url));
  const r = await runCli(['import', kind, '--namespace', 'shop', '--platform', 'kube-ovn', '--name', 'shop-bug']);
  expect(r.code, r.err).toBe(0);
  expect(r.err).toContain("warning: Subnet join not imported: Kube-OVN's join subnet (nodes to pods): vpcheck builds its own");
  expect(r.err).toContain("warning: Subnet ovn-default not imported: a Subnet of Kube-OVN's primary network (provider ovn) with none of the imported VMs or Pods on it");
  // Kube-OVN's allocation annotations and the pods' status are state, not topology.
  for (const state of ['00:00:00:5E:2A:01', 'veth-pair', 'podIP', 'coredns', 'v4usingIPs']) expect(r.out).not.toContain(state);
  const doc = parse(r.out) as Record<string, unknown>;
  expect(doc.networks).toEqual([{ name: 'shop-web' }, { name: 'shop-db' }]);
  expect((doc.subnets as { name: string; provider: string; private: boolean; allowSubnets: string[] }[]).map((s) => [s.name, s.provider, s.private, s.allowSubnets])).toEqual([
    ['shop-web', 'shop-web', false, []],
    ['shop-db', 'shop-db', true, ['10.50.1.0/24']],
  ]);
  expect(doc.vms).toEqual([
    // A pod's primary NIC has its default route from the CNI.
    { name: 'web-0', network: 'shop-web', ip: '10.50.1.7', defaultRoute: true },
    { name: 'db-0', network: 'shop-db', ip: '10.50.2.5', defaultRoute: true },
    // Not yet allocated: no logical_switch annotation; its namespace is bound to shop-web.
    { name: 'worker-0', network: 'shop-web', defaultRoute: true },
  ]);
  const file = tempFile(r.out);
  try {
    const plan = await runCli(['plan', file, '--target', 'kubeovn']);
    expect(plan.code, plan.err).toBe(0);
    expect(plan.out).toMatch(/web-0/);
  } finally {
    await rm(file);
  }
  // The same pods without Kube-OVN's annotations or a bound namespace are on no Kube-OVN network.
  const unbound = readFileSync(kind, 'utf8').replace('namespaces: [shop], protocol', 'protocol').replace(/ovn\.kubernetes\.io\/logical_switch: shop-(web|db)/g, 'note: none');
  const r2 = await runCli(['import', tempFile(unbound, 'unbound-export.yaml'), '--namespace', 'shop', '--platform', 'kube-ovn']);
  expect(r2.code).toBe(0);
  expect(r2.err).toMatch(/Pod shop\/web-0 not imported: no multus NIC, and no Kube-OVN Subnet among the objects for its pod network/);
  expect((parse(r2.out) as { vms: unknown[] }).vms).toEqual([]);
});

test('a Harvester v1.8 NAT gateway export: the external subnet becomes externalNetwork, gateway, EIP and rules map with Kube-OVN\'s names, the site underlay and what cannot map are named', async () => {
  const natFixture = fileURLToPath(new URL('./fixtures/harvester-nat-export.yaml', import.meta.url));
  const r = await runCli(['import', natFixture, '--name', 'v18-nat']);
  expect(r.code, r.err).toBe(0);
  const doc = parse(r.out) as Record<string, unknown>;
  expect(doc.externalNetwork).toEqual({ name: 'subnetexternal', cidrBlock: '10.115.48.0/21', gateway: '10.115.55.254' });
  // The external network is no VM network: neither its NAD nor its Subnet is among them.
  expect(doc.networks).toEqual([{ name: 'vswitchinternal' }]);
  expect((doc.subnets as { name: string }[]).map((s) => s.name)).toEqual(['subnetinternal']);
  expect(doc.natGateways).toEqual([{ name: 'gw1', vpc: 'custom-vpc', subnet: 'subnetinternal', lanIp: '172.20.10.254' }]);
  expect(doc.eips).toEqual([{ name: 'my-eip', natGwDp: 'gw1', v4ip: '10.115.55.200' }]);
  expect(doc.snatRules).toEqual([{ name: 'my-snat', eip: 'my-eip', internalCIDR: '172.20.10.0/24' }]);
  expect(doc.dnatRules).toEqual([{ name: 'dnat01', eip: 'my-eip', externalPort: 8888, internalIp: '172.20.10.2', internalPort: 80, protocol: 'tcp' }]);
  expect(doc).not.toHaveProperty('fipRules');
  const warnings = r.err.trim().split('\n');
  for (const w of [
    'NetworkAttachmentDefinition kube-system/vswitchexternal: the NAT gateways\' external network, held as externalNetwork; its node NIC eno50 is a site fact: give a cluster run --external-nic',
    'ProviderNetwork pn1 not imported: the external network\'s underlay on the nodes is a site fact; give a cluster run --external-nic eno50',
    'Vlan vlan2017 not imported: the external network\'s underlay on the nodes is a site fact; give a cluster run --external-vlan 2017',
    'VpcNatGateway gw1: fields a topology cannot hold: spec.selector: ["kubernetes.io/hostname: node-2"]',
    'IptablesDnatRule dnat-sctp not imported: protocol sctp: the NAT gateway\'s DNAT takes tcp or udp',
    'IptablesFIPRule fip-lost not imported: eip other-eip: no such EIP among the imported ones',
  ]) expect(warnings.some((l) => l.startsWith('warning: ') && l.includes(w)), `${w}\n${r.err}`).toBe(true);
  // Kube-OVN's own write-backs (the EIP's MAC, statuses) are state, not a loss.
  expect(r.err).not.toMatch(/macAddress|status/);
  const { topology, diagnostics } = loadTopology(Buffer.from(r.out), 'v18-nat (imported)');
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(topology!.natGateways[0]!.externalSubnets).toEqual(['subnetexternal']);
});
