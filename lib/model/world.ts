// The topology parsed once into integer form, with an index from address to owner. Everything
// the model decides per packet reads these structures, so nothing is parsed twice.
import type { DnatRule, Eip, FipRule, NatGateway, NodePair, SecurityGroup, SnatRule, Subnet, TopologySpec, Vm, Vpc } from '../topology/types.ts';
import { DEFAULT_VPC, JOIN_CIDR, NODE_INTERNAL_IP as NODE_INTERNAL_ADDRESS } from '../topology/types.ts';
import { contains, parseIPv4, parsePrefix, parsePrefixOrAddress, type Prefix } from '../net/ipv4.ts';
import { guestStateOf, type GuestState } from './guest.ts';
import { assignAddresses } from '../topology/addresses.ts';
import { firstNodeOf, guestMtuOf, nodeOf, nodePair } from '../topology/nodes.ts';

/** Kube-OVN's join network: ovn-cluster's router port and the node's ovn0 (the lab uses the same). */
export const JOIN = parsePrefix(JOIN_CIDR);
export const JOIN_ROUTER_IP = JOIN.network + 1;
export const NODE_IP = JOIN.network + 2;
export const NODE_INTERNAL_IP = parseIPv4(NODE_INTERNAL_ADDRESS);

export interface SubnetInfo {
  readonly subnet: Subnet;
  readonly name: string;
  readonly vpc: string;
  readonly prefix: Prefix;
  readonly gateway: number;
  readonly allow: readonly Prefix[];
}

/** One side of a peering: the router port `<vpc>-<remoteVpc>` carrying localConnectIP. */
export interface LinkInfo {
  readonly vpc: string;
  readonly remoteVpc: string;
  readonly port: string;
  readonly prefix: Prefix;
  /** The remote side's address when both VPCs list each other (the link exists), else undefined. */
  readonly remoteAddress: number | undefined;
}

export interface VmInfo {
  readonly vm: Vm;
  readonly name: string;
  readonly ip: number;
  readonly subnet: SubnetInfo;
  readonly sgs: readonly SecurityGroup[];
  readonly guest: GuestState;
  /** The node it runs on. */
  readonly node: string;
  /** The MTU on its NIC (lib/topology/nodes.ts guestMtuOf). */
  readonly mtu: number;
}

export interface EipInfo {
  readonly eip: Eip;
  readonly name: string;
  readonly ip: number;
}

/**
 * A VPC NAT gateway with its rules in the order nat-gateway.sh appends them (kube-ovn v1.15.24
 * dist/images/vpcnatgateway/nat-gateway.sh, `iptables -A`: the first match in file order wins).
 */
export interface GatewayInfo {
  readonly gw: NatGateway;
  readonly name: string;
  readonly vpc: string;
  /** The subnet of its LAN leg. */
  readonly subnet: SubnetInfo;
  readonly lanIp: number;
  /** The EIPs its external leg holds, by address. */
  readonly eips: ReadonlyMap<number, EipInfo>;
  readonly snat: readonly { readonly rule: SnatRule; readonly eip: EipInfo; readonly prefix: Prefix }[];
  readonly dnat: readonly { readonly rule: DnatRule; readonly eip: EipInfo; readonly internalIp: number }[];
  readonly fip: readonly { readonly rule: FipRule; readonly eip: EipInfo; readonly internalIp: number }[];
}

export interface ExternalInfo {
  readonly name: string;
  readonly prefix: Prefix;
  /** The upstream router; the `external` probe source. */
  readonly gateway: number;
}

/** Who answers a request: the walk of a packet ends at one of these. */
export type Owner =
  | { readonly kind: 'vm'; readonly vm: VmInfo }
  | { readonly kind: 'router'; readonly vpc: string; readonly port: string }
  | { readonly kind: 'node' }
  | { readonly kind: 'external' }
  /** The gateway's own stack: its lanIp, or an EIP no FIP or DNAT rule forwards. */
  | { readonly kind: 'nat-gateway'; readonly gw: GatewayInfo };

