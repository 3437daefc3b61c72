// The status the real controllers write once an object is programmed: Kube-OVN's Vpc
// (pkg/controller/vpc.go handleAddOrUpdateVpc: standby true), Subnet (pkg/controller/subnet_status.go:
// condition Ready True) and SecurityGroup (status.portGroup "ovn.sg.<name with . for ->">,
// pkg/ovs/util.go GetSgPortGroupName), and KubeVirt's VMI (phase Running, condition Ready,
// status.interfaces[].ipAddress).
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import type { Guest } from './cluster-view.ts';
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
        // Kube-OVN's SubnetCondition has no observedGeneration (pkg/apis/kubeovn/v1/condition.go).
        lastUpdateTime: now(), lastTransitionTime: previous?.status === status ? previous.lastTransitionTime : now(),
      }],
    };
  }
  return undefined;
}

/** The VMI KubeVirt starts for a VM: its template, Running, its NIC with Kube-OVN's address. */
export function vmiOf(vm: KubeObject, guest: Guest): KubeObject {
  const template = (vm.spec as { template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: { domain: { devices: { interfaces: { name: string }[] } } } } }).template;
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: {
      name: vm.metadata.name,
      namespace: vm.metadata.namespace!,
      labels: { ...template.metadata?.labels },
      annotations: { ...template.metadata?.annotations },
      ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: vm.metadata.name, uid: vm.metadata.uid, controller: true }],
    },
    spec: template.spec,
    status: {
      phase: 'Running',
      nodeName: FAKE_NODE,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }],
      interfaces: [{ name: template.spec.domain.devices.interfaces[0]!.name, interfaceName: guest.nic, ipAddress: guest.ip, ipAddresses: [guest.ip] }],
    },
  };
}

/**
 * A VM whose VMI KubeVirt would not start, or whose guest the fake will not boot: condition
 * Failure with the reason (kubevirt/kubevirt: staging/src/kubevirt.io/api/core/v1/types.go
 * VirtualMachineFailure), no VMI.
 */
export function vmFailure(reason: string): Record<string, unknown> {
  return { created: false, ready: false, printableStatus: 'Stopped', conditions: [{ type: 'Failure', status: 'True', reason: 'FailedCreate', message: reason }] };
}

/** A Pod whose sandbox the CNI keeps failing: Pending, its container ContainerCreating, the CNI's error. */
export function pendingPodStatus(reason: string): Record<string, unknown> {
  return {
    phase: 'Pending',
    conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: reason }],
    containerStatuses: [{ name: 'vm', image: '', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
  };
}

/** A Pod the kubelet runs: phase Running, Ready, its address (the lab VM's). */
export function podStatus(ip: string): Record<string, unknown> {
  return { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }], podIP: ip, podIPs: [{ ip }] };
}
