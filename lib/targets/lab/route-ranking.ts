// Kube-OVN's static-route ranking on the lab's stock OVN. Kube-OVN builds OVN with the patch
// "modify src route priority" (kube-ovn v1.13.13 dist/images/patches/
// b973ec477b43df1c3ef3cdb69f8646948fcf94ae.patch, applied by dist/images/Dockerfile.base): a
// src-ip route gets flow priority 1 (2 for a /32) instead of prefix length * 3, so every dst-ip
// route but the default route 0.0.0.0/0 (priority 1) outranks it. Debian's OVN ranks by prefix
// length, which would let a longer src-ip route beat a shorter peering route; Kube-OVN v1.14
// adds a src-ip route per custom-VPC subnet (pkg/controller/subnet.go
// addCustomVPCStaticRouteForSubnet) and relies on the patch. See lib/model/routes.ts.
//
// The emulation: a src-ip route is written as a router policy instead, `ip4.src == <cidr>`
// reroute <next hop> at priority 2 for a /32 and 1 otherwise, below an `allow` at priority 3 for
// `ip4.dst == {<every dst-ip prefix of length >= 1 the router has: its networks and its dst-ip
// routes>}`. Policies act after the route lookup, so for a destination a dst-ip route covers the
// allow keeps that route's choice, as on Kube-OVN; for any other destination the default route
// lets the packet reach the policy stage and the src-ip route's next hop wins, as it does on
// Kube-OVN for a /32 (2 > 1) and, at the tie of 1 with the default route, here by construction.
// A VPC with src-ip routes and no default route gets one to the first src-ip route's next hop and
// a drop at priority 0 for what no route of Kube-OVN's would carry. Only positive set matches:
// OVN expands `!=` on a prefix bit by bit, and a conjunction of such sets into their product,
// which stalls ovn-controller. What this cannot show: user policies at priorities 0-3, and an
// `allow` policy on traffic only a src-ip route carries (it keeps the default route's next hop).
import { contains, formatPrefix, parsePrefixOrAddress, parseIPv4, type Prefix } from '../../net/ipv4.ts';
import type { StaticRoute } from '../../topology/types.ts';

/** Policy priorities of the emulation: the dst-ip allow above the src-ip routes, a /32 first. */
export const EMULATION_PRIORITY = { dstAllow: 3, srcHost: 2, src: 1, drop: 0 } as const;

export interface DstRoute {
  readonly cidr: string;
  readonly nextHopIP: string;
}

export interface EmulatedPolicy {
  readonly priority: number;
  readonly match: string;
  readonly action: 'allow' | 'reroute' | 'drop';
  readonly nextHopIP?: string;
}

export interface RankedRoutes {
  /** Installed as dst-ip static routes. */
  readonly dstRoutes: readonly DstRoute[];
  /** Installed as router policies. */
  readonly policies: readonly EmulatedPolicy[];
}

/** `networks`: the router's connected prefixes (subnets, peering links, join). */
export function rankLikeKubeOvn(networks: readonly Prefix[], routes: readonly StaticRoute[]): RankedRoutes {
  const installed = (r: StaticRoute) => networks.some((n) => contains(n, parseIPv4(r.nextHopIP)));
  const dstRoutes = routes.filter((r) => r.policy === 'policyDst').map((r) => ({ cidr: r.cidr, nextHopIP: r.nextHopIP }));
  const srcRoutes = routes.filter((r) => r.policy === 'policySrc' && installed(r));
  if (srcRoutes.length === 0) return { dstRoutes, policies: [] };
  const dstPrefixes = [...new Set([...networks, ...routes.filter((r) => r.policy === 'policyDst' && installed(r)).map((r) => parsePrefixOrAddress(r.cidr))]
    .filter((p) => p.length > 0)
    .map(formatPrefix))];
  const policies: EmulatedPolicy[] = [
    ...(dstPrefixes.length ? [{ priority: EMULATION_PRIORITY.dstAllow, match: `ip4.dst == {${dstPrefixes.join(', ')}}`, action: 'allow' as const }] : []),
    ...srcRoutes.map((r): EmulatedPolicy => {
      const src = parsePrefixOrAddress(r.cidr);
      return { priority: src.length === 32 ? EMULATION_PRIORITY.srcHost : EMULATION_PRIORITY.src, match: `ip4.src == ${formatPrefix(src)}`, action: 'reroute', nextHopIP: r.nextHopIP };
    }),
  ];
  const hasDefault = routes.some((r) => r.policy === 'policyDst' && installed(r) && parsePrefixOrAddress(r.cidr).length === 0);
  if (hasDefault) return { dstRoutes, policies };
  return {
    dstRoutes: [...dstRoutes, { cidr: '0.0.0.0/0', nextHopIP: srcRoutes[0]!.nextHopIP }],
    policies: [...policies, { priority: EMULATION_PRIORITY.drop, match: 'ip4', action: 'drop' }],
  };
}
