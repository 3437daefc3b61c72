// A Pod standing in for one topology VM on any Kubernetes with Kube-OVN. Attached to its subnet
// as Kube-OVN's own non-primary e2e does (kubeovn/kube-ovn:test/e2e/non-primary-cni/testconfigs/
// VPC/00-vpc-simple.yaml): multus `k8s.v1.cni.cncf.io/networks: ns/nad` plus the provider-keyed
// `<provider>.kubernetes.io/logical_switch`, `ip_address` and `security_groups` annotations
// (kubeovn/kube-ovn:pkg/util/const.go LogicalSwitchAnnotationTemplate, IPAddressAnnotationTemplate,
// SecurityGroupAnnotationTemplate); or, when Kube-OVN is the primary CNI and so configured, the
// primary network's `ovn.kubernetes.io/...` annotations on eth0.
import { NETWORKS_ANNOTATION } from '../../k8s/kube-ovn.ts';
import { vmNotes } from '../../k8s/labels.ts';
import type { KubeObject } from '../../k8s/resources.ts';
import type { Vm } from '../../topology/types.ts';
import type { VmAttachment } from '../k8s-common/render-network.ts';

/** The NIC the docs' commands name (`dev enp1s0`): multus gives the attachment this name ("ns/nad@enp1s0"). */
export const ATTACHMENT_NIC = 'enp1s0';
/** The pod's own interface when Kube-OVN is the primary CNI. */
export const PRIMARY_NIC = 'eth0';

export interface PodInput {
  readonly vm: Vm;
  readonly attachment: VmAttachment;
  /** The Kube-OVN logical switch (Subnet name) of the VM. */
  readonly subnet: string;
  readonly image: string;
  /** Attach through Kube-OVN as the primary CNI instead of a multus attachment network. */
  readonly primary: boolean;
  /** The node the pod must run on; absent when the topology names no nodes. */
  readonly node?: string;
}

export function renderPod(input: PodInput): KubeObject {
  const { vm, attachment: a } = input;
  const key = (suffix: string) => `${a.provider}.kubernetes.io/${suffix}`;
  // Ports the topology serves: one socat per port (netshoot-like images ship it), an echo service
  // as bulk probes need (a connect alone is all tcp probes ask), then the pod idles.
  const listeners = vm.listen.map((l) => `socat TCP-LISTEN:${l.port},fork,reuseaddr EXEC:cat &`).join(' ');
  // kube-ovn-cni gives the interface the subnet's MTU; a VM with its own sets it first, as its guest would (NET_ADMIN); a pod that cannot exits, visibly.
  const mtu = vm.mtu === undefined ? '' : `ip link set ${input.primary ? PRIMARY_NIC : ATTACHMENT_NIC} mtu ${vm.mtu} || exit 1;`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...a.metadata,
      annotations: {
        ...a.metadata.annotations,
        ...vmNotes(vm),
        ...(!input.primary && { [NETWORKS_ANNOTATION]: `${a.networkName}@${ATTACHMENT_NIC}` }),
        [key('logical_switch')]: input.subnet,
        [key('ip_address')]: a.addressed.ip,
        ...(a.securityGroups.length && { [key('security_groups')]: a.securityGroups.join(',') }),
      },
    },
    spec: {
      terminationGracePeriodSeconds: 0,
      ...(input.node !== undefined && { nodeSelector: { 'kubernetes.io/hostname': input.node } }),
      containers: [{
        name: 'vm',
        image: input.image,
        command: ['sh', '-c', [mtu, listeners, 'exec sleep infinity'].filter(Boolean).join(' ')],
        // Routes are the VM's own to change (the docs' default-route step), and ping needs raw sockets.
        securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
      }],
    },
  };
}
