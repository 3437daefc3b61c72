// Round trip through the CLI: for every seed topology and each of its phases, `vpcheck render
// --target harvester` (VirtualMachines) or `--target kubeovn` (Pods, on multus attachments or on
// Kube-OVN as the primary CNI) then `vpcheck import` gives back a topology that loads without errors
// and whose model matrix (every mesh, internet and extra probe cell) is the seed's, cell by cell.
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { cellsOf } from '../../lib/model/index.ts';
import { loadTopology, loadTopologyFile } from '../../lib/topology/load.ts';
import type { Topology } from '../../lib/topology/types.ts';
import { runCli, tempFile } from '../support/cli.ts';

const seeds = fileURLToPath(new URL('../../topologies/', import.meta.url));
const files = readdirSync(seeds).filter((f) => f.endsWith('.yaml'));
const options = { internetIP: '192.0.2.1' };

/** Predicted outcome of every cell the seed probes, on the given topology's objects (no expect lines, no phases). */
function matrix(t: Topology, probes: Topology['probes']): string[] {
  const [initial] = cellsOf({ ...t, probes, expect: [], phases: [] }, options);
  return initial!.cells.map((c) => `${c.from} -> ${c.to} ${c.probe}${c.port ? `/${c.port}` : ''} = ${c.predicted}`).sort();
}

/**
 * What a target's rendering holds beyond the topology: the kubeovn run's Namespace and its binding
 * to the VPCs; with a NAT gateway, the site facts of its external network (the node NIC, the
 * Harvester underlay's ProviderNetwork and Vlan) and, on kubeovn, Kube-OVN's NAT ConfigMaps.
 */
const NAT_SITE = String.raw`NetworkAttachmentDefinition kube-system/rt-ovn-vpc-external-network: the NAT gateways' external network, held as externalNetwork; .*`;
const KUBEOVN_WARNINGS = new RegExp(String.raw`^(warning: (Namespace rt-pods not imported: .*|Vpc [a-z0-9-]+: fields a topology cannot hold: spec\.namespaces: \["rt-pods"\]|ConfigMap kube-system/ovn-vpc-nat(-gw)?-config not imported: .*|${NAT_SITE})
)+$`);
const HARVESTER_WARNINGS = new RegExp(String.raw`^(warning: (${NAT_SITE}|(ProviderNetwork|Vlan) [a-z0-9-]+ not imported: the external network's underlay on the nodes is a site fact; .*|Subnet rt-ovn-vpc-external-network: fields a topology cannot hold: spec\.vlan: .*)
)*$`);
const EXPECTED_WARNINGS: Record<string, RegExp> = { harvester: HARVESTER_WARNINGS, kubeovn: KUBEOVN_WARNINGS, 'kubeovn --kube-ovn-primary': KUBEOVN_WARNINGS };

for (const file of files) for (const target of ['harvester', 'kubeovn', 'kubeovn --kube-ovn-primary']) {
  test(`round trip ${file}: render --target ${target} then import keeps the model matrix of every phase`, async () => {
    const { topology: seed } = await loadTopologyFile(seeds + file);
    expect(seed).toBeDefined();
    for (const phase of ['initial', ...seed!.phases.map((p) => p.name)]) {
      const rendered = await runCli(['render', seeds + file, '--target', ...target.split(' '), '--phase', phase, '--run-id', 'rt']);
      expect(rendered.code).toBe(0);
      const spec = seed!.phases.find((p) => p.name === phase)?.topology ?? seed!;
      // Pods have no KubeVirt binding: render says so, and the pods cannot give the matrix back.
      if (target.startsWith('kubeovn') && spec.vms.some((v) => v.binding === 'managedtap')) {
        expect(rendered.err).toMatch(/binding managedtap: the kubeovn target runs VM [a-z0-9-]+ as a Pod/);
        continue;
      }
      const exported = tempFile(rendered.out);
      const imported = await runCli(['import', exported, '--platform', seed!.platform]);
      await rm(exported);
      expect(imported.code, imported.err).toBe(0);
      expect(imported.err, 'a rendered topology maps without other loss').toMatch(EXPECTED_WARNINGS[target]!);
      const { topology, diagnostics } = loadTopology(Buffer.from(imported.out), `${file} (${phase}, imported)`);
      expect(diagnostics.filter((d) => d.severity === 'error'), imported.out).toEqual([]);
      expect(topology!.probes).toEqual({ mesh: true, internet: true, icmp: [], tcp: [], mtu: [], bulk: [] });
      // A cut tunnel is a lab fault, not a cluster object: the export cannot hold it.
      const want = matrix({ ...seed!, ...spec, tunnelsDown: [] }, seed!.probes);
      expect(want.length).toBeGreaterThan(0);
      expect(matrix(topology!, seed!.probes), phase).toEqual(want);
    }
  });
}

