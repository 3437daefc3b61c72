// The NAT gateway's site options (--external-nic, --external-vlan, --nat-gateway-image) fit only
// some targets: the lab's external network is its own upstream segment, the kubeovn target's a
// macvlan (no VLAN), and Harvester's image is its kubeovn-operator's (k8s-common/render-nat.ts).
/** A NAT site option given to a target that has no use for it, said as an error; undefined when all fit. */
export function natSiteMisplaced(opts: { target: string; externalNic?: string; externalVlan?: number; natGatewayImage?: string }): string | undefined {
  if (opts.target === 'lab' && (opts.externalNic !== undefined || opts.externalVlan !== undefined || opts.natGatewayImage !== undefined)) return '--external-nic, --external-vlan and --nat-gateway-image are for cluster targets (the lab\'s external network is its own upstream segment)';
  if (opts.target === 'kubeovn' && opts.externalVlan !== undefined) return '--external-vlan is for --target harvester (the kubeovn target puts the external network on macvlan, untagged)';
  if (opts.target === 'harvester' && opts.natGatewayImage !== undefined) return '--nat-gateway-image is for --target kubeovn (Harvester\'s kubeovn-operator owns the NAT gateway\'s image)';
  return undefined;
}

