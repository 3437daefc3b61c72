// The model's entry point: the expected outcome of one probe, with the deciding objects.
import { EXTERNAL, INTERNET, WIRE_PROTOCOL, type TopologySpec } from '../topology/types.ts';
import { contains, formatIPv4, isIPv4, parseIPv4 } from '../net/ipv4.ts';
import type { Packet } from './acl.ts';
import { Fabric, type Decision, type Stop, type WalkEnd } from './fabric.ts';
import { Walk } from './forward.ts';
import { acrossNodes, type PathPrediction } from './across-nodes.ts';
import type { Disposition, ModelOptions, NetworkOutcome, Prediction, ProbeRequest, Step } from './types.ts';
import type { GuestState } from './guest.ts';
import { buildWorld, type Owner, type VmInfo, type World } from './world.ts';

export class Model {
  readonly world: World;
  private readonly fabric: Fabric;

  constructor(spec: TopologySpec, options: ModelOptions) {
    this.world = buildWorld(spec, options.internetIP);
    this.fabric = new Fabric(this.world);
  }

  /** The address a VM gets (fixed or from IPAM). */
  addressOf(vmName: string): string {
    return formatIPv4(this.vm(vmName).ip);
  }

  /** The VM's own state before any probe: address or none, default route, MTU (guest.ts). */
  guestOf(vmName: string): GuestState {
    return this.vm(vmName).guest;
  }

  /** The address a probe's `to` names: a VM, `internet`, an EIP, or an IPv4 address. */
  resolve(to: string): number {
    const vm = this.world.vms.get(to);
    if (vm) return vm.ip;
    if (to === INTERNET) return this.world.internetIP;
    const eip = this.world.eipsByName.get(to);
    if (eip) return eip.ip;
    if (isIPv4(to)) return parseIPv4(to);
    throw new Error(`unknown destination "${to}": not a VM, "${INTERNET}", an EIP or an IPv4 address`);
  }

  /** The address a probe's `from` sends from: a VM's, or for `external` the external network's gateway. */
  sourceOf(from: string): number {
    return from === EXTERNAL ? this.world.external.gateway : this.vm(from).ip;
  }

  /** The outcome of one probe: its path through the topology, then the tunnels and MTUs between nodes on it. */
  predict(req: ProbeRequest): Prediction {
    return acrossNodes(this.world, req, this.path(req));
  }

  /** The logical path of the probe's packets, as one node would carry them. */
  private path(req: ProbeRequest): PathPrediction {
    const from = req.from === EXTERNAL ? undefined : this.vm(req.from);
    const src = this.sourceOf(req.from);
    const dst = this.resolve(req.to);
    const base = { fromIp: formatIPv4(src), toIp: formatIPv4(dst) };
    if (dst === src) return { ...base, outcome: 'reachable', disposition: 'DELIVERED', reason: `${req.from} answers itself (loopback)`, steps: [] };
    const pkt: Packet = { src, dst, probe: WIRE_PROTOCOL[req.probe], ...(req.port !== undefined && { port: req.port }) };
    const request = new Walk(this.fabric, 'request', pkt);
    const there = from ? request.fromVm(from) : request.fromExternal();
    if (!there.ok) {
      const outcome = there.atSource ? 'network-unreachable' : 'timeout';
      return { ...base, outcome, disposition: there.disposition, reason: there.reason, steps: request.steps };
    }
    // What the destination received, after any NAT gateway rewrote it.
    const got = request.packet;
    const answer = respond(there.owner, got.probe === 'tcp' ? got.port : undefined);
    const steps: Step[] = [...request.steps, { leg: 'request', at: answer.at, text: answer.text }];
    const reply = new Walk(this.fabric, 'reply', { src: got.dst, dst: got.src, probe: got.probe }, request.translations);
    const back = this.replyFrom(reply, there.owner);
    steps.push(...reply.steps);
    if (!back.ok) {
      const disposition: Disposition = back.disposition === 'NO_ROUTE' ? 'NO_RETURN_ROUTE' : back.disposition;
      const what = back.disposition === 'NO_ROUTE' ? 'no return route' : 'the reply is lost';
      return { ...base, outcome: 'timeout', disposition, reason: `${what}: ${back.reason}`, steps };
    }
    // A translation the reply did not pass back through: the reply arrives from the wrong address.
    const bypassed = request.translations.find((t) => !reply.reversed.includes(t));
    if (bypassed) {
      const [seen, expected] = bypassed.kind === 'dnat' ? [bypassed.after, bypassed.before] : [bypassed.before, bypassed.after];
      return {
        ...base, outcome: 'timeout', disposition: 'NO_RETURN_ROUTE', steps,
        reason: `the reply bypasses ${bypassed.gw ? `NAT gateway ${bypassed.gw.name}` : 'the node'}: it comes from ${formatIPv4(seen)}, not ${formatIPv4(expected)}, and is not part of the connection`,
      };
    }
    // No route decided the request: it stayed on the source's subnet, or a router port took it.
    const direct = there.owner.kind === 'router' ? `${base.toIp} is router ${there.owner.vpc}'s own port ${there.owner.port}`
      : there.owner.kind === 'nat-gateway' ? `${base.toIp} is NAT gateway ${there.owner.gw.name}'s lanIp`
        : from ? `same subnet ${from.subnet.name} (on-link)` : `on-link on ${this.world.external.name}`;
    const reason = [summary(request.decisions, direct), summary(reply.decisions, '', 'return ')]
      .filter(Boolean).join('; ') + (answer.outcome === 'refused' ? `; ${answer.text}` : '');
    const stops: { request: readonly Stop[]; reply: readonly Stop[] } = { request: request.stops, reply: reply.stops };
    return { ...base, outcome: answer.outcome, disposition: 'DELIVERED', reason, steps, owner: there.owner, stops, ...(there.owner.kind === 'external' && { seenAs: formatIPv4(got.src) }) };
  }

