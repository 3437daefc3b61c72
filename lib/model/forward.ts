// One packet's walk through the logical topology: the VM's own route table, the switch ACLs,
// each router's lookup and policies, peering links and the node. The request leg checks ACLs;
// the reply leg does not, because every ACL involved is allow-related and conntrack passes
// replies of an allowed connection (OVN ls_in_acl / ls_out_acl "ct.est && ct.rpl" flows).
// A VPC NAT gateway is a Linux router with iptables NAT (kube-ovn v1.15.24
// dist/images/vpcnatgateway/nat-gateway.sh): the request leg records each translation it makes,
// and the reply leg reverses it only where it passes the same gateway (conntrack).
import { DEFAULT_VPC } from '../topology/types.ts';
import { contains, formatIPv4 as ip, formatPrefix } from '../net/ipv4.ts';
import { decide, type Acl, type Packet } from './acl.ts';
import type { Decision, Fabric, Stop, Translation, WalkEnd } from './fabric.ts';
import { matchingPolicies, type Policy } from './policies.ts';
import { lookup, networkOf, noRouteReason, type Egress, type Route } from './routes.ts';
import type { Disposition, Leg, Step } from './types.ts';
import { isExternal, tunnelKey, JOIN_ROUTER_IP, NODE_INTERNAL_IP, NODE_IP, ovnClusterSubnetOf, type GatewayInfo, type SubnetInfo, type VmInfo, type World } from './world.ts';

/** A policy that replaced the route lookup's choice, and that choice. */
interface Rerouted {
  readonly policy: Policy;
  readonly route: Route;
}

const fail = (disposition: Disposition, reason: string): WalkEnd => ({ ok: false, disposition, reason });

export class Walk {
  readonly steps: Step[] = [];
  readonly decisions: Decision[] = [];
  /** Request leg: what NAT gateways rewrote. */
  readonly translations: Translation[] = [];
  /** Reply leg: which of the request's translations conntrack reversed. */
  readonly reversed: Translation[] = [];
  /** The hosts the packet passed, in order (Stop). */
  readonly stops: Stop[] = [];
  private readonly visited: string[] = [];
  private pkt: Packet;

  /** `conntrack`: on the reply leg, the request's translations. */
  constructor(private readonly fabric: Fabric, private readonly leg: Leg, pkt: Packet, private readonly conntrack: readonly Translation[] = []) {
    this.pkt = pkt;
  }

  /** The packet as it is now, after any translation. */
  get packet(): Packet {
    return this.pkt;
  }

  private get world(): World {
    return this.fabric.world;
  }

  private step(at: string, text: string): void {
    this.steps.push({ leg: this.leg, at, text });
  }

  /** Everything but a VM sits on the first node. A stop on another node than the last is reached through a tunnel. */
  private stop(at: string, node = this.world.firstNode): void {
    const last = this.stops[this.stops.length - 1];
    if (last && last.node !== node) {
      const cut = this.world.tunnelsDown.has(tunnelKey(last.node, node));
      this.step(`geneve ${last.node} -> ${node}`, `tunnelled to ${at}${cut ? ': the tunnel is cut, the packet is lost' : ''}`);
    }
    this.stops.push({ at, node });
  }

