// One packet's walk through the logical topology: the VM's own route table, the switch ACLs,
// each router's lookup and policies, peering links and the node. The request leg checks ACLs;
// the reply leg does not, because every ACL involved is allow-related and conntrack passes
// replies of an allowed connection (OVN ls_in_acl / ls_out_acl "ct.est && ct.rpl" flows).
import { DEFAULT_VPC } from '../topology/types.ts';
import { contains, formatIPv4 as ip, formatPrefix } from '../net/ipv4.ts';
import { AclIndex, decide, type Acl, type Packet } from './acl.ts';
import { addressSetMembers, buildPolicyTable, matchingPolicies, type Policy, type PolicyTable } from './policies.ts';
import { buildRouteTable, lookup, networkOf, noRouteReason, type Egress, type Route, type RouteTable } from './routes.ts';
import type { Disposition, Leg, Step } from './types.ts';
import { isExternal, JOIN_ROUTER_IP, NODE_INTERNAL_IP, NODE_IP, ovnClusterSubnetOf, type Owner, type SubnetInfo, type VmInfo, type World } from './world.ts';

export type WalkEnd =
  | { readonly ok: true; readonly owner: Owner }
  /** `atSource`: the sending VM itself had no route, which ping reports as "Network is unreachable". */
  | { readonly ok: false; readonly disposition: Disposition; readonly reason: string; readonly atSource?: boolean };

/** What a walk decided, for the one-line reason of a delivered probe. */
export interface Decision {
  readonly text: string;
  /** Connected routes are left out of the reason when a static route (or NAT) also decided. */
  readonly kind: 'connected' | 'route' | 'acl';
}

/** A policy that replaced the route lookup's choice, and that choice. */
interface Rerouted {
  readonly policy: Policy;
  readonly route: Route;
}

/** The routers and ACLs of one topology, shared by every walk. */
export class Fabric {
  readonly acls: AclIndex;
  /** Address-set members, for policy matches. */
  readonly sets: ReadonlyMap<string, ReadonlySet<number>>;
  private readonly tables = new Map<string, RouteTable>();
  private readonly policyTables = new Map<string, PolicyTable>();
  constructor(readonly world: World) {
    this.acls = new AclIndex(world);
    this.sets = addressSetMembers(world);
    for (const vpc of world.vpcs.keys()) {
      const table = buildRouteTable(world, vpc);
      this.tables.set(vpc, table);
      this.policyTables.set(vpc, buildPolicyTable(world, vpc, (hop) => networkOf(table, hop) !== undefined));
    }
  }
  table(vpc: string): RouteTable {
    return this.tables.get(vpc)!;
  }
  policies(vpc: string): PolicyTable {
    return this.policyTables.get(vpc)!;
  }
}

const fail = (disposition: Disposition, reason: string): WalkEnd => ({ ok: false, disposition, reason });

export class Walk {
  readonly steps: Step[] = [];
  readonly decisions: Decision[] = [];
  private readonly visited: string[] = [];

  constructor(private readonly fabric: Fabric, private readonly leg: Leg, private readonly pkt: Packet) {}

  private get world(): World {
    return this.fabric.world;
  }

  private step(at: string, text: string): void {
    this.steps.push({ leg: this.leg, at, text });
  }

  /** A VM sends the packet: its route table has the on-link subnet route and maybe a default. */
  fromVm(vm: VmInfo): WalkEnd {
    const { dst } = this.pkt;
    const s = vm.subnet;
    const { guest } = vm;
    if (!guest.addressed) {
      // The request leg only: a VM without an address is never delivered a request (onSwitch).
      this.step(`vm ${vm.name}`, `no address on enp1s0, so no route at all`);
      return { ok: false, disposition: 'NO_ADDRESS', reason: `${vm.name} has no address (${guest.address}): ping: connect: Network is unreachable`, atSource: true };
    }
    const onLink = contains(s.prefix, dst);
    const route = guest.defaultRoute;
    if (!onLink && !route) {
      this.step(`vm ${vm.name}`, `route to ${ip(dst)}: none (only ${s.subnet.cidrBlock} dev enp1s0; no default route)`);
      const reason = this.leg === 'request'
        ? `${vm.name} has no default route (${guest.noRoute}) and ${ip(dst)} is outside ${s.name} (${s.subnet.cidrBlock}): ping: connect: Network is unreachable`
        : `${vm.name} has no default route (${guest.noRoute}), so it cannot answer ${ip(dst)} (outside ${s.name} ${s.subnet.cidrBlock})`;
      return { ok: false, disposition: 'NO_ROUTE', reason, atSource: this.leg === 'request' };
    }
    this.step(`vm ${vm.name}`, `route to ${ip(dst)}: ${onLink ? `${s.subnet.cidrBlock} dev enp1s0 (on-link)` : `default via ${ip(route!.via)} dev enp1s0${route!.source === 'route step' ? '' : ` (${route!.source})`}`}`);
    const denied = this.acl(this.fabric.acls.fromVm(vm), `switch ${s.name}`, `leaving ${vm.name}`, 'DENIED_OUT', s, vm);
    if (denied) return denied;
    if (onLink && dst !== s.gateway) return this.onSwitch(s, 'DENIED_IN');
    // A DHCP router option other than the gateway: the guest sends to that neighbour instead.
    if (!onLink && route!.via !== s.gateway) return this.deadNextHop(route!.via, s);
    const out = this.acl(this.fabric.acls.towardRouter(s), `switch ${s.name}`, `leaving ${s.name}`, 'DENIED_OUT', s);
    return out ?? this.atRouter(s.vpc);
  }