test('round trip of the DHCP settings: render --target harvester then import keeps enableDHCP, dhcpV4Options, mtu, binding and the route step, in every phase', async () => {
  const fixture = fileURLToPath(new URL('../k8s/fixtures/dhcp-render.yaml', import.meta.url));
  const { topology: seed } = await loadTopologyFile(fixture);
  for (const phase of ['initial', ...seed!.phases.map((p) => p.name)]) {
    const rendered = await runCli(['render', fixture, '--target', 'harvester', '--phase', phase, '--run-id', 'rt']);
    expect(rendered.code).toBe(0);
    const exported = tempFile(rendered.out);
    const imported = await runCli(['import', exported, '--platform', seed!.platform]);
    await rm(exported);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.err).toBe('');
    const { topology } = loadTopology(Buffer.from(imported.out), `dhcp-render (${phase}, imported)`);
    const spec = seed!.phases.find((p) => p.name === phase)?.topology ?? seed!;
    const dhcp = (t: { subnets: readonly { name: string; enableDHCP: boolean; dhcpV4Options?: string; mtu?: number }[] }) => t.subnets.map((s) => [s.name, s.enableDHCP, s.dhcpV4Options, s.mtu]);
    const guests = (t: { vms: readonly { name: string; binding: string; defaultRoute: boolean }[] }) => t.vms.map((v) => [v.name, v.binding, v.defaultRoute]);
    expect(dhcp(topology!)).toEqual(dhcp(spec));
    expect(guests(topology!), phase).toEqual(guests(spec));
    expect(matrix(topology!, seed!.probes), phase).toEqual(matrix({ ...seed!, ...spec }, seed!.probes));
  }
});

test('round trip of the NAT gateway: render on either target then import gives back the external network, gateways, EIPs and rules of every phase, and names the site facts it cannot hold', async () => {
  const fixture = fileURLToPath(new URL('../k8s/fixtures/nat-render.yaml', import.meta.url));
  const { topology: seed } = await loadTopologyFile(fixture);
  const nat = (t: Topology | Topology['phases'][number]['topology']) => ({ externalNetwork: t.externalNetwork, natGateways: t.natGateways, eips: t.eips, snatRules: t.snatRules, dnatRules: t.dnatRules, fipRules: t.fipRules });
  for (const target of ['harvester', 'kubeovn', 'kubeovn --kube-ovn-primary']) {
    for (const phase of ['initial', ...seed!.phases.map((p) => p.name)]) {
      const rendered = await runCli(['render', fixture, '--target', ...target.split(' '), '--phase', phase, '--run-id', 'rt', '--external-nic', 'ens7']);
      expect(rendered.code, rendered.err).toBe(0);
      const exported = tempFile(rendered.out);
      const imported = await runCli(['import', exported, '--platform', seed!.platform]);
      await rm(exported);
      expect(imported.code, imported.err).toBe(0);
      const { topology, diagnostics } = loadTopology(Buffer.from(imported.out), `nat-render (${target}, ${phase}, imported)`);
      expect(diagnostics.filter((d) => d.severity === 'error'), imported.out).toEqual([]);
      const spec = seed!.phases.find((p) => p.name === phase)?.topology ?? seed!;
      expect(nat(topology!), `${target}, ${phase}`).toEqual(nat(spec));
      // The guest's route via the gateway's lanIp, as Harvester v1.8's page sets it, comes back too.
      expect(topology!.vms.map((v) => [v.name, v.defaultRoute, v.defaultRouteVia])).toEqual(spec.vms.map((v) => [v.name, v.defaultRoute, v.defaultRouteVia]));
      // What only the site knows is said, with the option that gives it to a cluster run.
      expect(imported.err).toMatch(/NetworkAttachmentDefinition kube-system\/rt-ovn-vpc-external-network: the NAT gateways' external network, held as externalNetwork; its node NIC ens7 is a site fact: give a cluster run --external-nic/);
      if (target === 'harvester') expect(imported.err).toMatch(/Vlan rt-ovn-vpc-external-network-vlan not imported: .* --external-vlan 0/);
      else expect(imported.err).toMatch(/ConfigMap kube-system\/ovn-vpc-nat-config not imported/);
    }
  }
});