  /** A VM sends the packet: its route table has the on-link subnet route and maybe a default. */
  fromVm(vm: VmInfo): WalkEnd {
    this.stop(vm.name, vm.node);
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
    // A route step or DHCP router option other than the gateway: the guest sends to that
    // neighbour instead, e.g. a NAT gateway's lanIp (Harvester v1.8's NAT gateway page).
    if (!onLink && route!.via !== s.gateway) return this.toNextHop(route!.via, s, `${vm.name} default via ${ip(route!.via)}`);
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
      const gw = [...this.world.gateways.values()].find((g) => g.vpc === vpc);
      // The reply of a connection a NAT gateway translated must pass that gateway again.
      const back = this.leg === 'reply' ? this.conntrack.find((t) => t.gw?.vpc === vpc)?.gw : undefined;
      if (back) return fail('NO_ROUTE', `${vpc} has no route to ${ip(dst)} back to NAT gateway ${back.name} (no staticRoutes 0.0.0.0/0 -> ${ip(back.lanIp)}, kube-ovn#4241)${table.ignored.map((i) => `; ${i}`).join('')}`);
      const hint = !isExternal(this.world, dst) || vpc === DEFAULT_VPC ? ''
        : gw ? `; traffic reaches NAT gateway ${gw.name} only by a route to its lanIp (staticRoutes 0.0.0.0/0 -> ${ip(gw.lanIp)}, kube-ovn#4241) or a guest route via it`
          : '; natOutgoing only applies to ovn-cluster subnets';
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
        return this.toNextHop(hop, egress.subnet);
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
    this.stop('the node namespace');
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
    // The node's uplink is on the external network (the lab's 192.0.2.254), beside the gateways' EIPs.
    this.translations.push({ kind: 'snat', before: src, after: NODE_INTERNAL_IP });
    this.pkt = { ...this.pkt, src: NODE_INTERNAL_IP };
    return this.onExternal();
  }

  /** The host `external` (the external network's gateway) sends: it reaches only that network. */
  fromExternal(): WalkEnd {
    this.stop('the external host');
    const { dst } = this.pkt;
    const ext = this.world.external;
    if (!contains(ext.prefix, dst)) {
      this.step('external', `no route to ${ip(dst)}`);
      return fail('NO_ROUTE', `the external host ${ip(ext.gateway)} reaches the VPCs only through EIPs on ${ext.name} (${formatPrefix(ext.prefix)}); ${ip(dst)} is outside it`);
    }
    this.step('external', `${ip(dst)} on-link on ${ext.name}`);
    return this.onExternal();
  }

  /** A packet on the external network (a gateway's external leg, the upstream host, the node's uplink). */
  onExternal(): WalkEnd {
    const { dst } = this.pkt;
    const ext = this.world.external;
    const gw = this.world.eipHolders.get(dst);
    if (gw) return this.atGateway(gw, 'external');
    if (dst === ext.gateway || !contains(ext.prefix, dst)) {
      if (!isExternal(this.world, dst)) {
        this.step('external', `no route to ${ip(dst)}`);
        return fail('NO_ROUTE', `the upstream ${ip(ext.gateway)} has no route to ${ip(dst)}, an address inside the topology`);
      }
      this.stop('the external host');
      this.step('external', dst === ext.gateway ? `${ip(dst)} is the upstream host` : `the upstream ${ip(ext.gateway)} routes ${ip(dst)}`);
      return { ok: true, owner: { kind: 'external' } };
    }
    if (dst === NODE_INTERNAL_IP) {
      const masqueraded = this.leg === 'reply' ? this.conntrack.find((t) => !t.gw && t.after === dst) : undefined;
      if (masqueraded) {
        this.reversed.push(masqueraded);
        this.pkt = { ...this.pkt, dst: masqueraded.before };
        this.step('node', `conntrack: destination ${ip(dst)} back to ${ip(masqueraded.before)}`);
        return this.atNode();
      }
      this.stop('the node namespace');
      this.step('node', `${ip(dst)} is the node's own address`);
      return { ok: true, owner: { kind: 'node' } };
    }
    return fail('NEIGHBOR_UNREACHABLE', `nothing on ${ext.name} answers ARP for ${ip(dst)} (no EIP, the upstream host or the node holds it)`);
  }

  /** The gateway's own stack sends (a reply from its lanIp or an EIP). */
  fromGateway(gw: GatewayInfo): WalkEnd {
    this.stop(`NAT gateway ${gw.name}`);
    return this.routeAtGateway(gw);
  }

