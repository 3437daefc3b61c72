// Every object vpcheck would send to a cluster, for every seed topology and phase and all three
// render modes (Harvester; kubeovn with attachment networks; kubeovn on the primary network),
// checked under fieldValidation=Strict semantics against the upstream schemas vendored in
// tests/support/upstream: KubeVirt v1.5.0 and v1.7.0, Kube-OVN v1.13.13 and v1.14.10.
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { NAME_ANNOTATION } from '../../lib/k8s/labels.ts';
import type { KubeObject } from '../../lib/k8s/resources.ts';
import { generateSshKeyPair } from '../../lib/sessions/ssh-keys.ts';
import { cloudInitSecret, userData, type GuestCredentials } from '../../lib/targets/harvester/cloud-init.ts';
import { ovnClusterDocument } from '../../lib/targets/harvester/manifests.ts';
import { DEFAULT_IMAGE, render } from '../../lib/targets/harvester/render.ts';
import { DEFAULT_POD_IMAGE, renderPods } from '../../lib/targets/kubeovn/render.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import type { TopologySpec } from '../../lib/topology/types.ts';
import { SEEDS, seedFiles } from '../support/seed-runs.ts';
import { KUBE_OVN_VERSIONS, KUBEVIRT_VERSIONS, validateUpstream, type Upstream } from '../support/upstream/validate.ts';

const UPSTREAMS: Upstream[] = KUBEVIRT_VERSIONS.flatMap((kubevirt) => KUBE_OVN_VERSIONS.map((kubeOvn) => ({ kubevirt, kubeOvn })));
const credentials: GuestCredentials = { username: 'vpcheck', password: 'not-a-secret', clientKey: generateSshKeyPair(), hostKey: generateSshKeyPair() };

/** What the Harvester target applies: the rendered objects, each VM's cloud-init Secret, ovn-cluster's entries. */
function harvesterObjects(spec: TopologySpec): KubeObject[] {
  const rendered = render(spec, { runId: 'upstream', namespace: 'vpcheck', image: DEFAULT_IMAGE });
  const secrets = rendered.objects.filter((o) => o.kind === 'VirtualMachine').map((vm) => cloudInitSecret(vm, spec.name, 'upstream', userData(credentials, spec.vms.find((v) => v.name === vm.metadata.annotations![NAME_ANNOTATION])!.listen)));
  return [...rendered.objects, ...secrets, ...(rendered.ovnCluster ? [ovnClusterDocument('upstream', rendered.ovnCluster)] : [])];
}

const MODES: Record<string, (spec: TopologySpec) => readonly KubeObject[]> = {
  harvester: harvesterObjects,
  'kubeovn attachment': (spec) => renderPods(spec, { runId: 'upstream', image: DEFAULT_POD_IMAGE }).objects,
  'kubeovn primary': (spec) => renderPods(spec, { runId: 'upstream', image: DEFAULT_POD_IMAGE, primary: true }).objects,
};

/** The DHCP settings (enableDHCP, dhcpV4Options, mtu, binding managedtap) in every place they render, phases included. */
const DHCP_FIXTURE = fileURLToPath(new URL('./fixtures/dhcp-render.yaml', import.meta.url));
/** Harvester v1.8's NAT gateway page: gateway, EIPs, SNAT, DNAT and FIP rules, and the external network of both targets. */
const NAT_FIXTURE = fileURLToPath(new URL('./fixtures/nat-render.yaml', import.meta.url));

