// Vpc policyRoutes: what Kube-OVN or OVN reject (errors) and what they accept but never apply
// (warnings). Kube-OVN's ValidateVpc (kube-ovn v1.13.13 pkg/util/validator.go) checks the action
// and a reroute's nextHopIP; OVN's schema bounds Logical_Router_Policy.priority to 0-32767 and
// keeps one policy per (priority, match); an unparseable match makes ovn-northd drop the policy,
// so it is an error here rather than a silent no-op. ovn-northd skips a reroute whose next hop is
// on none of the router's networks ("no path"), and a match naming an unknown address set matches
// nothing: both warnings.
import { contains, formatPrefix, isIPv4, parseIPv4, parsePrefix, type Prefix } from '../net/ipv4.ts';
import { addressSets } from './address-sets.ts';
import type { SpecSource } from './normalize.ts';
import { addressSetsOf, parseMatch } from './ovn-match.ts';
import { suggest } from './structure.ts';
import { DEFAULT_VPC, JOIN_CIDR, type Vpc } from './types.ts';
import type { Report } from './validate.ts';

export const POLICY_PRIORITY_MAX = 32767;

/** The networks of a VPC's router: where a next hop can be. */
export function routerNetworks(spec: SpecSource['spec'], vpc: Vpc): Prefix[] {
  return [
    ...spec.subnets.filter((s) => s.vpc === vpc.name).map((s) => parsePrefix(s.cidrBlock)),
    ...vpc.vpcPeerings.map((p) => parsePrefix(p.localConnectIP)),
    ...(vpc.name === DEFAULT_VPC ? [parsePrefix(JOIN_CIDR)] : []),
  ];
}

/** Runs after the address checks: CIDRs and localConnectIPs are well formed. */
export function validatePolicies(src: SpecSource, report: Report): void {
  const { spec, at } = src;
  const sets = [...addressSets(spec).keys()];
  spec.vpcs.forEach((v, i) => {
    const seen = new Map<string, number>();
    v.policyRoutes.forEach((r, k) => {
      const field = (name: string) => at('vpcs', i, 'policyRoutes', k, name);
      if (r.priority < 0 || r.priority > POLICY_PRIORITY_MAX) report('error', field('priority'), `priority ${r.priority} is outside 0-${POLICY_PRIORITY_MAX}, the range of OVN's Logical_Router_Policy.priority`);
      const parsed = parseMatch(r.match);
      if (!parsed.ok) {
        report('error', field('match'), `OVN cannot parse this match: ${parsed.message} (at character ${parsed.offset + 1})`, parsed.offset);
      } else {
        for (const name of addressSetsOf(parsed.expr)) {
          if (!sets.includes(name)) report('warning', field('match'), `no address set "${name}"${suggest(name, sets)}; OVN matches nothing against an unknown set (known: ${sets.join(', ') || 'none'})`);
        }
      }
      const key = `${r.priority}|${r.match.trim()}`;
      if (seen.has(key)) report('error', field('match'), `${v.name} already has a policy with priority ${r.priority} and this match (policyRoutes[${seen.get(key)}]); OVN keeps one per priority and match`);
      else seen.set(key, k);
      if (r.action !== 'reroute') {
        if (r.nextHopIP !== undefined) report('warning', field('nextHopIP'), `nextHopIP is used by action reroute only; Kube-OVN ignores it for ${r.action}`);
        return;
      }
      if (r.nextHopIP === undefined || !isIPv4(r.nextHopIP)) {
        report('error', r.nextHopIP === undefined ? at('vpcs', i, 'policyRoutes', k) : field('nextHopIP'), `action reroute needs nextHopIP, an IPv4 address${r.nextHopIP === undefined ? '' : `; got "${r.nextHopIP}"`} (Kube-OVN rejects the Vpc otherwise)`);
        return;
      }
      const hop = parseIPv4(r.nextHopIP);
      const nets = routerNetworks(spec, v);
      if (!nets.some((n) => contains(n, hop))) {
        report('warning', field('nextHopIP'), `${r.nextHopIP} is on none of ${v.name}'s networks (${nets.map(formatPrefix).join(', ') || 'none'}); ovn-northd installs no flow for a reroute without a path, so this policy never applies`);
      }
    });
  });
}