  /** A router holds the packet (it sends a reply, or received the request). */
  atRouter(vpc: string): WalkEnd {
    const { src, dst } = this.pkt;
    const at = `router ${vpc}`;
    if (this.visited.includes(vpc)) {
      this.step(at, 'seen before on this path');
      return fail('LOOP', `routing loop: ${[...this.visited, vpc].join(' -> ')}`);
    }
    this.visited.push(vpc);
    const port = this.world.routerPorts.get(vpc)?.get(dst);
    if (port) {
      this.step(at, `${ip(dst)} is its own port ${port}`);
      return { ok: true, owner: { kind: 'router', vpc, port } };
    }
    const table = this.fabric.table(vpc);
    const route = lookup(table, src, dst);
    if (!route) {
      this.step(at, `lookup ${ip(dst)}: no route`);
      const hint = isExternal(this.world, dst) && vpc !== DEFAULT_VPC ? '; natOutgoing only applies to ovn-cluster subnets' : '';
      return fail('NO_ROUTE', noRouteReason(table, dst) + hint);
    }
    this.step(at, `lookup ${ip(dst)}: ${route.label}`);
    const [policy, outranked] = matchingPolicies(this.fabric.policies(vpc), this.fabric.sets, src, dst);
    const over = policy?.origin === 'policyRoutes' && outranked ? outranked : undefined;
    if (policy) this.step(at, `${policy.label}${policy.origin === 'kube-ovn' ? ' (Kube-OVN)' : ''}${over ? `, outranking ${over.label}` : ''}`);
    if (policy?.action === 'drop') return fail('POLICY_DROP', `${vpc} ${policy.label} drops ${ip(src)} -> ${ip(dst)} after the route lookup (${route.label})`);
    if (policy?.action === 'reroute') {
      this.decisions.push({ text: `${vpc} ${policy.label}`, kind: 'route' });
      const net = networkOf(table, policy.nextHop!)!;
      return this.forward(vpc, net.egress, policy.nextHop!, false, { policy, route });
    }
    this.decisions.push({ text: `${vpc} route ${route.label}`, kind: route.connected ? 'connected' : 'route' });
    if (policy?.origin === 'policyRoutes') this.decisions.push({ text: `${vpc} ${policy.label}${over ? ` over ${over.label}` : ''}`, kind: 'route' });
    return this.forward(vpc, route.egress, route.nextHop ?? dst, route.connected);
  }

  /** Out of a router port towards `hop`; `rerouted`: a policy replaced the route's choice. */
  private forward(vpc: string, egress: Egress, hop: number, connected: boolean, rerouted?: Rerouted): WalkEnd {
    switch (egress.kind) {
      case 'subnet':
        if (connected) return this.onSwitch(egress.subnet, 'DENIED_IN');
        return this.deadNextHop(hop, egress.subnet);
      case 'join':
        if (hop === NODE_IP) return this.atNode(rerouted);
        if (hop === JOIN_ROUTER_IP) return fail('NEIGHBOR_UNREACHABLE', `${vpc}'s default route leads to its own join port ${ip(hop)} and no policy rerouted ${ip(this.pkt.src)} -> ${ip(this.pkt.dst)} to the node: nothing answers ARP for ${ip(hop)}`);
        return fail('NEIGHBOR_UNREACHABLE', `nothing answers ARP for ${ip(hop)} on the join network`);
      case 'link': {
        const link = egress.link;
        if (link.remoteAddress === undefined) {
          return fail('NEIGHBOR_UNREACHABLE', `peering ${vpc} -> ${link.remoteVpc} is one-sided: ${link.remoteVpc} does not list ${vpc} in vpcPeerings, so port ${link.port} has no peer`);
        }
        if (hop !== link.remoteAddress) {
          const what = connected ? 'destination' : 'next hop';
          return fail('NEIGHBOR_UNREACHABLE', `${what} ${ip(hop)} is not ${link.remoteVpc}'s localConnectIP ${ip(link.remoteAddress)}: nothing on peering port ${link.port} answers ARP for it`);
        }
        this.step(`peering ${link.port}`, `to ${link.remoteVpc} (${ip(link.remoteAddress)})`);
        return this.atRouter(link.remoteVpc);
      }
    }
  }

