// Golden manifests for every seed topology, with names, labels, the NADs' CNI config and the
// cross-references consistent (the upstream schemas: tests/k8s/upstream-schemas.spec.ts).
// Regenerate the golden files with VPCHECK_UPDATE_GOLDEN=1.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { expect, test } from '@playwright/test';
import { OVERLAY_CNI_CONFIG } from '../support/overlay-cni-schema.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import type { KubeObject } from '../../lib/k8s/resources.ts';
import { manifestsYaml, ovnClusterDocument } from '../../lib/targets/harvester/manifests.ts';
import { prefixed } from '../../lib/targets/k8s-common/names.ts';
import { DEFAULT_IMAGE, render } from '../../lib/targets/harvester/render.ts';

const seeds = fileURLToPath(new URL('../../topologies/', import.meta.url));
const golden = fileURLToPath(new URL('./golden/', import.meta.url));
const files = readdirSync(seeds).filter((f) => f.endsWith('.yaml'));
const DNS1123 = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const cniConfig = new Ajv({ allErrors: true }).compile(OVERLAY_CNI_CONFIG);

function references(objects: readonly KubeObject[]): string[] {
  const names = (kind: string) => new Set(objects.filter((o) => o.kind === kind).map((o) => o.metadata.name));
  const vpcs = new Set([...names('Vpc'), 'ovn-cluster']);
  const sgs = names('SecurityGroup');
  const providers = new Set(objects.filter((o) => o.kind === 'NetworkAttachmentDefinition').map((o) => (JSON.parse((o.spec as { config: string }).config) as { provider: string }).provider));
  const nads = new Set(objects.filter((o) => o.kind === 'NetworkAttachmentDefinition').map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
  const problems: string[] = [];
  for (const o of objects) {
    const spec = o.spec as Record<string, never>;
    if (o.kind === 'Vpc') for (const p of spec.vpcPeerings as { remoteVpc: string }[]) if (!vpcs.has(p.remoteVpc)) problems.push(`${o.metadata.name}: remoteVpc ${p.remoteVpc}`);
    if (o.kind === 'Subnet') {
      // No vpc: Kube-OVN's ovn-cluster (the NAT gateway's external network).
      if (!vpcs.has(spec.vpc ?? 'ovn-cluster')) problems.push(`${o.metadata.name}: vpc ${spec.vpc}`);
      if (!providers.has(spec.provider)) problems.push(`${o.metadata.name}: provider ${spec.provider}`);
      if (spec.vlan && !names('Vlan').has(spec.vlan)) problems.push(`${o.metadata.name}: vlan ${spec.vlan}`);
    }
    if (o.kind === 'Vlan' && !names('ProviderNetwork').has(spec.provider)) problems.push(`${o.metadata.name}: provider ${spec.provider}`);
    if (o.kind === 'VpcNatGateway') {
      if (!vpcs.has(spec.vpc)) problems.push(`${o.metadata.name}: vpc ${spec.vpc}`);
      for (const n of [spec.subnet, ...(spec.externalSubnets as string[])]) if (!names('Subnet').has(n)) problems.push(`${o.metadata.name}: subnet ${n}`);
      const lan = o.metadata.annotations?.['k8s.v1.cni.cncf.io/networks'];
      if (!lan || !nads.has(lan)) problems.push(`${o.metadata.name}: LAN network ${lan}`);
    }
    if (o.kind === 'IptablesEIP') {
      if (!names('VpcNatGateway').has(spec.natGwDp)) problems.push(`${o.metadata.name}: natGwDp ${spec.natGwDp}`);
      if (!names('Subnet').has(spec.externalSubnet)) problems.push(`${o.metadata.name}: externalSubnet ${spec.externalSubnet}`);
    }
    if (o.kind.startsWith('Iptables') && o.kind.endsWith('Rule') && !names('IptablesEIP').has(spec.eip)) problems.push(`${o.metadata.name}: eip ${spec.eip}`);
    if (o.kind === 'SecurityGroup') {
      for (const r of [...spec.ingressRules, ...spec.egressRules] as { remoteSecurityGroup?: string }[]) if (r.remoteSecurityGroup && !sgs.has(r.remoteSecurityGroup)) problems.push(`${o.metadata.name}: remoteSecurityGroup ${r.remoteSecurityGroup}`);
    }
    if (o.kind === 'VirtualMachine') {
      const template = (o.spec as { template: { metadata: { annotations: Record<string, string> }; spec: { networks: { multus: { networkName: string } }[] } } }).template;
      for (const n of template.spec.networks) if (!nads.has(n.multus.networkName)) problems.push(`${o.metadata.name}: network ${n.multus.networkName}`);
      for (const [key, value] of Object.entries(template.metadata.annotations)) {
        const provider = key.replace(/\.kubernetes\.io\/.*$/, '');
        if (!providers.has(provider)) problems.push(`${o.metadata.name}: annotation ${key}`);
        if (key.endsWith('/security_groups')) for (const g of value.split(',')) if (!sgs.has(g)) problems.push(`${o.metadata.name}: security group ${g}`);
      }
    }
  }
  return problems;
}

for (const file of files) {
  test(`render ${file}: golden manifests, names, labels and references consistent`, async () => {
    const { topology } = await loadTopologyFile(seeds + file);
    expect(topology).toBeDefined();
    for (const [phase, spec] of [['initial', topology!] as const, ...topology!.phases.map((p) => [p.name, p.topology] as const)]) {
      const rendered = render(spec, { runId: 'golden', namespace: 'vpcheck', image: DEFAULT_IMAGE });
      const objects = [...rendered.objects, ...(rendered.ovnCluster ? [ovnClusterDocument('golden', rendered.ovnCluster)] : [])];
      for (const o of objects) {
        expect(o.metadata.name, `${o.kind} name`).toMatch(DNS1123);
        if (o.metadata.name !== 'ovn-cluster') expect(o.metadata.labels).toEqual({ ...o.metadata.labels, 'vpcheck/run': 'golden', 'vpcheck/topology': topology!.name });
        if (o.kind === 'NetworkAttachmentDefinition') expect(cniConfig(JSON.parse((o.spec as { config: string }).config)), JSON.stringify(cniConfig.errors)).toBe(true);
      }
      expect(references(objects), phase).toEqual([]);
      expect(objects.filter((o) => o.kind === 'VirtualMachine').length).toBe(spec.vms.length);
    }
    const text = manifestsYaml(render(topology!, { runId: 'golden', namespace: 'vpcheck', image: DEFAULT_IMAGE }), 'golden', [`topologies/${file}`]);
    const path = golden + file;
    if (process.env.VPCHECK_UPDATE_GOLDEN) writeFileSync(path, text);
    expect(text).toBe(readFileSync(path, 'utf8'));
  });
}

test('long names stay DNS-1123 labels of at most 63 characters, distinct, and prefixed by the run', () => {
  const a = prefixed('run-123456', 'x'.repeat(60));
  const b = prefixed('run-123456', `${'x'.repeat(59)}y`);
  for (const n of [a, b]) {
    expect(n).toMatch(DNS1123);
    expect(n.length).toBeLessThanOrEqual(63);
    expect(n.startsWith('run-123456-')).toBe(true);
  }
  expect(a).not.toBe(b);
  expect(prefixed('r1', 'vpc-a')).toBe('r1-vpc-a');
});
