// The kinds vpcheck reads and writes, with their REST coordinates, and the shape of an object.
import crds from './crds/kube-ovn-v1.json' with { type: 'json' };

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    generation?: number;
    uid?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface ResourceType {
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly statusSubresource: boolean;
}

const kubeOvn = (kind: keyof typeof crds): ResourceType => ({
  kind,
  group: crds[kind].group,
  version: crds[kind].version,
  plural: crds[kind].plural,
  namespaced: crds[kind].scope === 'Namespaced',
  statusSubresource: crds[kind].statusSubresource,
});

export const RESOURCES: readonly ResourceType[] = [
  { kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces', namespaced: false, statusSubresource: true },
  { kind: 'Secret', group: '', version: 'v1', plural: 'secrets', namespaced: true, statusSubresource: false },
  { kind: 'Pod', group: '', version: 'v1', plural: 'pods', namespaced: true, statusSubresource: true },
  { kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps', namespaced: true, statusSubresource: false },
  // k8snetworkplumbingwg/network-attachment-definition-client:artifacts/networks-crd.yaml
  { kind: 'NetworkAttachmentDefinition', group: 'k8s.cni.cncf.io', version: 'v1', plural: 'network-attachment-definitions', namespaced: true, statusSubresource: false },
  kubeOvn('Vpc'),
  kubeOvn('Subnet'),
  kubeOvn('SecurityGroup'),
  kubeOvn('ProviderNetwork'),
  kubeOvn('Vlan'),
  kubeOvn('VpcNatGateway'),
  kubeOvn('IptablesEIP'),
  kubeOvn('IptablesFIPRule'),
  kubeOvn('IptablesSnatRule'),
  kubeOvn('IptablesDnatRule'),
  // kubevirt/kubevirt:pkg/virt-operator/resource/generate/components/crds.go (status subresource on both)
  { kind: 'VirtualMachine', group: 'kubevirt.io', version: 'v1', plural: 'virtualmachines', namespaced: true, statusSubresource: true },
  { kind: 'VirtualMachineInstance', group: 'kubevirt.io', version: 'v1', plural: 'virtualmachineinstances', namespaced: true, statusSubresource: true },
  // Read for versions only: KubeVirt's install (status.observedKubeVirtVersion) and Harvester's
  // settings (harvester/harvester:pkg/apis/harvesterhci.io/v1beta1 Setting: cluster-scoped, value
  // and default at the top level).
  { kind: 'KubeVirt', group: 'kubevirt.io', version: 'v1', plural: 'kubevirts', namespaced: true, statusSubresource: true },
  { kind: 'Setting', group: 'harvesterhci.io', version: 'v1beta1', plural: 'settings', namespaced: false, statusSubresource: false },
];

export function resourceOf(kind: string): ResourceType {
  const r = RESOURCES.find((x) => x.kind === kind);
  if (!r) throw new Error(`vpcheck does not handle kind ${kind}`);
  return r;
}

export function apiVersionOf(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** The collection path: /api/v1/namespaces/NS/secrets, /apis/kubeovn.io/v1/vpcs. */
export function collectionPath(r: ResourceType, namespace?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced && namespace !== undefined ? `${base}/namespaces/${namespace}/${r.plural}` : `${base}/${r.plural}`;
}

export function objectPath(r: ResourceType, name: string, namespace?: string): string {
  return `${collectionPath(r, namespace)}/${encodeURIComponent(name)}`;
}

export function describe(o: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}
