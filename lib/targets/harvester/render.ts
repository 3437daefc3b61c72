// Pure rendering of a topology into the objects a Harvester cluster needs: the network objects
// (k8s-common/render-network.ts) and a kubevirt.io VirtualMachine per VM. No I/O: the same
// input gives the same manifests.
import type { KubeObject } from '../../k8s/resources.ts';
import type { TopologySpec } from '../../topology/types.ts';
import { renderNetwork, type OvnClusterPatch } from '../k8s-common/render-network.ts';
import { renderVm } from './render-vm.ts';

export type { OvnClusterPatch } from '../k8s-common/render-network.ts';

export { DEFAULT_IMAGE } from '../images.ts';

export interface RenderOptions {
  readonly runId: string;
  /** Where the VMs and their cloud-init Secrets go. */
  readonly namespace: string;
  /** A KubeVirt containerDisk image of a cloud image with cloud-init (e.g. quay.io/containerdisks/ubuntu:22.04). */
  readonly image: string;
}

export interface Rendered {
  /** In apply order: NADs, Vpcs, Subnets, SecurityGroups, VirtualMachines. */
  readonly objects: readonly KubeObject[];
  readonly ovnCluster?: OvnClusterPatch;
}

/** The order objects are applied in (a Subnet needs its NAD and Vpc; a VM its Subnet and SGs). */
export const APPLY_ORDER = ['NetworkAttachmentDefinition', 'Secret', 'Vpc', 'Subnet', 'SecurityGroup', 'VirtualMachine'] as const;

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
    })];
  });
  return { objects: [...network.objects, ...vms], ...(network.ovnCluster && { ovnCluster: network.ovnCluster }) };
}
