// The ACLs Kube-OVN puts on a logical switch for a private subnet and on port groups for
// security groups. Both live in OVN ACL tier 2 and are merged by priority on one switch.
import type { SecurityGroup, SecurityGroupRule, WireProtocol } from '../topology/types.ts';
import { JOIN_CIDR } from '../topology/types.ts';
import { contains, formatIPv4, parsePrefixOrAddress, type Prefix } from '../net/ipv4.ts';
import { JOIN, type SubnetInfo, type VmInfo, type World } from './world.ts';

export interface Packet {
  readonly src: number;
  readonly dst: number;
  /** What the packet carries (an mtu probe is icmp, a bulk one tcp). */
  readonly probe: WireProtocol;
  readonly port?: number;
}

export type Direction = 'to-lport' | 'from-lport';

export interface Acl {
  readonly priority: number;
  readonly action: 'allow-related' | 'drop';
  readonly direction: Direction;
  /** The ACL as an operator reads it in `ovn-nbctl acl-list`, prefixed by its owner. */
  readonly text: string;
  readonly kind: 'private' | 'security-group';
  readonly matches: (p: Packet) => boolean;
  /** An allow worth naming in a reason: an allowSubnets entry or a security group rule. */
  readonly notable: boolean;
  /** For drops that win by default: what would have been needed to let the packet through. */
  readonly hint?: (p: Packet) => string;
}

/**
 * pkg/ovs/ovn-nb-acl.go SetLogicalSwitchPrivate: all to-lport, so they also act on packets
 * headed for the switch's router port (traffic leaving the subnet).
 */
function privateAcls(s: SubnetInfo): Acl[] {
  const cidr = s.subnet.cidrBlock;
  const acl = (priority: number, action: Acl['action'], match: string, matches: Acl['matches'], notable = false): Acl => ({
    priority, action, direction: 'to-lport', text: `${action} ${match}`, kind: 'private', matches, notable,
  });
  const inC = (ip: number) => contains(s.prefix, ip);
  return [
    { ...acl(1000, 'drop', 'ip', () => true), hint: (p) => `${formatIPv4(inC(p.src) ? p.dst : p.src)} not in allowSubnets` },
    acl(1001, 'allow-related', `ip4.src == ${cidr} && ip4.dst == ${cidr}`, (p) => inC(p.src) && inC(p.dst)),
    ...s.allow.map((a, i) =>
      acl(1001, 'allow-related', `(ip4.src == ${cidr} && ip4.dst == ${s.subnet.allowSubnets[i]}) || (ip4.src == ${s.subnet.allowSubnets[i]} && ip4.dst == ${cidr})`,
        (p) => (inC(p.src) && contains(a, p.dst)) || (contains(a, p.src) && inC(p.dst)), true),
    ),
    acl(3000, 'allow-related', `ip4.src == ${JOIN_CIDR}`, (p) => contains(JOIN, p.src)),
  ];
}

function protoMatches(rule: SecurityGroupRule, p: Packet): boolean {
  if (rule.protocol === 'all') return true;
  if (rule.protocol !== p.probe) return false;
  return p.probe !== 'tcp' || (p.port !== undefined && p.port >= (rule.portRangeMin ?? 1) && p.port <= (rule.portRangeMax ?? 65535));
}

function describeRule(rule: SecurityGroupRule): string {
  const proto = rule.protocol === 'tcp' || rule.protocol === 'udp'
    ? `${rule.protocol} ${rule.portRangeMin === rule.portRangeMax ? rule.portRangeMin : `${rule.portRangeMin}-${rule.portRangeMax}`}`
    : rule.protocol;
  const remote = rule.remoteType === 'address' ? rule.remoteAddress : `security group ${rule.remoteSecurityGroup}`;
  return `${rule.policy} ${proto} ${remote}`;
}

