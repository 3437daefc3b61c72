// Kube-OVN's static-route ranking on the lab's stock OVN. Kube-OVN builds OVN with the patch
// "modify src route priority" (kube-ovn v1.13.13 dist/images/patches/
// b973ec477b43df1c3ef3cdb69f8646948fcf94ae.patch, applied by dist/images/Dockerfile.base): a
// src-ip route gets flow priority 1 (2 for a /32) instead of prefix length * 3, so every dst-ip
// route but the default route 0.0.0.0/0 (priority 1) outranks it. Debian's OVN ranks by prefix
// length, which would let a longer src-ip route beat a shorter peering route; Kube-OVN v1.14
// adds a src-ip route per custom-VPC subnet (pkg/controller/subnet.go
// addCustomVPCStaticRouteForSubnet) and relies on the patch. See lib/model/routes.ts.
//
// The emulation: a src-ip route is written as a router policy instead, at priority 2 for a /32
// and 1 otherwise, `ip4.src == <cidr> && ip4.dst != {<every dst-ip prefix of length >= 1 the
// router has: its networks and its dst-ip routes>}` reroute <next hop>. Policies act after the
// route lookup, so for a destination a dst-ip route covers the policy does not match and that
// route decides, as on Kube-OVN; for any other destination the default route lets the packet
// reach the policy stage and the src-ip route's next hop wins, as it does on Kube-OVN for a /32
// (2 > 1) and, at the tie of 1 with the default route, here by construction. A VPC with src-ip
// routes and no default route gets one to the first src-ip route's next hop plus a drop policy
// at the top priority for what no route of Kube-OVN's would carry (no dst-ip prefix, no src-ip
// route). What this cannot show: a user policy at priority 1 or 2, and an `allow` policy on
// traffic only a src-ip route carries (it keeps the default route's next hop here).
import { contains, formatPrefix, parsePrefixOrAddress, parseIPv4, type Prefix } from '../../net/ipv4.ts';
import type { StaticRoute } from '../../topology/types.ts';

export const EMULATED_SRC_PRIORITY = { host: 2, other: 1 } as const;
/** OVN's highest Logical_Router_Policy priority. */
const TOP_PRIORITY = 32767;

export interface DstRoute {
  readonly cidr: string;
  readonly nextHopIP: string;
}

export interface EmulatedPolicy {
  readonly priority: number;
  readonly match: string;
  readonly action: 'reroute' | 'drop';
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
  const dstPrefixes = [...networks, ...routes.filter((r) => r.policy === 'policyDst' && installed(r)).map((r) => parsePrefixOrAddress(r.cidr))]
    .filter((p) => p.length > 0)
    .map(formatPrefix);
  const notCovered = dstPrefixes.length ? ` && ip4.dst != {${[...new Set(dstPrefixes)].join(', ')}}` : '';
  const policies: EmulatedPolicy[] = srcRoutes.map((r) => {
    const src = parsePrefixOrAddress(r.cidr);
    return {
      priority: src.length === 32 ? EMULATED_SRC_PRIORITY.host : EMULATED_SRC_PRIORITY.other,
      match: `ip4.src == ${formatPrefix(src)}${notCovered}`,
      action: 'reroute',
      nextHopIP: r.nextHopIP,
    };
  });
  const hasDefault = routes.some((r) => r.policy === 'policyDst' && installed(r) && parsePrefixOrAddress(r.cidr).length === 0);
  if (hasDefault) return { dstRoutes, policies };
  const sources = [...new Set(srcRoutes.map((r) => formatPrefix(parsePrefixOrAddress(r.cidr))))].join(', ');
  return {
    dstRoutes: [...dstRoutes, { cidr: '0.0.0.0/0', nextHopIP: srcRoutes[0]!.nextHopIP }],
    policies: [...policies, { priority: TOP_PRIORITY, match: `ip4.src != {${sources}}${notCovered}`, action: 'drop' }],
  };
}
