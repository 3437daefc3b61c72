// Nodes on a Harvester cluster: a VM's node is a nodeSelector on kubernetes.io/hostname, its own
// MTU goes into cloud-init's network-config, a file without nodes pins nothing, and cutting a
// tunnel is refused on every cluster target.
import { expect, test } from '@playwright/test';
import { parse } from 'yaml';
import type { KubeObject } from '../../lib/k8s/resources.ts';
import { clusterLimits } from '../../lib/targets/k8s-common/limits.ts';
import { DEFAULT_IMAGE, render } from '../../lib/targets/harvester/render.ts';
import { DEFAULT_POD_IMAGE, renderPods } from '../../lib/targets/kubeovn/render.ts';
import { formatDiagnostic } from '../../lib/topology/diagnostics.ts';
import { loadTopology } from '../../lib/topology/load.ts';
import type { Topology } from '../../lib/topology/types.ts';
import { KUBEVIRT_VERSIONS, validateUpstream } from '../support/upstream/validate.ts';

const load = (text: string): Topology => {
  const { topology, diagnostics } = loadTopology(Buffer.from(text), 'mem.yaml');
  expect(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  return topology!;
};
const BODY = `networks: [ { name: n1 }, { name: n2 } ]
vpcs: [ { name: v1 } ]
subnets:
  - { name: s1, vpc: v1, cidrBlock: 10.20.1.0/24, provider: n1 }
  - { name: s2, vpc: v1, cidrBlock: 10.20.2.0/24, provider: n2, enableDHCP: true }
vms:
  - { name: a, network: n1, mtu: 1500 }
  - { name: b, network: n1 }
  - { name: c, network: n2, binding: managedtap, mtu: 1500, node: node-1 }
`;
const HEAD = 'apiVersion: vpcheck/v1\nkind: Topology\nname: t\n';
const vmsOf = (t: Topology) => render(t, { runId: 'r1', namespace: 'vpcheck', image: DEFAULT_IMAGE }).objects.filter((o) => o.kind === 'VirtualMachine');
const vmSpec = (vm: KubeObject) => (vm.spec as { template: { spec: Record<string, unknown> & { volumes: { cloudInitNoCloud?: { networkData: string } }[] } } }).template.spec;
const networkData = (vm: KubeObject) => parse(vmSpec(vm).volumes.find((v) => v.cloudInitNoCloud)!.cloudInitNoCloud!.networkData) as { ethernets: { enp1s0: Record<string, unknown> } };

test('declared nodes pin each VM with a nodeSelector on kubernetes.io/hostname; the guest MTU goes into network-config', () => {
  const vms = vmsOf(load(`${HEAD}nodes: [ { name: harvester-1 }, { name: harvester-2 } ]\n${BODY.replace('node: node-1', 'node: harvester-1')}`));
  expect(vms.map((vm) => vmSpec(vm).nodeSelector)).toEqual([
    { 'kubernetes.io/hostname': 'harvester-1' }, { 'kubernetes.io/hostname': 'harvester-2' }, { 'kubernetes.io/hostname': 'harvester-1' },
  ]);
  const [a, b, c] = vms.map(networkData);
  expect(a!.ethernets.enp1s0).toEqual({ addresses: ['10.20.1.2/24'], mtu: 1500 });
  expect(b!.ethernets.enp1s0).toEqual({ addresses: ['10.20.1.3/24'] });
  expect(c!.ethernets.enp1s0).toEqual({ dhcp4: true, mtu: 1500, 'dhcp4-overrides': { 'use-mtu': false } });
  for (const kubevirt of KUBEVIRT_VERSIONS) {
    for (const vm of vms) expect(validateUpstream(vm, { kubevirt, kubeOvn: 'v1.14.10' })).toEqual([]);
  }
});

test('on the kubeovn target a Pod takes the same nodeSelector and sets its own MTU as a guest would', () => {
  const t = load(`${HEAD}nodes: [ { name: k-1 }, { name: k-2 } ]\n${BODY.replace(', binding: managedtap, mtu: 1500, node: node-1', '')}`);
  const pods = renderPods(t, { runId: 'r1', image: DEFAULT_POD_IMAGE }).objects.filter((o) => o.kind === 'Pod');
  const spec = (o: KubeObject) => o.spec as { nodeSelector?: Record<string, string>; containers: { command: string[] }[] };
  expect(pods.map((p) => spec(p).nodeSelector)).toEqual([{ 'kubernetes.io/hostname': 'k-1' }, { 'kubernetes.io/hostname': 'k-2' }, { 'kubernetes.io/hostname': 'k-1' }]);
  expect(pods.map((p) => spec(p).containers[0]!.command[2])).toEqual(['ip link set enp1s0 mtu 1500 || exit 1; exec sleep infinity', 'exec sleep infinity', 'exec sleep infinity']);
});

test('without nodes: the scheduler places every VM', () => {
  const vms = vmsOf(load(HEAD + BODY.replace(', node: node-1', '')));
  expect(vms.map((vm) => vmSpec(vm).nodeSelector)).toEqual([undefined, undefined, undefined]);
});

test('a phase that cuts a tunnel is refused on a cluster, at its line', () => {
  const t = load(`${HEAD}nodes: [ { name: node-1 }, { name: node-2 } ]\n${BODY}phases:\n  - name: fault\n    cutTunnels: [ [ node-2, node-1 ] ]\n  - name: heal\n    restoreTunnels: [ [ node-1, node-2 ] ]\n`);
  expect(clusterLimits(t, 'error').map(formatDiagnostic)).toEqual([
    'mem.yaml:16:17: error: phases[0].cutTunnels: phase "fault" cuts the tunnel between node-1 and node-2: cutting a tunnel between nodes is a lab fault; a cluster\'s tunnels are not vpcheck\'s to cut (run it on the lab, or leave the phase out)',
  ]);
});
