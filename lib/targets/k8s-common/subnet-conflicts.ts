// Subnets a run would add that Kube-OVN would refuse: one whose CIDR overlaps a Subnet already
// on the cluster, in the same VPC, that is not the run's own (kubeovn/kube-ovn v1.13.13
// pkg/controller/subnet.go checkSubnetConflict compares every Subnet of the same spec.vpc and
// spec.vlan; the refused Subnet stays not ready with ValidateLogicalSwitchFailed). On every
// cluster ovn-cluster holds `join` and `ovn-default`, whatever CIDRs they were installed with.
// Pure: the caller lists the cluster's Subnets.
import { RUN_LABEL } from '../../k8s/labels.ts';
import type { KubeObject } from '../../k8s/resources.ts';
import { isPrefix, overlaps, parsePrefix } from '../../net/ipv4.ts';
import { DEFAULT_VPC } from '../../topology/types.ts';

interface SubnetSpec {
  readonly vpc?: string;
  readonly vlan?: string;
  readonly cidrBlock?: string;
}

const specOf = (o: KubeObject) => (o.spec ?? {}) as SubnetSpec;
// Kube-OVN fills an empty vpc with ovn-cluster (pkg/controller/subnet.go formatSubnet).
const vpcOf = (o: KubeObject) => specOf(o).vpc || DEFAULT_VPC;
// A dual-stack cidrBlock is "v4,v6": vpcheck renders IPv4 only, so only the IPv4 parts matter.
const v4Prefixes = (o: KubeObject) => (specOf(o).cidrBlock ?? '').split(',').filter(isPrefix).map(parsePrefix);

/** One line per conflict, naming both Subnets, their CIDRs and the VPC. */
export function subnetConflicts(desired: readonly KubeObject[], existing: readonly KubeObject[], runId: string): string[] {
  const others = existing.filter((o) => o.metadata.labels?.[RUN_LABEL] !== runId);
  return desired.filter((o) => o.kind === 'Subnet').flatMap((mine) => {
    const cidr = specOf(mine).cidrBlock!;
    const prefix = parsePrefix(cidr);
    return others
      .filter((o) => vpcOf(o) === vpcOf(mine) && (specOf(o).vlan ?? '') === (specOf(mine).vlan ?? '') && v4Prefixes(o).some((p) => overlaps(p, prefix)))
      .map((o) => `Subnet ${mine.metadata.name} (${cidr}) overlaps the cluster's Subnet ${o.metadata.name} (${specOf(o).cidrBlock}) in VPC ${vpcOf(o)}; Kube-OVN would refuse it`);
  });
}
