// Pure rendering of a topology for any Kubernetes with Kube-OVN: the run's Namespace, the network
// objects shared with Harvester (k8s-common/render-network.ts), each custom Vpc bound to that
// namespace (Vpc spec.namespaces, kubeovn/docs:docs/vpc/vpc.en.md), and a Pod per VM.
import { runLabels } from '../../k8s/labels.ts';
import type { KubeObject } from '../../k8s/resources.ts';
import type { TopologySpec } from '../../topology/types.ts';
import { prefixed } from '../k8s-common/names.ts';
import { renderNetwork, type OvnClusterPatch } from '../k8s-common/render-network.ts';
import { POD_SECURITY_LABELS } from './pod-security.ts';
import { renderPod } from './render-pod.ts';

/**
 * A small image with a shell, iproute2, ping and socat (github.com/nicolaka/netshoot); any image
 * with those works (--image).
 */
export const DEFAULT_POD_IMAGE = 'nicolaka/netshoot:v0.13';

export interface PodRenderOptions {
  readonly runId: string;
  /** The namespace of the pods; default: one created for the run, "<run>-pods". */
  readonly namespace?: string;
  readonly image: string;
  /** Kube-OVN is the primary CNI: attach pods with ovn.kubernetes.io/* annotations. */
  readonly primary?: boolean;
}

export interface RenderedPods {
  /** In apply order: Namespace (when the run owns it), NADs, Vpcs, Subnets, SecurityGroups, Pods. */
  readonly objects: readonly KubeObject[];
  readonly ovnCluster?: OvnClusterPatch;
  readonly namespace: string;
}

export const POD_APPLY_ORDER = ['Namespace', 'NetworkAttachmentDefinition', 'Vpc', 'Subnet', 'SecurityGroup', 'Pod'] as const;

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
    return attachment ? [renderPod({ vm, attachment, subnet: prefixed(options.runId, attachment.addressed.subnet.name), image: options.image, primary })] : [];
  });
  return { objects: [...own, ...network.objects, ...pods], ...(network.ovnCluster && { ovnCluster: network.ovnCluster }), namespace };
}
