// A VPC router's logical router policies, which OVN evaluates after the route lookup
// (ovn-northd: lr_in_policy follows lr_in_ip_routing): the highest-priority policy whose match
// holds decides between allow (keep the route's choice), drop, and reroute (a new next hop).
// Two sources, one table:
// - Kube-OVN's own, as kube-ovn v1.13.13 writes them (priorities in pkg/util/const.go):
//   per subnet of the VPC, 31000 `ip4.dst == <cidr>` allow (pkg/controller/subnet.go
//   addCommonRoutesForSubnet; on ovn-cluster also for the join subnet, init.go initNodeSwitch);
//   on ovn-cluster, 30000 `ip4.dst == <node IP>` reroute to the node's join address
//   (pkg/controller/node.go handleAddNode) and, per distributed subnet, 29000
//   `ip4.src == $<subnet>.<node>_ip4` reroute to the node's join address
//   (subnet.go addPolicyRouteForDistributedSubnet), natOutgoing or not.
// - The user's Vpc spec.policyRoutes, installed as written (pkg/controller/vpc.go).
// A reroute whose next hop is on none of the router's networks is not installed (ovn-northd
// finds no output port for it), so it is left out with a note.
import { addressSets, subnetNodeAddressSet } from '../topology/address-sets.ts';
import { evaluateMatch, parseMatch, type MatchExpr } from '../topology/ovn-match.ts';
import { DEFAULT_VPC, JOIN_CIDR, type PolicyRouteAction } from '../topology/types.ts';
import { formatIPv4, parseIPv4 } from '../net/ipv4.ts';
import { NODE_INTERNAL_IP, NODE_IP, type World } from './world.ts';

/** Kube-OVN's router policy priorities (kube-ovn v1.13.13 pkg/util/const.go). */
export const KUBE_OVN_POLICY_PRIORITY = {
  subnetRouter: 31000,
  nodeRouter: 30000,
  gatewayRouter: 29000,
} as const;

export interface Policy {
  readonly priority: number;
  /** The match as OVN holds it. */
  readonly match: string;
  readonly expr: MatchExpr;
  readonly action: PolicyRouteAction;
  readonly nextHop?: number;
  /** Who wrote it: Kube-OVN itself or the Vpc's spec.policyRoutes. */
  readonly origin: 'kube-ovn' | 'policyRoutes';
  /** "policy 29000 ip4.src == $x_ip4 reroute 100.64.0.2", for steps and reasons. */
  readonly label: string;
}

export interface PolicyTable {
  /** Highest priority first; at equal priority, in the order they were written. */
  readonly policies: readonly Policy[];
  /** Policies OVN does not install, with why. */
  readonly ignored: readonly string[];
}

function policy(priority: number, match: string, action: PolicyRouteAction, origin: Policy['origin'], nextHop?: number): Policy {
  const parsed = parseMatch(match);
  // The loader rejects unparseable matches; Kube-OVN's own are fixed forms.
  if (!parsed.ok) throw new Error(`policy match "${match}" does not parse: ${parsed.message}`);
  const label = `policy ${priority} ${match} ${action}${nextHop === undefined ? '' : ` ${formatIPv4(nextHop)}`}${origin === 'policyRoutes' ? ' (policyRoutes)' : ''}`;
  return { priority, match, expr: parsed.expr, action, ...(nextHop !== undefined && { nextHop }), origin, label };
}

/** Kube-OVN's policies on a VPC's router. */
function kubeOvnPolicies(world: World, vpc: string): Policy[] {
  const P = KUBE_OVN_POLICY_PRIORITY;
  const subnets = world.subnetsOfVpc.get(vpc) ?? [];
  const out = subnets.map((s) => policy(P.subnetRouter, `ip4.dst == ${s.subnet.cidrBlock}`, 'allow', 'kube-ovn'));
  if (vpc !== DEFAULT_VPC) return out;
  out.push(policy(P.subnetRouter, `ip4.dst == ${JOIN_CIDR}`, 'allow', 'kube-ovn'));
  out.push(policy(P.nodeRouter, `ip4.dst == ${formatIPv4(NODE_INTERNAL_IP)}`, 'reroute', 'kube-ovn', NODE_IP));
  for (const s of subnets) out.push(policy(P.gatewayRouter, `ip4.src == $${subnetNodeAddressSet(s.name)}`, 'reroute', 'kube-ovn', NODE_IP));
  return out;
}

export function buildPolicyTable(world: World, vpc: string, onRouter: (ip: number) => boolean): PolicyTable {
  const ignored: string[] = [];
  const user = world.vpcs.get(vpc)!.policyRoutes.flatMap((r) => {
    const hop = r.action === 'reroute' && r.nextHopIP !== undefined ? parseIPv4(r.nextHopIP) : undefined;
    const p = policy(r.priority, r.match, r.action, 'policyRoutes', hop);
    if (hop !== undefined && !onRouter(hop)) {
      ignored.push(`${p.label} is not installed: ${r.nextHopIP} is on none of ${vpc}'s networks`);
      return [];
    }
    return [p];
  });
  const policies = [...kubeOvnPolicies(world, vpc), ...user].sort((a, b) => b.priority - a.priority);
  return { policies, ignored };
}

/** The members of each address set a match may name (one node: every VM of a subnet is on it). */
export function addressSetMembers(world: World): Map<string, ReadonlySet<number>> {
  const out = new Map<string, ReadonlySet<number>>();
  for (const [name, owner] of addressSets(world.spec)) {
    out.set(name, owner.kind === 'sg' ? world.sgMembers.get(owner.name)! : new Set(world.vmsOfSubnet.get(owner.name)!.keys()));
  }
  return out;
}

const NONE: ReadonlySet<number> = new Set();

/** The policies whose match holds for a packet, the deciding one first. */
export function matchingPolicies(table: PolicyTable, sets: ReadonlyMap<string, ReadonlySet<number>>, src: number, dst: number): Policy[] {
  return table.policies.filter((p) => evaluateMatch(p.expr, { src, dst }, (name) => sets.get(name) ?? NONE));
}
