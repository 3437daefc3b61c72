// Kube-OVN's naming facts: where a VM-like object (a KubeVirt VirtualMachine or VirtualMachineInstance, or a Pod standing in
// for a VM) attaches to Kube-OVN, its overlay network (multus NAD) and the provider-keyed
// annotations Kube-OVN reads. Pure; the cluster targets and `vpcheck import` both read objects so.
import type { KubeObject } from './resources.ts';

/** Multus' pod annotation (k8snetworkplumbingwg/multi-net-spec: "ns/name@if" list or JSON). */
export const NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';

/** Kube-OVN's provider of its primary network, which has no NAD (kubeovn/kube-ovn:pkg/util/const.go OvnProvider). */
export const PRIMARY_PROVIDER = 'ovn';

export interface Attachment {
  /** NADs as "namespace/name", in the object's order. */
  readonly networks: readonly string[];
  /** Annotations of the pod Kube-OVN programs (a VM's template annotations reach its launcher pod). */
  readonly podAnnotations: Readonly<Record<string, string>>;
  /** The object's own annotations (vpcheck's name, listen and default-route notes). */
  readonly own: Readonly<Record<string, string>>;
  /**
   * KubeVirt only: the VMI spec (a VM's template spec, or a VMI's own spec), and the name of the
   * KubeVirt network on networks[0] (without multus NICs: the pod network's), which names its
   * interface in domain.devices.interfaces and in the VMI's status.interfaces.
   */
  readonly kubevirt?: { readonly spec: VmiSpec; readonly nic?: string };
}

export interface VmiSpec {
  domain?: { devices?: { interfaces?: { name: string; binding?: { name?: string }; bridge?: unknown; masquerade?: unknown }[] } };
  networks?: { name: string; multus?: { networkName?: string }; pod?: unknown }[];
  volumes?: Record<string, unknown>[];
}

interface VmTemplate {
  metadata?: { annotations?: Record<string, string> };
  spec?: VmiSpec;
}

/** "name" means the object's own namespace (KubeVirt and multus both resolve it so). */
const qualify = (ref: string, namespace: string) => (ref.includes('/') ? ref : `${namespace}/${ref}`);

/** Multus' annotation: "ns/a, b@net1" or a JSON list of {name, namespace}. */
export function parseNetworksAnnotation(value: string, namespace: string): string[] {
  const text = value.trim();
  if (text.startsWith('[')) {
    return (JSON.parse(text) as { name: string; namespace?: string }[]).map((n) => `${n.namespace ?? namespace}/${n.name}`);
  }
  return text.split(',').map((s) => s.trim().replace(/@.*$/, '')).filter(Boolean).map((s) => qualify(s, namespace));
}

export function attachmentOf(o: KubeObject): Attachment | undefined {
  const namespace = o.metadata.namespace ?? 'default';
  const own = o.metadata.annotations ?? {};
  // A VMI carries its VM template's annotations, which KubeVirt copies to the virt-launcher pod
  // (kubevirt/kubevirt:pkg/virt-controller/services/template.go filterVMIAnnotationsForPod).
  if (o.kind === 'VirtualMachine' || o.kind === 'VirtualMachineInstance') {
    const template: VmTemplate = o.kind === 'VirtualMachine' ? ((o.spec ?? {}) as { template?: VmTemplate }).template ?? {} : { metadata: o.metadata, spec: (o.spec ?? {}) as VmiSpec };
    const spec = template.spec ?? {};
    const multus = (spec.networks ?? []).filter((n) => n.multus?.networkName);
    const networks = multus.map((n) => qualify(n.multus!.networkName!, namespace));
    const nic = (multus[0] ?? (spec.networks ?? []).find((n) => n.pod !== undefined))?.name;
    return { networks, podAnnotations: template.metadata?.annotations ?? {}, own, kubevirt: { spec, ...(nic !== undefined && { nic }) } };
  }
  if (o.kind === 'Pod') {
    const value = own[NETWORKS_ANNOTATION];
    return { networks: value ? parseNetworksAnnotation(value, namespace) : [], podAnnotations: own, own };
  }
  return undefined;
}

/** Kube-OVN's per-provider annotation (kubeovn/kube-ovn:pkg/util/const.go "%s.kubernetes.io/ip_address"). */
export function providerAnnotation(annotations: Readonly<Record<string, string>>, provider: string, suffix: string): string | undefined {
  return annotations[`${provider}.kubernetes.io/${suffix}`];
}

const IP_ADDRESS = '.kubernetes.io/ip_address';

/** The address a `<provider>.kubernetes.io/ip_address` annotation pins, and that provider (the first such annotation). */
export function pinnedAddress(annotations: Readonly<Record<string, string>>): { provider: string; ip: string } | undefined {
  const key = Object.keys(annotations).find((k) => k.endsWith(IP_ADDRESS));
  return key === undefined ? undefined : { provider: key.slice(0, -IP_ADDRESS.length), ip: annotations[key]! };
}