for (const path of [...seedFiles.map((f) => SEEDS + f), DHCP_FIXTURE, NAT_FIXTURE]) {
  const file = basename(path);
  test(`${file}: every rendered object of every phase and mode passes KubeVirt ${KUBEVIRT_VERSIONS.join('/')} and Kube-OVN ${KUBE_OVN_VERSIONS.join('/')} under Strict`, async () => {
    const { topology } = await loadTopologyFile(path);
    expect(topology).toBeDefined();
    const phases = [['initial', topology!] as const, ...topology!.phases.map((p) => [p.name, p.topology] as const)];
    const problems: string[] = [];
    let checked = 0;
    for (const [phase, spec] of phases) {
      for (const [mode, objectsOf] of Object.entries(MODES)) {
        for (const o of objectsOf(spec)) {
          for (const upstream of UPSTREAMS) {
            checked++;
            for (const p of validateUpstream(o, upstream)) problems.push(`${phase}, ${mode}, KubeVirt ${upstream.kubevirt} Kube-OVN ${upstream.kubeOvn}: ${o.kind} ${o.metadata.name}: ${p.field}: ${p.message}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
}

test('the seeds exercise every kind vpcheck sends', async () => {
  const kinds = new Set<string>();
  for (const file of seedFiles) {
    const { topology } = await loadTopologyFile(SEEDS + file);
    for (const objectsOf of Object.values(MODES)) for (const o of objectsOf(topology!)) kinds.add(o.kind);
  }
  expect([...kinds].sort()).toEqual(['ConfigMap', 'IptablesDnatRule', 'IptablesEIP', 'IptablesFIPRule', 'IptablesSnatRule', 'Namespace', 'NetworkAttachmentDefinition', 'Pod', 'ProviderNetwork', 'Secret', 'SecurityGroup', 'Subnet', 'VirtualMachine', 'Vlan', 'Vpc', 'VpcNatGateway']);
});

const NAT_KINDS = ['ConfigMap', 'IptablesDnatRule', 'IptablesEIP', 'IptablesFIPRule', 'IptablesSnatRule', 'ProviderNetwork', 'Vlan', 'VpcNatGateway'];

test('the NAT fixture exercises every NAT gateway kind, in every mode that sends it', async () => {
  const { topology } = await loadTopologyFile(NAT_FIXTURE);
  const kindsOf = (objects: readonly KubeObject[]) => [...new Set(objects.map((o) => o.kind))].filter((k) => NAT_KINDS.includes(k)).sort();
  // Harvester's kubeovn-operator owns the ConfigMaps; only Harvester's external network is a VLAN underlay.
  expect(kindsOf(MODES.harvester!(topology!))).toEqual(['IptablesDnatRule', 'IptablesEIP', 'IptablesFIPRule', 'IptablesSnatRule', 'ProviderNetwork', 'Vlan', 'VpcNatGateway']);
  for (const mode of ['kubeovn attachment', 'kubeovn primary']) expect(kindsOf(MODES[mode]!(topology!))).toEqual(['ConfigMap', 'IptablesDnatRule', 'IptablesEIP', 'IptablesFIPRule', 'IptablesSnatRule', 'VpcNatGateway']);
});

test('the NAT kinds\' schemas bite: DNAT ports are strings, a ProviderNetwork name has at most 12 characters, a Vlan needs its provider, an EIP has no status-only field in spec', async () => {
  const { topology } = await loadTopologyFile(NAT_FIXTURE);
  const objects = harvesterObjects(topology!);
  const one = (kind: string) => structuredClone(objects.find((o) => o.kind === kind)!) as KubeObject & { spec: Record<string, unknown> };
  const dnat = one('IptablesDnatRule');
  dnat.spec.externalPort = 8888;
  const pn = one('ProviderNetwork');
  pn.metadata.name = 'a-much-too-long-name';
  const vlan = one('Vlan');
  delete vlan.spec.provider;
  const eip = one('IptablesEIP');
  eip.spec.ip = eip.spec.v4ip;
  const gw = one('VpcNatGateway');
  gw.spec.externalSubnets = 'ovn-vpc-external-network';
  for (const upstream of UPSTREAMS) {
    expect(validateUpstream(dnat, upstream)).toEqual([{ field: 'spec.externalPort', message: 'Invalid value: must be string' }]);
    expect(validateUpstream(pn, upstream)).toEqual([{ field: 'metadata.name', message: 'Invalid value: must NOT have more than 12 characters' }]);
    expect(validateUpstream(vlan, upstream)).toEqual([{ field: 'spec.provider', message: 'Required value' }]);
    expect(validateUpstream(eip, upstream)).toEqual([{ field: 'spec.ip', message: 'unknown field' }]);
    expect(validateUpstream(gw, upstream)).toEqual([{ field: 'spec.externalSubnets', message: 'Invalid value: must be array' }]);
  }
});

test('KubeVirt rejects cloudInitNoCloud.userDataSecretRef: its JSON name is secretRef', async () => {
  const { topology } = await loadTopologyFile(`${SEEDS}${seedFiles[0]}`);
  const vm = harvesterObjects(topology!).find((o) => o.kind === 'VirtualMachine')!;
  const wrong = structuredClone(vm) as KubeObject & { spec: { template: { spec: { volumes: { cloudInitNoCloud?: Record<string, unknown> }[] } } } };
  const volumes = wrong.spec.template.spec.volumes;
  const i = volumes.findIndex((v) => v.cloudInitNoCloud);
  const { secretRef, ...rest } = volumes[i]!.cloudInitNoCloud!;
  volumes[i]!.cloudInitNoCloud = { ...rest, userDataSecretRef: secretRef };
  for (const kubevirt of KUBEVIRT_VERSIONS) {
    expect(validateUpstream(vm, { kubevirt, kubeOvn: 'v1.13.13' })).toEqual([]);
    expect(validateUpstream(wrong, { kubevirt, kubeOvn: 'v1.13.13' })).toEqual([{ field: `spec.template.spec.volumes[${i}].cloudInitNoCloud.userDataSecretRef`, message: 'unknown field' }]);
  }
});

test('the validator reports type errors and unknown fields of every source, and tells versions apart', () => {
  const v13: Upstream = { kubevirt: 'v1.5.0', kubeOvn: 'v1.13.13' };
  const vpc: KubeObject = { apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name: 'v', labelz: {} }, spec: { vpcPeerings: [{ remoteVPC: 'x', localConnectIP: 7 }] } };
  expect(validateUpstream(vpc, v13)).toEqual([
    { field: 'spec.vpcPeerings[0].remoteVPC', message: 'unknown field' },
    { field: 'spec.vpcPeerings[0].localConnectIP', message: 'Invalid value: must be string' },
    { field: 'metadata.labelz', message: 'unknown field' },
  ]);
  // Vpc spec.bfdPort came with Kube-OVN v1.14: a v1.13 cluster does not know it.
  const bfd: KubeObject = { apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name: 'v' }, spec: { bfdPort: { enabled: false } } };
  expect(validateUpstream(bfd, v13)).toEqual([{ field: 'spec.bfdPort', message: 'unknown field' }]);
  expect(validateUpstream(bfd, { ...v13, kubeOvn: 'v1.14.10' })).toEqual([]);
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', command: 'sleep', securityContext: { capabilities: { add: ['NET_ADMIN'], extra: true } } }] } };
  expect(validateUpstream(pod, v13)).toEqual([
    { field: 'spec.containers[0].command', message: 'Invalid value: must be array' },
    { field: 'spec.containers[0].securityContext.capabilities.extra', message: 'unknown field' },
  ]);
  const nad: KubeObject = { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'n' }, spec: { config: {} } };
  expect(validateUpstream(nad, v13)).toEqual([{ field: 'spec.config', message: 'Invalid value: must be string' }]);
  const vm: KubeObject = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'x' }, spec: { template: { spec: { domain: { devices: { interfaces: [{ name: 'n', bridge: {}, bridgeMode: true }] } } } } } };
  expect(validateUpstream(vm, v13)).toEqual([{ field: 'spec.template.spec.domain.devices.interfaces[0].bridgeMode', message: 'unknown field' }]);
});

test('DHCP and managedtap render where KubeVirt and Kube-OVN read them, and the schemas refuse them anywhere else', async () => {
  const { topology } = await loadTopologyFile(DHCP_FIXTURE);
  const objects = harvesterObjects(topology!);
  const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.annotations?.[NAME_ANNOTATION] === name) as KubeObject & { spec: Record<string, any> };
  expect(named('Subnet', 's1').spec).toMatchObject({ enableDHCP: true, dhcpV4Options: 'lease_time=600,dns_server=10.61.1.53', mtu: 1400 });
  expect(named('Subnet', 's2').spec).toMatchObject({ enableDHCP: false });
  expect(named('Subnet', 's2').spec).not.toHaveProperty('mtu');
  const nic = (vm: string) => named('VirtualMachine', vm).spec.template.spec.domain.devices.interfaces[0];
  expect(nic('tap1')).toEqual({ name: 'nic-1', model: 'virtio', binding: { name: 'managedtap' } });
  expect(nic('br1')).toEqual({ name: 'nic-1', model: 'virtio', bridge: {} });
  // The managedtap guest asks DHCP for its address; the bridge guest keeps the pinned one.
  const networkData = (vm: string) => named('VirtualMachine', vm).spec.template.spec.volumes[1].cloudInitNoCloud.networkData as string;
  expect(networkData('tap1')).toContain('dhcp4: true');
  expect(networkData('br1')).toMatch(/addresses:\n\s+- 10\.61\.1\.\d+\/24/);
  // A phase turning br1 to managedtap renders it so.
  const phased = harvesterObjects(topology!.phases[0]!.topology);
  expect((phased.find((o) => o.metadata.annotations?.[NAME_ANNOTATION] === 'br1' && o.kind === 'VirtualMachine')!.spec as Record<string, any>).template.spec.domain.devices.interfaces[0].binding).toEqual({ name: 'managedtap' });

  // The checks bite: the binding beside the interfaces, a binding without its name, an MTU out of Kube-OVN's range.
  const vm = structuredClone(named('VirtualMachine', 'tap1'));
  vm.spec.template.spec.domain.devices.binding = { name: 'managedtap' };
  const unnamed = structuredClone(named('VirtualMachine', 'tap1'));
  unnamed.spec.template.spec.domain.devices.interfaces[0].binding = {};
  const subnet = structuredClone(named('Subnet', 's1'));
  subnet.spec.mtu = 9;
  for (const upstream of UPSTREAMS) {
    expect(validateUpstream(vm, upstream)).toEqual([{ field: 'spec.template.spec.domain.devices.binding', message: 'unknown field' }]);
    expect(validateUpstream(unnamed, upstream).map((p) => p.field)).toEqual(['spec.template.spec.domain.devices.interfaces[0].binding.name']);
    expect(validateUpstream(subnet, upstream).map((p) => p.field)).toEqual(['spec.mtu']);
  }
});
