// The OVN address sets Kube-OVN keeps for a topology, by the names a policy match uses. Pure.
// - Per distributed ovn-cluster subnet and node, a port group "<subnet>.<node>" ("-" written as
//   "." because match identifiers allow letters, digits, "_" and "." only), whose address set
//   "<pg>_ip4" OVN derives from the ports' addresses (kube-ovn v1.13.13 pkg/controller/subnet.go
//   getOverlaySubnetsPortGroupName, createPortGroupForDistributedSubnet; not for join).
// - Per security group, "ovn.sg.<name>.associated.v4" with its members' addresses
//   (pkg/controller/security_group.go).
import { DEFAULT_VPC, NODE_NAME, type TopologySpec } from './types.ts';

const ident = (text: string) => text.replaceAll('-', '.');

/** The address set of a subnet's ports on a node: the 29000 reroute matches `ip4.src == $<this>`. */
export function subnetNodeAddressSet(subnet: string, node: string = NODE_NAME): string {
  return `${ident(`${subnet}.${node}`)}_ip4`;
}

export function sgAddressSet(sg: string): string {
  return `ovn.sg.${ident(sg)}.associated.v4`;
}

export type AddressSetOwner = { readonly kind: 'subnet'; readonly name: string } | { readonly kind: 'sg'; readonly name: string };

/** Every address set of the topology, by name. */
export function addressSets(spec: TopologySpec): Map<string, AddressSetOwner> {
  return new Map<string, AddressSetOwner>([
    ...spec.subnets.filter((s) => s.vpc === DEFAULT_VPC).map((s) => [subnetNodeAddressSet(s.name), { kind: 'subnet', name: s.name }] as const),
    ...spec.securityGroups.map((g) => [sgAddressSet(g.name), { kind: 'sg', name: g.name }] as const),
  ]);
}
