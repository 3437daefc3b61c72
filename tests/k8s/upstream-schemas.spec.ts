// Every object vpcheck would send to a cluster, for every seed topology and phase and all three
// render modes (Harvester; kubeovn with attachment networks; kubeovn on the primary network),
// checked under fieldValidation=Strict semantics against the upstream schemas vendored in
// tests/support/upstream: KubeVirt v1.5.0 and v1.7.0, Kube-OVN v1.13.13 and v1.14.10.
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

for (const file of seedFiles) {
  test(`${file}: every rendered object of every phase and mode passes KubeVirt ${KUBEVIRT_VERSIONS.join('/')} and Kube-OVN ${KUBE_OVN_VERSIONS.join('/')} under Strict`, async () => {
    const { topology } = await loadTopologyFile(SEEDS + file);
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
  expect([...kinds].sort()).toEqual(['Namespace', 'NetworkAttachmentDefinition', 'Pod', 'Secret', 'SecurityGroup', 'Subnet', 'VirtualMachine', 'Vpc']);
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