  /**
   * A NAT gateway receives a packet on its LAN or external leg. PREROUTING: DNAT_FILTER ->
   * EXCLUSIVE_DNAT (FIP, any protocol) before SHARED_DNAT (port DNAT); a packet to one of its
   * addresses that no rule forwards is its own stack's (nothing listens there: `sleep infinity`).
   */
  private atGateway(gw: GatewayInfo, side: 'lan' | 'external'): WalkEnd {
    const at = `nat-gateway ${gw.name}`;
    if (this.visited.includes(at)) {
      this.step(at, 'seen before on this path');
      return fail('LOOP', `routing loop: ${[...this.visited, at].join(' -> ')}`);
    }
    this.visited.push(at);
    this.stop(`NAT gateway ${gw.name}`);
    this.step(at, `received on its ${side === 'lan' ? `LAN leg (${gw.subnet.name})` : 'external leg'}`);
    if (this.leg === 'reply') {
      // One connection may carry both rewrites (a FIP client through a DNAT): both are undone.
      const { src, dst } = this.pkt;
      for (const t of this.conntrack.filter((c) => c.gw === gw && c.after === (c.kind === 'snat' ? dst : src))) {
        this.reversed.push(t);
        this.pkt = t.kind === 'snat' ? { ...this.pkt, dst: t.before } : { ...this.pkt, src: t.before };
        this.step(at, `conntrack: ${t.kind === 'snat' ? 'destination' : 'source'} ${ip(t.after)} back to ${ip(t.before)}`);
      }
      return this.routeAtGateway(gw);
    }
    const { dst, probe, port } = this.pkt;
    const eip = gw.eips.get(dst);
    if (eip) {
      const fip = gw.fip.find((f) => f.eip === eip);
      const dnat = fip ? undefined : gw.dnat.find((d) => d.eip === eip && probe === d.rule.protocol && port === d.rule.externalPort);
      if (fip) {
        this.translate({ gw, kind: 'dnat', before: dst, after: fip.internalIp }, `FIP ${fip.rule.name} ${eip.name} ${ip(dst)} -> ${ip(fip.internalIp)}`);
      } else if (dnat) {
        this.translate({ gw, kind: 'dnat', before: dst, after: dnat.internalIp }, `DNAT ${dnat.rule.name} ${ip(dst)}:${port} -> ${ip(dnat.internalIp)}:${dnat.rule.internalPort}`);
        this.pkt = { ...this.pkt, port: dnat.rule.internalPort };
      } else {
        const text = `holds ${eip.name} ${ip(dst)} with no FIP${probe === 'tcp' ? ` and no DNAT rule for tcp/${port}` : ''}: its own stack answers`;
        this.step(at, text);
        this.decisions.push({ text: `${gw.name} ${text}`, kind: 'route' });
        return { ok: true, owner: { kind: 'nat-gateway', gw } };
      }
    }
    if (this.pkt.dst === gw.lanIp) {
      this.step(at, `${ip(gw.lanIp)} is its lanIp`);
      return { ok: true, owner: { kind: 'nat-gateway', gw } };
    }
    return this.routeAtGateway(gw);
  }

  /** `rule`: the rule as the reason names it, after the gateway's name. */
  private translate(t: Translation & { gw: GatewayInfo }, rule: string): void {
    this.translations.push(t);
    this.pkt = t.kind === 'snat' ? { ...this.pkt, src: t.after } : { ...this.pkt, dst: t.after };
    this.step(`nat-gateway ${t.gw.name}`, rule);
    this.decisions.push({ text: `${t.gw.name} ${rule}`, kind: 'route' });
  }

