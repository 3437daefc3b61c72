// The status the real controllers write once an object is programmed: Kube-OVN's Vpc
// (pkg/controller/vpc.go handleAddOrUpdateVpc: standby true), Subnet (pkg/controller/subnet_status.go:
// condition Ready True) and SecurityGroup (status.portGroup "ovn.sg.<name with . for ->">,
// pkg/ovs/util.go GetSgPortGroupName), and KubeVirt's VMI (phase Running, condition Ready,
// status.interfaces[].ipAddress).
import { NAME_ANNOTATION } from '../../../lib/k8s/labels.ts';
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import { GUEST_NIC } from '../../../lib/targets/harvester/cloud-init.ts';
import { FAKE_NODE } from './ovn-central.ts';

const now = () => new Date().toISOString();

export function statusOf(o: KubeObject, pendingReason: string | undefined): Record<string, unknown> | undefined {
  const old = (o.status ?? {}) as Record<string, unknown>;
  if (o.kind === 'Vpc') return { ...old, standby: true, router: o.metadata.name };
  if (o.kind === 'SecurityGroup') return { ...old, portGroup: `ovn.sg.${o.metadata.name.replace(/-/g, '.')}`, allowSameGroupTraffic: (o.spec as { allowSameGroupTraffic?: boolean }).allowSameGroupTraffic ?? false };
  if (o.kind === 'Subnet') {
    const ready = pendingReason === undefined;
    const previous = (old.conditions as { type: string; status: string; lastTransitionTime?: string }[] | undefined)?.find((c) => c.type === 'Ready');
    const status = ready ? 'True' : 'False';
    return {
      ...old,
      conditions: [{
        type: 'Ready', status, reason: ready ? 'ResetLogicalSwitchAclSuccess' : 'ValidateLogicalSwitchFailed', message: pendingReason ?? '',
        lastUpdateTime: now(), lastTransitionTime: previous?.status === status ? previous.lastTransitionTime : now(),
      }],
    };
  }
  return undefined;
}

export function vmiOf(vm: KubeObject, topologyName: string, ip: string): KubeObject {
  const template = (vm.spec as { template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: unknown } }).template;
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: {
      name: vm.metadata.name,
      namespace: vm.metadata.namespace!,
      labels: { ...template.metadata?.labels },
      annotations: { ...template.metadata?.annotations, [NAME_ANNOTATION]: topologyName },
      ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: vm.metadata.name, uid: vm.metadata.uid, controller: true }],
    },
    spec: template.spec,
    status: {
      phase: 'Running',
      nodeName: FAKE_NODE,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }],
      interfaces: [{ name: 'nic-1', interfaceName: GUEST_NIC, ipAddress: ip, ipAddresses: [ip] }],
    },
  };
}

/** A Pod the kubelet runs: phase Running, Ready, its address (the lab VM's). */
export function podStatus(ip: string): Record<string, unknown> {
  return { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }], podIP: ip, podIPs: [{ ip }] };
}
