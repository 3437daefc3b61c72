// Pure rendering of a topology into the objects a Harvester cluster needs: the network objects
// (k8s-common/render-network.ts) and a kubevirt.io VirtualMachine per VM. No I/O: the same
// input gives the same manifests.
import type { KubeObject } from '../../k8s/resources.ts';
import type { TopologySpec } from '../../topology/types.ts';
import { nadOf } from '../k8s-common/names.ts';
import { inApplyOrder, renderNat, type NatSiteOptions } from '../k8s-common/render-nat.ts';
import { renderNetwork, type OvnClusterPatch } from '../k8s-common/render-network.ts';
import { renderVm } from './render-vm.ts';
import { pinnedNode } from '../../topology/nodes.ts';

export type { OvnClusterPatch } from '../k8s-common/render-network.ts';

export { DEFAULT_IMAGE } from '../images.ts';

export interface RenderOptions extends Pick<NatSiteOptions, 'externalNic' | 'externalVlan'> {
  readonly runId: string;
  /** Where the VMs and their cloud-init Secrets go. */
  readonly namespace: string;
  /** A KubeVirt containerDisk image of a cloud image with cloud-init (e.g. quay.io/containerdisks/ubuntu:22.04). */
  readonly image: string;
}

export interface Rendered {
  /** In apply order (APPLY_ORDER). */
  readonly objects: readonly KubeObject[];
  readonly ovnCluster?: OvnClusterPatch;
  /** What the user must know of the objects: site options defaulted, what the cluster must have. */
  readonly notes: readonly string[];
}

/**
 * The order objects are applied in (a Subnet needs its NAD, Vpc and Vlan, a Vlan its
 * ProviderNetwork; a NAT gateway its subnets, an EIP its gateway, a rule its EIP; a VM its Subnet
 * and SGs), and deleted in reverse (k8s-common/teardown.ts).
 */
export const APPLY_ORDER = ['NetworkAttachmentDefinition', 'Secret', 'Vpc', 'ProviderNetwork', 'Vlan', 'Subnet', 'SecurityGroup', 'VpcNatGateway', 'IptablesEIP', 'IptablesFIPRule', 'IptablesSnatRule', 'IptablesDnatRule', 'VirtualMachine'] as const;

export function render(spec: TopologySpec, options: RenderOptions): Rendered {
  const network = renderNetwork(spec, options);
  const vms = spec.vms.flatMap((vm) => {
    const a = network.vms.get(vm.name);
    if (!a) return [];
    return [renderVm({
      vm,
      ip: a.addressed.ip,
      prefixLength: Number(a.addressed.subnet.cidrBlock.split('/')[1]),
      provider: a.provider,
      networkName: a.networkName,
      securityGroups: a.securityGroups,
      metadata: a.metadata,
      image: options.image,
      ...pinnedNode(spec, vm),
    })];
  });
  // Kube-OVN is Harvester's secondary CNI: the VPC side of the v1.8 page, an underlay external network.
  const nat = renderNat(spec, {
    runId: options.runId,
    form: 'vlan-underlay',
    configMaps: false,
    lanNetwork: (ref) => {
      const nad = nadOf(options.runId, spec.networks.find((n) => n.ref === ref)!);
      return `${nad.namespace}/${nad.name}`;
    },
    ...(options.externalNic !== undefined && { externalNic: options.externalNic }),
    ...(options.externalVlan !== undefined && { externalVlan: options.externalVlan }),
  });
  return { objects: inApplyOrder([...network.objects, ...nat.objects, ...vms], APPLY_ORDER), ...(network.ovnCluster && { ovnCluster: network.ovnCluster }), notes: nat.notes };
}