  private replyFrom(walk: Walk, owner: Owner): WalkEnd {
    switch (owner.kind) {
      case 'vm': return walk.fromVm(owner.vm);
      case 'router': return walk.atRouter(owner.vpc);
      case 'nat-gateway': return walk.fromGateway(owner.gw);
      // The upstream answers the address it saw: an EIP, or the node's masqueraded address.
      case 'external': return walk.onExternal();
      // The node answers the external network from its uplink, anything else through ovn-cluster.
      case 'node': return contains(this.world.external.prefix, walk.packet.dst) ? walk.onExternal() : walk.atNode();
    }
  }

  private vm(name: string): VmInfo {
    const vm = this.world.vms.get(name);
    if (!vm) throw new Error(`unknown VM "${name}" (or it has no subnet)`);
    return vm;
  }
}

export function buildModel(spec: TopologySpec, options: ModelOptions): Model {
  return new Model(spec, options);
}

/** How the destination answers a request that reached it; `port` is undefined for icmp. */
function respond(owner: Owner, port: number | undefined): { outcome: NetworkOutcome; at: string; text: string } {
  const at = owner.kind === 'vm' ? `vm ${owner.vm.name}` : owner.kind === 'router' ? `router ${owner.vpc}` : owner.kind === 'nat-gateway' ? `nat-gateway ${owner.gw.name}` : owner.kind;
  if (port === undefined) return { outcome: 'reachable', at, text: 'answers the echo request' };
  if (owner.kind === 'vm' && owner.vm.vm.listen.some((l) => l.port === port)) {
    return { outcome: 'reachable', at, text: `listens on tcp/${port}` };
  }
  // A VM or the upstream host without a listener sends a RST, an OVN router answers TCP to its
  // own addresses with tcp_reset (northd lr_in_ip_input), and a NAT gateway's pod runs only
  // `sleep infinity`, so its kernel resets (kube-ovn v1.15.24 pkg/controller/vpc_nat_gateway.go).
  const who = owner.kind === 'vm' ? owner.vm.name : owner.kind === 'router' ? `router ${owner.vpc}` : owner.kind === 'nat-gateway' ? `NAT gateway ${owner.gw.name}` : `the ${owner.kind} host`;
  return { outcome: 'refused', at, text: `nothing listens on tcp/${port} at ${who} (RST)` };
}

function summary(decisions: readonly Decision[], empty: string, prefix = ''): string {
  const routes = decisions.filter((d) => d.kind !== 'acl');
  const decisive = routes.some((d) => d.kind === 'route') ? routes.filter((d) => d.kind === 'route') : routes;
  const texts = [...decisive, ...decisions.filter((d) => d.kind === 'acl')].map((d) => d.text);
  return texts.length === 0 ? empty : prefix + texts.join(', ');
}
