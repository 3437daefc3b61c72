// A Harvester customer's export with the running VMIs (`kubectl get vpc,subnet,net-attach-def,vm,vmi
// -A -o yaml`): every VM keeps the address its VMI reports on the overlay NIC (matched by the
// KubeVirt network name, not by position), defaultRoute follows the evidence in the VM's
// cloud-init and is otherwise assumed with a comment beside the VM, so the model plans the
// cross-subnet cells of the customer's report ("app reaches web but not db") instead of
// network-unreachable everywhere.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { expect, test } from '@playwright/test';
import { importObjects } from '../../lib/import/import.ts';
import { parseExport } from '../../lib/import/parse.ts';
import { cellsOf } from '../../lib/model/index.ts';
import { loadTopology } from '../../lib/topology/load.ts';
import { runCli } from '../support/cli.ts';

const fixture = fileURLToPath(new URL('./fixtures/harvester-vmi-export.yaml', import.meta.url));
const text = readFileSync(fixture, 'utf8');
type Vms = { name: string; ip?: string; defaultRoute: boolean }[];

/** The topology's predicted outcome per "from -> to" icmp cell. */
function predicted(yaml: string): Map<string, string> {
  const { topology, diagnostics } = loadTopology(Buffer.from(yaml), 'imported.yaml');
  expect(diagnostics.filter((d) => d.severity === 'error'), yaml).toEqual([]);
  const [initial] = cellsOf(topology!, { internetIP: '192.0.2.1' });
  return new Map(initial!.cells.map((c) => [`${c.from} -> ${c.to}`, c.predicted]));
}