/**
 * pkg/ovs/ovn-nb-acl.go: newSgRuleACL (priority SecurityGroupHighestPriority 2300 - rule.priority
 * on v1.13-v1.15; ingress matches `outport == @pg && ip4.src == remote`, egress
 * `inport == @pg && ip4.dst == remote`), allowSameGroupTraffic at 2004, and CreateSgDenyAllACL:
 * every port of any security group also drops ip at 2003 in both directions.
 */
function sgAcls(world: World, sgs: readonly SecurityGroup[], direction: Direction): Acl[] {
  const ingress = direction === 'to-lport';
  const remoteOf = (p: Packet) => (ingress ? p.src : p.dst);
  const names = sgs.map((g) => g.name).join(', ');
  const out: Acl[] = [{
    priority: 2003, action: 'drop', direction, text: 'kubeovn_deny_all drop ip', kind: 'security-group', matches: () => true, notable: false,
    hint: () => `no ${ingress ? 'ingress' : 'egress'} rule of ${names} allows it`,
  }];
  for (const g of sgs) {
    if (g.allowSameGroupTraffic) {
      const members = world.sgMembers.get(g.name)!;
      out.push({ priority: 2004, action: 'allow-related', direction, text: `security group ${g.name} allowSameGroupTraffic`, kind: 'security-group', notable: true, matches: (p) => members.has(remoteOf(p)) });
    }
    (ingress ? g.ingressRules : g.egressRules).forEach((rule, i) => {
      const inRemote = remoteMatcher(world, rule);
      out.push({
        priority: 2300 - rule.priority,
        action: rule.policy === 'allow' ? 'allow-related' : 'drop',
        direction,
        text: `security group ${g.name} ${ingress ? 'ingress' : 'egress'}Rules[${i}] ${describeRule(rule)}`,
        kind: 'security-group',
        notable: true,
        matches: (p) => protoMatches(rule, p) && inRemote(remoteOf(p)),
      });
    });
  }
  return out;
}

function remoteMatcher(world: World, rule: SecurityGroupRule): (ip: number) => boolean {
  if (rule.remoteType === 'securityGroup') {
    const members = world.sgMembers.get(rule.remoteSecurityGroup ?? '') ?? new Set<number>();
    return (ip) => members.has(ip);
  }
  const prefix: Prefix = parsePrefixOrAddress(rule.remoteAddress ?? '0.0.0.0/0');
  return (ip) => contains(prefix, ip);
}

/** The highest-priority matching ACL; at equal priority a drop wins. undefined = no ACL applies. */
export function decide(acls: readonly Acl[], p: Packet): Acl | undefined {
  let best: Acl | undefined;
  for (const a of acls) {
    if (!a.matches(p)) continue;
    if (!best || a.priority > best.priority || (a.priority === best.priority && a.action === 'drop')) best = a;
  }
  return best;
}

/** ACLs compiled once per subnet and per VM port. */
export class AclIndex {
  private readonly cache = new Map<string, Acl[]>();
  constructor(private readonly world: World) {}

  /** to-lport ACLs of a switch for a packet leaving through its router port. */
  towardRouter(s: SubnetInfo): readonly Acl[] {
    return this.memo(`s:${s.name}`, () => (s.subnet.private ? privateAcls(s) : []));
  }

  /** to-lport ACLs of a switch for a packet delivered to a VM's port. */
  toVm(vm: VmInfo): readonly Acl[] {
    return this.memo(`in:${vm.name}`, () => [...this.towardRouter(vm.subnet), ...(vm.sgs.length ? sgAcls(this.world, vm.sgs, 'to-lport') : [])]);
  }

  /** from-lport ACLs of a VM's port (security group egress rules). */
  fromVm(vm: VmInfo): readonly Acl[] {
    return this.memo(`out:${vm.name}`, () => (vm.sgs.length ? sgAcls(this.world, vm.sgs, 'from-lport') : []));
  }

  private memo(key: string, make: () => Acl[]): Acl[] {
    return this.cache.get(key) ?? this.cache.set(key, make()).get(key)!;
  }
}