export interface World {
  readonly spec: TopologySpec;
  readonly internetIP: number;
  readonly vpcs: ReadonlyMap<string, Vpc>;
  readonly subnets: readonly SubnetInfo[];
  readonly subnetsOfVpc: ReadonlyMap<string, readonly SubnetInfo[]>;
  readonly links: readonly LinkInfo[];
  readonly linksOfVpc: ReadonlyMap<string, readonly LinkInfo[]>;
  readonly vms: ReadonlyMap<string, VmInfo>;
  /** Per subnet, its VMs by address: subnets of different VPCs may overlap, so lookups are local. */
  readonly vmsOfSubnet: ReadonlyMap<string, ReadonlyMap<number, VmInfo>>;
  readonly sgs: ReadonlyMap<string, SecurityGroup>;
  /** Member addresses of each security group (Kube-OVN's address set ovn.sg.<name>.associated.v4). */
  readonly sgMembers: ReadonlyMap<string, ReadonlySet<number>>;
  /** Per VPC, the addresses of its router ports (gateways, localConnectIPs, join) and their names. */
  readonly routerPorts: ReadonlyMap<string, ReadonlyMap<number, string>>;
  /** Every prefix the topology owns; an address outside all of them is an external host. */
  readonly internal: readonly Prefix[];
  readonly external: ExternalInfo;
  readonly gateways: ReadonlyMap<string, GatewayInfo>;
  /** Per subnet, the NAT gateways whose LAN leg is on it, by lanIp. */
  readonly gatewaysOfSubnet: ReadonlyMap<string, ReadonlyMap<number, GatewayInfo>>;
  /** The gateway whose external leg holds each EIP address. */
  readonly eipHolders: ReadonlyMap<number, GatewayInfo>;
  readonly eipsByName: ReadonlyMap<string, EipInfo>;
  /** The node of everything that is not a VM: the external network and its hosts, NAT gateways, the node namespace. */
  readonly firstNode: string;
  /** Cut tunnels, each as tunnelKey(a, b). */
  readonly tunnelsDown: ReadonlySet<string>;
}

/** One key per unordered node pair. */
export function tunnelKey(a: string, b: string): string {
  return nodePair(a, b).join(' ');
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) (out.get(key(it)) ?? out.set(key(it), []).get(key(it))!).push(it);
  return out;
}

export function buildWorld(spec: TopologySpec, internetIP: string): World {
  const vpcs = new Map(spec.vpcs.map((v) => [v.name, v]));
  const subnets: SubnetInfo[] = spec.subnets.map((s) => ({
    subnet: s,
    name: s.name,
    vpc: s.vpc,
    prefix: parsePrefix(s.cidrBlock),
    gateway: parseIPv4(s.gateway),
    allow: s.allowSubnets.map(parsePrefix),
  }));
  // pkg/ovs/ovn-nb-logical_router_port.go CreatePeerRouterPort: each side creates only its own
  // port, peered to "<remote>-<local>"; the link carries traffic only when both ports exist.
  const links: LinkInfo[] = spec.vpcs.flatMap((v) =>
    v.vpcPeerings.map((p) => {
      const back = vpcs.get(p.remoteVpc)?.vpcPeerings.find((q) => q.remoteVpc === v.name);
      return {
        vpc: v.name,
        remoteVpc: p.remoteVpc,
        port: `${v.name}-${p.remoteVpc}`,
        prefix: parsePrefix(p.localConnectIP),
        remoteAddress: back ? parsePrefix(back.localConnectIP).address : undefined,
      };
    }),
  );
  const sgs = new Map(spec.securityGroups.map((g) => [g.name, g]));
  const subnetByName = new Map(subnets.map((s) => [s.name, s]));
  const vms = new Map<string, VmInfo>();
  for (const a of assignAddresses(spec).values()) {
    const sgList = a.vm.securityGroups.map((n) => sgs.get(n)).filter((g): g is SecurityGroup => g !== undefined);
    vms.set(a.vm.name, {
      vm: a.vm, name: a.vm.name, ip: a.ipNum, subnet: subnetByName.get(a.subnet.name)!, sgs: sgList, guest: guestStateOf(a.vm, a.subnet),
      node: nodeOf(a.vm), mtu: guestMtuOf(a.vm, a.subnet),
    });
  }
  const sgMembers = new Map<string, Set<number>>(spec.securityGroups.map((g) => [g.name, new Set()]));
  for (const v of vms.values()) for (const g of v.sgs) sgMembers.get(g.name)!.add(v.ip);
  const routerPorts = new Map<string, Map<number, string>>(spec.vpcs.map((v) => [v.name, new Map()]));
  for (const s of subnets) routerPorts.get(s.vpc)?.set(s.gateway, `${s.vpc}-${s.name}`);
  for (const l of links) routerPorts.get(l.vpc)!.set(l.prefix.address, l.port);
  routerPorts.get(DEFAULT_VPC)?.set(JOIN_ROUTER_IP, 'join');
  const vmsOfSubnet = new Map(subnets.map((s) => [s.name, new Map<number, VmInfo>()]));
  for (const v of vms.values()) vmsOfSubnet.get(v.subnet.name)!.set(v.ip, v);
  const nat = natOf(spec, subnetByName);
  return {
    spec,
    internetIP: parseIPv4(internetIP),
    vpcs,
    subnets,
    subnetsOfVpc: groupBy(subnets, (s) => s.vpc),
    links,
    linksOfVpc: groupBy(links, (l) => l.vpc),
    vms,
    vmsOfSubnet,
    sgs,
    sgMembers,
    routerPorts,
    internal: [JOIN, ...subnets.map((s) => s.prefix), ...links.map((l) => l.prefix)],
    external: { name: spec.externalNetwork.name, prefix: parsePrefix(spec.externalNetwork.cidrBlock), gateway: parseIPv4(spec.externalNetwork.gateway) },
    ...nat,
    firstNode: firstNodeOf(spec),
    tunnelsDown: new Set((spec.tunnelsDown ?? []).map((p: NodePair) => tunnelKey(p[0], p[1]))),
  };
}

