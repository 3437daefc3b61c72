// A VPC's OVN logical router as a route table: connected networks (subnets, peering links,
// ovn-cluster's join), static routes, and the router policies Kube-OVN adds on ovn-cluster.
import { DEFAULT_VPC } from '../topology/types.ts';
import { contains, formatIPv4, formatPrefix, parsePrefixOrAddress, type Prefix } from '../net/ipv4.ts';
import { JOIN, NODE_IP, type LinkInfo, type SubnetInfo, type World } from './world.ts';

export type Egress =
  | { readonly kind: 'subnet'; readonly subnet: SubnetInfo }
  | { readonly kind: 'link'; readonly link: LinkInfo }
  | { readonly kind: 'join' };

export interface Route {
  readonly prefix: Prefix;
  readonly policy: 'dst-ip' | 'src-ip';
  readonly connected: boolean;
  /** Static routes only; connected routes deliver to the destination itself. */
  readonly nextHop?: number;
  readonly egress: Egress;
  readonly label: string;
  /** OVN logical flow priority of the route; the highest matching route wins. */
  readonly rank: number;
}

export interface RouteTable {
  readonly vpc: string;
  /** Sorted by rank, highest first. */
  readonly routes: readonly Route[];
  /** Static routes OVN does not install, with why. */
  readonly ignored: readonly string[];
  /** Static-route prefixes sent over a peering link (the lab's kube-ovn allow policy covers them). */
  readonly overPeering: readonly Prefix[];
}

// ovn northd/northd.c build_route_match: priority = prefix length * 3 + offset, the offset
// being 2 for connected routes, 1 for static dst-ip routes and 0 for src-ip routes. So one
// table holds both policies and the longest prefix wins; at equal length connected beats static.
// (Kube-OVN's own OVN build carries a patch "modify src route priority" that drops src-ip routes
// to priority 1; the lab runs Debian's unpatched OVN, which this follows.)
function rank(length: number, kind: 'connected' | 'dst-ip' | 'src-ip'): number {
  return length * 3 + (kind === 'connected' ? 2 : kind === 'dst-ip' ? 1 : 0);
}

function connected(prefix: Prefix, egress: Egress, what: string): Route {
  return { prefix, policy: 'dst-ip', connected: true, egress, label: `${formatPrefix(prefix)} (connected, ${what})`, rank: rank(prefix.length, 'connected') };
}

export function buildRouteTable(world: World, vpc: string): RouteTable {
  const own: Route[] = [
    ...(world.subnetsOfVpc.get(vpc) ?? []).map((s) => connected(s.prefix, { kind: 'subnet', subnet: s }, `subnet ${s.name}`)),
    ...(world.linksOfVpc.get(vpc) ?? []).map((l) => connected(l.prefix, { kind: 'link', link: l }, `peering port ${l.port}`)),
  ];
  if (vpc === DEFAULT_VPC) own.push(connected(JOIN, { kind: 'join' }, 'join'));
  const statics = [...world.vpcs.get(vpc)!.staticRoutes.map((r) => ({ ...r, node: false }))];
  // pkg/controller/vpc.go handleAddOrUpdateVpc: ovn-cluster's default route leads to the node
  // over the join network (the lab's node namespace holds 100.64.0.2).
  if (vpc === DEFAULT_VPC) statics.push({ cidr: '0.0.0.0/0', nextHopIP: formatIPv4(NODE_IP), policy: 'policyDst', node: true });
  const ignored: string[] = [];
  const routes = [...own];
  for (const r of statics) {
    const prefix = parsePrefixOrAddress(r.cidr);
    const nextHop = parsePrefixOrAddress(r.nextHopIP).address;
    const policy = r.policy === 'policySrc' ? 'src-ip' : 'dst-ip';
    const label = `${policy === 'src-ip' ? 'src ' : ''}${formatPrefix(prefix)} via ${r.nextHopIP}${r.node ? ' (join, node)' : ''}`;
    // northd find_static_route_outport: a route whose next hop is on none of the router's
    // networks has no output port, and northd skips it ("No path for static route").
    const via = own.find((c) => contains(c.prefix, nextHop));
    if (!via) {
      ignored.push(`route ${label} is not installed: ${r.nextHopIP} is on none of ${vpc}'s networks`);
      continue;
    }
    routes.push({ prefix, policy, connected: false, nextHop, egress: via.egress, label, rank: rank(prefix.length, policy) });
  }
  routes.sort((a, b) => b.rank - a.rank);
  const overPeering = routes.filter((r) => !r.connected && r.egress.kind === 'link').map((r) => r.prefix);
  return { vpc, routes, ignored, overPeering };
}

export function lookup(table: RouteTable, src: number, dst: number): Route | undefined {
  return table.routes.find((r) => contains(r.prefix, r.policy === 'dst-ip' ? dst : src));
}

/** Why no route matched, naming the static routes that do not cover the destination. */
export function noRouteReason(table: RouteTable, dst: number): string {
  const statics = table.routes.filter((r) => !r.connected).map((r) => r.label);
  const cover = statics.length === 0 ? 'it has no static routes' : `${statics.length === 1 ? 'route' : 'routes'} ${statics.join(', ')} ${statics.length === 1 ? 'does' : 'do'} not cover it`;
  return [`${table.vpc} has no route to ${formatIPv4(dst)} (${cover})`, ...table.ignored].join('; ');
}

export type PolicyVerdict = { readonly action: 'allow' | 'reroute'; readonly text: string };

const allowOwn = (s: SubnetInfo) => `policy 31000 ip4.dst == ${s.subnet.cidrBlock} allow`;

/**
 * ovn-cluster's router policies, evaluated after the route lookup. pkg/controller/subnet.go:
 * addCommonRoutesForSubnet allows traffic to each subnet at 31000 (util.SubnetRouterPolicyPriority);
 * addPolicyRouteForDistributedSubnet reroutes everything else from its subnets to the node at
 * 29000 (util.GatewayRouterPolicyPriority). That reroute is why peering ovn-cluster fails on
 * Harvester (harvester/harvester#8906). On platform kube-ovn the lab adds a 31000 allow for
 * prefixes ovn-cluster routes over a peering, as in the blog's working setup.
 */
export function policyVerdict(world: World, table: RouteTable, src: number, dst: number): PolicyVerdict | undefined {
  if (table.vpc !== DEFAULT_VPC) return undefined;
  const own = world.subnetsOfVpc.get(DEFAULT_VPC) ?? [];
  const dstSubnet = own.find((s) => contains(s.prefix, dst));
  if (dstSubnet) return { action: 'allow', text: allowOwn(dstSubnet) };
  if (contains(JOIN, dst)) return undefined;
  const peered = world.platform === 'kube-ovn' ? table.overPeering.find((p) => contains(p, dst)) : undefined;
  if (peered) return { action: 'allow', text: `policy 31000 ip4.dst == ${formatPrefix(peered)} allow (platform kube-ovn)` };
  const srcSubnet = own.find((s) => contains(s.prefix, src));
  if (srcSubnet) return { action: 'reroute', text: `policy 29000 ip4.src == ${srcSubnet.subnet.cidrBlock} reroute ${formatIPv4(NODE_IP)} (node)` };
  return undefined;
}
