// Pure rendering of a topology for any Kubernetes with Kube-OVN: the run's Namespace, the network
// objects shared with Harvester (k8s-common/render-network.ts), each custom Vpc bound to that
// namespace (Vpc spec.namespaces, kubeovn/docs:docs/vpc/vpc.en.md), and a Pod per VM.
import { runLabels } from '../../k8s/labels.ts';
import type { KubeObject } from '../../k8s/resources.ts';
import type { TopologySpec } from '../../topology/types.ts';
import { prefixed } from '../k8s-common/names.ts';
import { inApplyOrder, renderNat, type NatSiteOptions } from '../k8s-common/render-nat.ts';
import { renderNetwork, type OvnClusterPatch } from '../k8s-common/render-network.ts';
import { POD_SECURITY_LABELS } from './pod-security.ts';
import { renderPod } from './render-pod.ts';
import { pinnedNode } from '../../topology/nodes.ts';

export { DEFAULT_POD_IMAGE } from '../images.ts';

export interface PodRenderOptions extends Pick<NatSiteOptions, 'externalNic' | 'natGatewayImage'> {
  readonly runId: string;
  /** The namespace of the pods; default: one created for the run, "<run>-pods". */
  readonly namespace?: string;
  readonly image: string;
  /** Kube-OVN is the primary CNI: attach pods with ovn.kubernetes.io/* annotations. */
  readonly primary?: boolean;
}

export interface RenderedPods {
  /** In apply order (POD_APPLY_ORDER): the Namespace only when the run owns it. */
  readonly objects: readonly KubeObject[];
  readonly ovnCluster?: OvnClusterPatch;
  readonly namespace: string;
  /** What the user must know of the objects: site options defaulted, what the cluster must have. */
  readonly notes: readonly string[];
}

/** The ConfigMaps first: Kube-OVN's controller does nothing for a NAT gateway without them (render-nat.ts). */
export const POD_APPLY_ORDER = ['Namespace', 'ConfigMap', 'NetworkAttachmentDefinition', 'Vpc', 'Subnet', 'SecurityGroup', 'VpcNatGateway', 'IptablesEIP', 'IptablesFIPRule', 'IptablesSnatRule', 'IptablesDnatRule', 'Pod'] as const;

export function podNamespace(options: Pick<PodRenderOptions, 'runId' | 'namespace'>): string {
  return options.namespace ?? prefixed(options.runId, 'pods');
}

export function renderPods(spec: TopologySpec, options: PodRenderOptions): RenderedPods {
  const namespace = podNamespace(options);
  const own: KubeObject[] = options.namespace === undefined ? [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { ...runLabels(options.runId, spec.name), ...POD_SECURITY_LABELS } } }] : [];
  const primary = options.primary ?? false;
  const network = renderNetwork(spec, { runId: options.runId, namespace, vpcNamespaces: [namespace], primary });
  const pods = spec.vms.flatMap((vm) => {
    const attachment = network.vms.get(vm.name);
    return attachment ? [renderPod({ vm, attachment, subnet: prefixed(options.runId, attachment.addressed.subnet.name), image: options.image, primary, ...pinnedNode(spec, vm) })] : [];
  });
  // Kube-OVN's own docs: the macvlan external network and the controller's two ConfigMaps, which a
  // plain Kube-OVN install does not create. With Kube-OVN as the primary CNI the gateway's LAN leg
  // is its pod's own (the controller writes the subnet's logical_switch and lanIp annotations).
  const nat = renderNat(spec, {
    runId: options.runId,
    form: 'macvlan',
    configMaps: true,
    ...(options.externalNic !== undefined && { externalNic: options.externalNic }),
    ...(options.natGatewayImage !== undefined && { natGatewayImage: options.natGatewayImage }),
  });
  return { objects: inApplyOrder([...own, ...network.objects, ...nat.objects, ...pods], POD_APPLY_ORDER), ...(network.ovnCluster && { ovnCluster: network.ovnCluster }), namespace, notes: nat.notes };
}