/**
 * Gateways with their EIPs and rules. References the validator rejects (an unknown gateway, EIP
 * or subnet) are left out here, so the model reasons over what Kube-OVN would realise.
 */
function natOf(spec: TopologySpec, subnetByName: ReadonlyMap<string, SubnetInfo>): Pick<World, 'gateways' | 'gatewaysOfSubnet' | 'eipHolders' | 'eipsByName'> {
  const eipsByName = new Map(spec.eips.map((e) => [e.name, { eip: e, name: e.name, ip: parseIPv4(e.v4ip) }]));
  const gateways = new Map<string, GatewayInfo>();
  const gatewaysOfSubnet = new Map<string, Map<number, GatewayInfo>>();
  const eipHolders = new Map<number, GatewayInfo>();
  for (const gw of spec.natGateways) {
    const subnet = subnetByName.get(gw.subnet);
    if (!subnet) continue;
    const eips = new Map([...eipsByName.values()].filter((e) => e.eip.natGwDp === gw.name).map((e) => [e.ip, e]));
    const mine = <R extends { eip: string }>(rules: readonly R[]) =>
      rules.flatMap((rule) => {
        const eip = eipsByName.get(rule.eip);
        return eip && eip.eip.natGwDp === gw.name ? [{ rule, eip }] : [];
      });
    const info: GatewayInfo = {
      gw, name: gw.name, vpc: gw.vpc, subnet, lanIp: parseIPv4(gw.lanIp), eips,
      snat: mine(spec.snatRules).map((r) => ({ ...r, prefix: parsePrefixOrAddress(r.rule.internalCIDR) })),
      dnat: mine(spec.dnatRules).map((r) => ({ ...r, internalIp: parseIPv4(r.rule.internalIp) })),
      // floating-ip-add exits early when its EIP already has a FIP rule (nat-gateway.sh v1.15.24
      // section floating-ip-add), so only the first FIP of an EIP takes effect, DNAT and SNAT alike.
      fip: mine(spec.fipRules).filter((r, i, all) => all.findIndex((o) => o.eip === r.eip) === i).map((r) => ({ ...r, internalIp: parseIPv4(r.rule.internalIp) })),
    };
    gateways.set(gw.name, info);
    (gatewaysOfSubnet.get(subnet.name) ?? gatewaysOfSubnet.set(subnet.name, new Map()).get(subnet.name)!).set(info.lanIp, info);
    for (const ip of eips.keys()) eipHolders.set(ip, info);
  }
  return { gateways, gatewaysOfSubnet, eipHolders, eipsByName };
}

export function isExternal(world: World, ip: number): boolean {
  return !world.internal.some((p) => contains(p, ip));
}

export function ovnClusterSubnetOf(world: World, ip: number): SubnetInfo | undefined {
  return world.subnetsOfVpc.get(DEFAULT_VPC)?.find((s) => contains(s.prefix, ip));
}