  /**
   * The gateway's routes: its subnet on-link, each other subnet of its VPC via its subnet's
   * gateway (the controller's subnet-route-add), everything else via the external network's
   * gateway. POSTROUTING on the request leg: SNAT_FILTER -> EXCLUSIVE_SNAT (a FIP's `-s ip`, no
   * `-o`, so in both directions) before SHARED_SNAT (`-o <external> -s cidr`).
   */
  private routeAtGateway(gw: GatewayInfo): WalkEnd {
    const at = `nat-gateway ${gw.name}`;
    const { dst } = this.pkt;
    const s = gw.subnet;
    const inVpc = (this.world.subnetsOfVpc.get(gw.vpc) ?? []).find((n) => contains(n.prefix, dst));
    if (inVpc) {
      this.postrouting(gw, 'lan');
      if (inVpc === s) {
        this.step(at, `route ${s.subnet.cidrBlock} dev LAN (on-link)`);
        return this.onSwitch(s, 'DENIED_IN');
      }
      this.step(at, `route ${inVpc.subnet.cidrBlock} via ${s.subnet.gateway} (subnet-route-add)`);
      const denied = this.acl(this.fabric.acls.towardRouter(s), `switch ${s.name}`, `leaving ${gw.name} for ${s.vpc}`, 'DENIED_IN', s);
      return denied ?? this.atRouter(gw.vpc);
    }
    const ext = this.world.external;
    this.step(at, `route ${contains(ext.prefix, dst) ? `${formatPrefix(ext.prefix)} dev external (on-link)` : `default via ${ip(ext.gateway)} dev external`}`);
    if (this.leg === 'request') {
      const src = this.pkt.src;
      this.postrouting(gw, 'external');
      if (!contains(ext.prefix, this.pkt.src)) {
        this.step(at, `no FIP for ${ip(src)} and no SNAT rule covers it: it leaves with its private source`);
        return fail('NO_NAT', `NAT gateway ${gw.name} has no SNAT or FIP rule for ${ip(src)}: it leaves with its private source and the upstream cannot route the reply`);
      }
    }
    return this.onExternal();
  }

  private postrouting(gw: GatewayInfo, out: 'lan' | 'external'): void {
    if (this.leg !== 'request') return;
    const { src } = this.pkt;
    const fip = gw.fip.find((f) => f.internalIp === src);
    if (fip) return this.translate({ gw, kind: 'snat', before: src, after: fip.eip.ip }, `FIP ${fip.rule.name} ${ip(src)} -> ${fip.eip.name} ${ip(fip.eip.ip)}`);
    const snat = out === 'external' ? gw.snat.find((r) => contains(r.prefix, src)) : undefined;
    if (snat) this.translate({ gw, kind: 'snat', before: src, after: snat.eip.ip }, `SNAT ${snat.rule.name} ${snat.rule.internalCIDR} -> ${snat.eip.name} ${ip(snat.eip.ip)}`);
  }

  /** To a next hop on a switch: a NAT gateway's lanIp forwards, anything else does not answer. */
  private toNextHop(hop: number, s: SubnetInfo, route?: string): WalkEnd {
    const gw = this.world.gatewaysOfSubnet.get(s.name)?.get(hop);
    if (!gw) return this.deadNextHop(hop, s);
    if (route) this.decisions.push({ text: `${route} (${gw.name}'s lanIp)`, kind: 'route' });
    const denied = this.acl(this.fabric.acls.towardRouter(s), `switch ${s.name}`, `entering ${gw.name}`, 'DENIED_OUT', s);
    return denied ?? this.atGateway(gw, 'lan');
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
    const gw = vm ? undefined : this.world.gatewaysOfSubnet.get(s.name)?.get(this.pkt.dst);
    if (gw) {
      // The gateway's port has no security group; the switch's private ACLs are on every port.
      const denied = this.acl(this.fabric.acls.towardRouter(s), `switch ${s.name}`, `entering ${gw.name}`, disposition, s);
      return denied ?? this.atGateway(gw, 'lan');
    }
    if (!vm) return fail('NEIGHBOR_UNREACHABLE', `no VM holds ${ip(this.pkt.dst)} in subnet ${s.name}: ARP gets no answer`);
    // OVN knows the port's address and delivers to it; the guest's kernel, holding none, drops it.
    if (!vm.guest.addressed) return fail('NO_ADDRESS', `${vm.name} does not hold ${ip(this.pkt.dst)}: ${vm.guest.address}`);
    const denied = this.acl(this.fabric.acls.toVm(vm), `switch ${s.name}`, `entering ${vm.name}`, disposition, s, vm);
    if (denied) return denied;
    this.stop(vm.name, vm.node);
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
