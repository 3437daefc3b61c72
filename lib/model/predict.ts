// The model's entry point: the expected outcome of one probe, with the deciding objects.
import { INTERNET, type TopologySpec } from '../topology/types.ts';
import { formatIPv4, isIPv4, parseIPv4 } from '../net/ipv4.ts';
import type { Packet } from './acl.ts';
import { Fabric, Walk, type Decision, type WalkEnd } from './forward.ts';
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

  /** The address a probe's `to` names: a VM, `internet`, or an IPv4 address. */
  resolve(to: string): number {
    const vm = this.world.vms.get(to);
    if (vm) return vm.ip;
    if (to === INTERNET) return this.world.internetIP;
    if (isIPv4(to)) return parseIPv4(to);
    throw new Error(`unknown destination "${to}": not a VM, "${INTERNET}" or an IPv4 address`);
  }

  predict(req: ProbeRequest): Prediction {
    const from = this.vm(req.from);
    const dst = this.resolve(req.to);
    const base = { fromIp: formatIPv4(from.ip), toIp: formatIPv4(dst) };
    if (dst === from.ip) return { ...base, outcome: 'reachable', disposition: 'DELIVERED', reason: `${from.name} answers itself (loopback)`, steps: [] };
    const pkt: Packet = { src: from.ip, dst, probe: req.probe, ...(req.port !== undefined && { port: req.port }) };
    const request = new Walk(this.fabric, 'request', pkt);
    const there = request.fromVm(from);
    if (!there.ok) {
      const outcome = there.atSource ? 'network-unreachable' : 'timeout';
      return { ...base, outcome, disposition: there.disposition, reason: there.reason, steps: request.steps };
    }
    const answer = respond(there.owner, req);
    const steps: Step[] = [...request.steps, { leg: 'request', at: answer.at, text: answer.text }];
    const reply = new Walk(this.fabric, 'reply', { src: dst, dst: from.ip, probe: req.probe });
    const back = this.replyFrom(reply, there.owner);
    steps.push(...reply.steps);
    if (!back.ok) {
      const disposition: Disposition = back.disposition === 'NO_ROUTE' ? 'NO_RETURN_ROUTE' : back.disposition;
      const what = back.disposition === 'NO_ROUTE' ? 'no return route' : 'the reply is lost';
      return { ...base, outcome: 'timeout', disposition, reason: `${what}: ${back.reason}`, steps };
    }
    // No route decided the request: it stayed on the source's subnet, or a router port took it.
    const direct = there.owner.kind === 'router' ? `${base.toIp} is router ${there.owner.vpc}'s own port ${there.owner.port}` : `same subnet ${from.subnet.name} (on-link)`;
    const reason = [summary(request.decisions, direct), summary(reply.decisions, '', 'return ')]
      .filter(Boolean).join('; ') + (answer.outcome === 'refused' ? `; ${answer.text}` : '');
    return { ...base, outcome: answer.outcome, disposition: 'DELIVERED', reason, steps };
  }

  private replyFrom(walk: Walk, owner: Owner): WalkEnd {
    switch (owner.kind) {
      case 'vm': return walk.fromVm(owner.vm);
      case 'router': return walk.atRouter(owner.vpc);
      // The upstream answers the node's masqueraded address; the node un-NATs and routes it in.
      case 'external':
      case 'node': return walk.atNode();
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

/** How the destination answers a request that reached it. */
function respond(owner: Owner, req: ProbeRequest): { outcome: NetworkOutcome; at: string; text: string } {
  const at = owner.kind === 'vm' ? `vm ${owner.vm.name}` : owner.kind === 'router' ? `router ${owner.vpc}` : owner.kind;
  if (req.probe === 'icmp') return { outcome: 'reachable', at, text: 'answers the echo request' };
  if (owner.kind === 'vm' && owner.vm.vm.listen.some((l) => l.port === req.port)) {
    return { outcome: 'reachable', at, text: `listens on tcp/${req.port}` };
  }
  // A VM or the upstream host without a listener sends a RST, and an OVN router answers TCP to
  // its own addresses with tcp_reset (northd lr_in_ip_input).
  const who = owner.kind === 'vm' ? owner.vm.name : owner.kind === 'router' ? `router ${owner.vpc}` : `the ${owner.kind} host`;
  return { outcome: 'refused', at, text: `nothing listens on tcp/${req.port} at ${who} (RST)` };
}

function summary(decisions: readonly Decision[], empty: string, prefix = ''): string {
  const routes = decisions.filter((d) => d.kind !== 'acl');
  const decisive = routes.some((d) => d.kind === 'route') ? routes.filter((d) => d.kind === 'route') : routes;
  const texts = [...decisive, ...decisions.filter((d) => d.kind === 'acl')].map((d) => d.text);
  return texts.length === 0 ? empty : prefix + texts.join(', ');
}