  /** The node behind ovn-cluster's join network. */
  atNode(rerouted?: Rerouted): WalkEnd {
    const { src, dst } = this.pkt;
    if (dst === NODE_IP || dst === NODE_INTERNAL_IP) {
      this.step('node', `${ip(dst)} is the node's own address`);
      return { ok: true, owner: { kind: 'node' } };
    }
    if (ovnClusterSubnetOf(this.world, dst)) {
      this.step('node', `route ${ip(dst)} via 100.64.0.1 (ovn-cluster)`);
      return this.atRouter(DEFAULT_VPC);
    }
    if (!isExternal(this.world, dst)) {
      this.step('node', `no route to ${ip(dst)}: sent to the upstream, which drops it`);
      if (rerouted && !rerouted.route.connected) {
        const { policy, route } = rerouted;
        return fail('REROUTED_TO_NODE', `${DEFAULT_VPC} ${policy.label} sends ${ip(src)} -> ${ip(dst)} to the node after the route lookup chose ${route.label}, and the node has no route to it: the peering is never used (harvester/harvester#8906; a policyRoutes allow above priority ${policy.priority} for ${formatPrefix(route.prefix)} on ${DEFAULT_VPC} keeps the route, kubeovn/kube-ovn#3102)`);
      }
      return fail('NO_ROUTE', `${DEFAULT_VPC} sends ${ip(dst)} to the node, and the node has no route to it`);
    }
    const natted = ovnClusterSubnetOf(this.world, src);
    if (!natted?.subnet.natOutgoing) {
      this.step('node', `no MASQUERADE for ${ip(src)}: forwarded to the upstream with its private source`);
      const why = natted
        ? `subnet ${natted.name} has natOutgoing: false, so the upstream cannot route the reply to ${natted.subnet.cidrBlock}`
        : `natOutgoing only applies to ovn-cluster subnets, so the upstream cannot route the reply to ${ip(src)}`;
      return fail('NO_NAT', `no MASQUERADE at the node: ${why}`);
    }
    this.step('node', `MASQUERADE ${natted.subnet.cidrBlock} (natOutgoing) to the upstream`);
    this.decisions.push({ text: `MASQUERADE at the node (natOutgoing on ${natted.name})`, kind: 'route' });
    return { ok: true, owner: { kind: 'external' } };
  }

  private deadNextHop(hop: number, s: SubnetInfo): WalkEnd {
    const vm = this.world.vmsOfSubnet.get(s.name)?.get(hop);
    return vm
      ? fail('NO_ROUTE', `next hop ${ip(hop)} is VM ${vm.name}, which does not forward packets`)
      : fail('NEIGHBOR_UNREACHABLE', `nothing in subnet ${s.name} answers ARP for next hop ${ip(hop)}`);
  }

  /** Delivery to the destination's port on a switch (to-lport ACLs of that port apply). */
  private onSwitch(s: SubnetInfo, disposition: Disposition): WalkEnd {
    const vm = this.world.vmsOfSubnet.get(s.name)?.get(this.pkt.dst);
    if (!vm) return fail('NEIGHBOR_UNREACHABLE', `no VM holds ${ip(this.pkt.dst)} in subnet ${s.name}: ARP gets no answer`);
    // OVN knows the port's address and delivers to it; the guest's kernel, holding none, drops it.
    if (!vm.guest.addressed) return fail('NO_ADDRESS', `${vm.name} does not hold ${ip(this.pkt.dst)}: ${vm.guest.address}`);
    const denied = this.acl(this.fabric.acls.toVm(vm), `switch ${s.name}`, `entering ${vm.name}`, disposition, s, vm);
    if (denied) return denied;
    this.step(`switch ${s.name}`, `delivered to ${vm.name}`);
    return { ok: true, owner: { kind: 'vm', vm } };
  }

  private acl(acls: readonly Acl[], at: string, where: string, disposition: Disposition, s: SubnetInfo, vm?: VmInfo): WalkEnd | undefined {
    if (this.leg === 'reply' || acls.length === 0) return undefined;
    const acl = decide(acls, this.pkt);
    if (!acl) {
      this.step(at, `${where}: no ACL matches (allowed)`);
      return undefined;
    }
    this.step(at, `${where}: ${acl.direction} ACL ${acl.text} (priority ${acl.priority})`);
    if (acl.action !== 'drop') {
      if (acl.notable) this.decisions.push({ text: `allowed by ${acl.kind === 'private' ? `subnet ${s.name} ` : ''}${acl.direction} ACL ${acl.text}`, kind: 'acl' });
      return undefined;
    }
    const owner = acl.kind === 'private' ? `${s.name} is private` : `${vm!.name} is in security group ${vm!.sgs.map((g) => g.name).join(', ')}`;
    const hint = acl.hint ? `; ${acl.hint(this.pkt)}` : '';
    return fail(disposition, `${owner}: request from ${ip(this.pkt.src)} to ${ip(this.pkt.dst)} dropped ${where} (${acl.direction} ACL ${acl.text}, priority ${acl.priority}${hint})`);
  }
}