test('VMI statuses pin every running VM\'s address; cloud-init decides defaultRoute; the customer\'s cells are planned', async () => {
  const r = await runCli(['import', fixture, '--name', 'shop-bug']);
  expect(r.code, r.err).toBe(0);
  expect(r.err, 'VMIs are imported, not dropped').not.toContain('VirtualMachineInstance');
  const doc = parse(r.out) as { vms: Vms };
  expect(doc.vms).toEqual([
    // The guest agent's docker0 comes first in status.interfaces, and IPv6 beside the IPv4.
    { name: 'web-1', network: 'shop/web', ip: '10.30.1.4', defaultRoute: true },
    // Its overlay NIC is the VMI's second interface (the pod network is the first).
    { name: 'app-1', network: 'shop/app', ip: '10.30.2.7', defaultRoute: true },
    { name: 'db-1', network: 'shop/db', ip: '10.30.3.2', defaultRoute: true },
    // Stopped (no VMI): the address Kube-OVN was asked to pin.
    { name: 'batch-1', network: 'shop/app', ip: '10.30.2.50', defaultRoute: true },
  ]);
  // Each VM says where its address and route came from; the guesses say so.
  expect(r.out).toContain('  # ip 10.30.1.4: from VirtualMachineInstance shop/web-1 status.interfaces[name=nic-1]\n  # defaultRoute: true: cloud-init networkData (to: default)\n  - name: web-1\n');
  expect(r.out).toContain('  # defaultRoute: true: cloud-init userData (ip route replace default via 10.30.2.1 dev enp2s0)\n  - name: app-1\n');
  expect(r.out).toMatch(/ {2}# defaultRoute: true ASSUMED: nothing in the export shows the guest's default route \(its cloud-init is in Secret db-1-cloudinit-r7x, which import never reads\);\n {2}# the docs' step "ip route add default via 10\.30\.3\.1" is assumed run\. Set false if this guest has none\.\n {2}- name: db-1\n/);
  expect(r.err).toContain("warning: defaultRoute: true ASSUMED (the docs' route step) for db-1, batch-1:");

  const cells = predicted(r.out);
  // The report: app reaches web but not db (shop-db is private, allowing shop-web only).
  expect(cells.get('app-1 -> web-1')).toBe('reachable');
  expect(cells.get('app-1 -> db-1')).toBe('timeout');
  expect(cells.get('web-1 -> db-1')).toBe('reachable');
  expect(cells.get('db-1 -> web-1')).toBe('reachable');
});

test('without the VMIs, running VMs have no address to keep: the model assigns one', () => {
  const objects = parseExport(text).filter((o) => o.kind !== 'VirtualMachineInstance');
  const doc = parse(importObjects(objects, { source: 'x' }).yaml) as { vms: Vms };
  expect(doc.vms.map((v) => [v.name, v.ip])).toEqual([['web-1', undefined], ['app-1', undefined], ['db-1', undefined], ['batch-1', '10.30.2.50']]);
});

test('a VMI disagreeing with its pinned address, reporting outside its subnet, or standing without its VM', () => {
  const objects = parseExport(text);
  const vm = (name: string) => objects.find((o) => o.kind === 'VirtualMachine' && o.metadata.name === name)!;
  const vmi = (name: string) => objects.find((o) => o.kind === 'VirtualMachineInstance' && o.metadata.name === name)!;
  const template = (name: string) => (vm(name).spec as { template: { metadata?: { annotations?: Record<string, string> } } }).template;
  template('web-1').metadata = { annotations: { 'web.shop.ovn.kubernetes.io/ip_address': '10.30.1.9' } };
  template('app-1').metadata = { annotations: { 'app.shop.ovn.kubernetes.io/ip_address': '10.30.2.9' } };
  const appStatus = vmi('app-1').status as { interfaces: { name?: string; ipAddress: string; ipAddresses: string[] }[] };
  appStatus.interfaces[1] = { ...appStatus.interfaces[1]!, ipAddress: '192.168.7.7', ipAddresses: ['192.168.7.7'] };
  const withoutDbVm = objects.filter((o) => o !== vm('db-1'));
  const imported = importObjects(withoutDbVm, { source: 'x' });
  const doc = parse(imported.yaml) as { vms: Vms };
  expect(doc.vms.map((v) => [v.name, v.ip])).toEqual([['web-1', '10.30.1.4'], ['app-1', '10.30.2.9'], ['batch-1', '10.30.2.50'], ['db-1', '10.30.3.2']]);
  expect(imported.warnings).toContain('VirtualMachine web-1: its VMI reports 10.30.1.4 on nic-1, its web.shop.ovn.kubernetes.io/ip_address pins 10.30.1.9: kept 10.30.1.4, the address the guest runs with');
  expect(imported.warnings).toContain("VirtualMachine app-1: its VMI reports 192.168.7.7 on nic-1, outside the subnet's 10.30.2.0/24; kept the pinned 10.30.2.9");
});

test('binding, enableDHCP, dhcpV4Options and mtu are read; managedtap on a DHCP subnet takes its route from the lease, a bridge NIC there does not', () => {
  const objects = parseExport(text);
  const web = objects.find((o) => o.kind === 'Subnet' && o.metadata.name === 'shop-web')!;
  Object.assign(web.spec as Record<string, unknown>, { enableDHCP: true, dhcpV4Options: 'lease_time=600', mtu: 1400 });
  const vm = objects.find((o) => o.kind === 'VirtualMachine' && o.metadata.name === 'web-1')!;
  const spec = (vm.spec as { template: { spec: { domain: { devices: { interfaces: Record<string, unknown>[] } }; volumes: unknown[] } } }).template.spec;
  spec.volumes = [];
  const bridge = importObjects(objects, { source: 'x' });
  expect(bridge.warnings.filter((w) => w.includes('cannot hold')), 'the DHCP fields are mapped').toEqual([]);
  const subnets = (parse(bridge.yaml) as { subnets: Record<string, unknown>[] }).subnets;
  expect(subnets[0]).toMatchObject({ name: 'shop-web', enableDHCP: true, dhcpV4Options: 'lease_time=600', mtu: 1400 });
  expect(subnets[1]).not.toHaveProperty('mtu');
  expect((parse(bridge.yaml) as { vms: Vms }).vms[0]).toEqual({ name: 'web-1', network: 'shop/web', ip: '10.30.1.4', defaultRoute: true });
  expect(bridge.yaml).toMatch(/# defaultRoute: true ASSUMED[^\n]*\n[^\n]*\n {2}- name: web-1\n/);

  spec.domain.devices.interfaces = [{ name: 'nic-1', model: 'virtio', binding: { name: 'managedtap' } }];
  const managedtap = importObjects(objects, { source: 'x' }).yaml;
  expect((parse(managedtap) as { vms: Vms }).vms[0]).toEqual({ name: 'web-1', network: 'shop/web', ip: '10.30.1.4', defaultRoute: false, binding: 'managedtap' });
  expect(managedtap).toContain("  # defaultRoute: false: binding managedtap on a DHCP subnet (enableDHCP): the guest's lease carries the route (DHCP router option), no route step\n  - name: web-1\n");
  // The model gives web-1 its route from the lease: it reaches the other subnets without the step.
  expect(predicted(managedtap).get('web-1 -> app-1')).toBe('reachable');

  spec.domain.devices.interfaces = [{ name: 'nic-1', model: 'virtio', sriov: {} }];
  expect(importObjects(objects, { source: 'x' }).warnings).toContain('VirtualMachine web-1: its NIC nic-1 has binding sriov; tested as bridge (vpcheck models bridge and managedtap)');
});
