// A VPC's OVN logical router as a route table: connected networks (subnets, peering links,
// ovn-cluster's join) and static routes, ranked as Kube-OVN's OVN ranks them. Router policies,
// which act after this lookup, are in policies.ts.
import { DEFAULT_VPC } from '../topology/types.ts';
import { contains, formatIPv4, formatPrefix, parsePrefixOrAddress, type Prefix } from '../net/ipv4.ts';
import { JOIN, JOIN_ROUTER_IP, type LinkInfo, type SubnetInfo, type World } from './world.ts';

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
  /** The router's networks, for a next hop's output port. */
  readonly networks: readonly Route[];
}

/**
 * Route priority as Kube-OVN's OVN computes it. Stock ovn-northd (northd.c build_route_match)
 * gives prefix length * 3 plus 2 for connected, 1 for static dst-ip and 0 for src-ip routes, so
 * the longest prefix wins whatever the policy. Kube-OVN builds OVN with the patch "modify src
 * route priority" (kube-ovn v1.13.13 dist/images/patches/b973ec477b43df1c3ef3cdb69f8646948fcf94ae.patch,
 * applied by dist/images/Dockerfile.base): every src-ip route gets priority 1, a /32 gets 2, below
 * every dst-ip route except the default route 0.0.0.0/0 (priority 1). Kube-OVN relies on it since
 * v1.14 adds a src-ip route per custom-VPC subnet (pkg/controller/subnet.go
 * addCustomVPCStaticRouteForSubnet), which would otherwise outrank shorter peering routes.
 */
export function kubeOvnRouteRank(length: number, kind: 'connected' | 'dst-ip' | 'src-ip'): number {
  if (kind === 'src-ip') return length === 32 ? 2 : 1;
  return length * 3 + (kind === 'connected' ? 2 : 1);
}

/**
 * Highest rank first. Two flows of one priority that both match are OVS's choice, which no
 * prediction can know; at the one tie Kube-OVN's ranking allows (a src-ip route and the default
 * route, both 1) the src-ip route wins, one fixed answer that a target settling the tie must match.
 */
export function byRank(a: Route, b: Route): number {
  return b.rank - a.rank || (a.policy === b.policy ? 0 : a.policy === 'src-ip' ? -1 : 1);
}

function connected(prefix: Prefix, egress: Egress, what: string): Route {
  return { prefix, policy: 'dst-ip', connected: true, egress, label: `${formatPrefix(prefix)} (connected, ${what})`, rank: kubeOvnRouteRank(prefix.length, 'connected') };
}

export function buildRouteTable(world: World, vpc: string): RouteTable {
  const own: Route[] = [
    ...(world.subnetsOfVpc.get(vpc) ?? []).map((s) => connected(s.prefix, { kind: 'subnet', subnet: s }, `subnet ${s.name}`)),
    ...(world.linksOfVpc.get(vpc) ?? []).map((l) => connected(l.prefix, { kind: 'link', link: l }, `peering port ${l.port}`)),
  ];
  if (vpc === DEFAULT_VPC) own.push(connected(JOIN, { kind: 'join' }, 'join'));
  const statics = [...world.vpcs.get(vpc)!.staticRoutes.map((r) => ({ ...r, auto: false }))];
  // kube-ovn v1.13.13 pkg/controller/node.go addNodeGatewayStaticRoute: ovn-cluster's default
  // route points at the join gateway 100.64.0.1, ovn-cluster's own join port. Nothing answers
  // ARP there: traffic leaves for the node only when a policy reroutes it (policies.ts).
  if (vpc === DEFAULT_VPC) statics.push({ cidr: '0.0.0.0/0', nextHopIP: formatIPv4(JOIN_ROUTER_IP), policy: 'policyDst', auto: true });
  const ignored: string[] = [];
  const routes = [...own];
  for (const r of statics) {
    const prefix = parsePrefixOrAddress(r.cidr);
    const nextHop = parsePrefixOrAddress(r.nextHopIP).address;
    const policy = r.policy === 'policySrc' ? 'src-ip' : 'dst-ip';
    const label = `${policy === 'src-ip' ? 'src ' : ''}${formatPrefix(prefix)} via ${r.nextHopIP}${r.auto ? ' (join gateway)' : ''}`;
    // northd find_static_route_outport: a route whose next hop is on none of the router's
    // networks has no output port, and northd skips it ("No path for static route").
    const via = own.find((c) => contains(c.prefix, nextHop));
    if (!via) {
      ignored.push(`route ${label} is not installed: ${r.nextHopIP} is on none of ${vpc}'s networks`);
      continue;
    }
    routes.push({ prefix, policy, connected: false, nextHop, egress: via.egress, label, rank: kubeOvnRouteRank(prefix.length, policy) });
  }
  routes.sort(byRank);
  return { vpc, routes, ignored, networks: own };
}

export function lookup(table: RouteTable, src: number, dst: number): Route | undefined {
  return table.routes.find((r) => contains(r.prefix, r.policy === 'dst-ip' ? dst : src));
}

/** The connected network a next hop is on (its output port), if any. */
export function networkOf(table: RouteTable, hop: number): Route | undefined {
  return table.networks.find((c) => contains(c.prefix, hop));
}

/** Why no route matched, naming the static routes that do not cover the destination. */
export function noRouteReason(table: RouteTable, dst: number): string {
  const statics = table.routes.filter((r) => !r.connected).map((r) => r.label);
  const cover = statics.length === 0 ? 'it has no static routes' : `${statics.length === 1 ? 'route' : 'routes'} ${statics.join(', ')} ${statics.length === 1 ? 'does' : 'do'} not cover it`;
  return [`${table.vpc} has no route to ${formatIPv4(dst)} (${cover})`, ...table.ignored].join('; ');
}
