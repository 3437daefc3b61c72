// What nodes add to a probe's logical path. OVN runs the routers on the sending chassis and
// tunnels a packet straight to the chassis of its next stop (a VM, a NAT gateway, the node
// namespace), so each pair of consecutive stops on different nodes is one Geneve crossing. A cut
// tunnel loses every packet between its two nodes. Geneve adds 58 bytes to the inner packet
// (GENEVE_OVERHEAD), so across nodes a 1500-byte underlay carries inner packets of 1442 bytes at
// most: a guest whose MTU is larger (1500 instead of the overlay's 1400) gets small pings through
// and loses every larger packet without an ICMP error (kubeovn/kube-ovn#4254, #2825; measured in
// the lab: payload 1414 passes, 1415 does not).
import type { Stop } from './fabric.ts';
import type { NetworkOutcome, Prediction, ProbeRequest } from './types.ts';
import type { Owner, World } from './world.ts';
import { tunnelKey } from './world.ts';
import { ICMP_HEADERS, nodePair, overlayMtuOf, TUNNEL_MTU } from '../topology/nodes.ts';
import { EXTERNAL, UNDERLAY_MTU, type NodePair } from '../topology/types.ts';
import { DEFAULT_MTU_SIZE } from '../topology/validate-probes.ts';

/** A path as the logical walk found it; `owner` and `stops` are there when the request was delivered. */
export type PathPrediction = Omit<Prediction, 'nodes' | 'tunnels' | 'largestPayload'> & {
  readonly owner?: Owner;
  readonly stops?: { readonly request: readonly Stop[]; readonly reply: readonly Stop[] };
};

interface Crossing {
  readonly from: Stop;
  readonly to: Stop;
}

function crossings(stops: readonly Stop[]): Crossing[] {
  const out: Crossing[] = [];
  for (let i = 1; i < stops.length; i++) if (stops[i]!.node !== stops[i - 1]!.node) out.push({ from: stops[i - 1]!, to: stops[i]! });
  return out;
}

const where = (c: Crossing) => `${c.from.at} on ${c.from.node}, ${c.to.at} on ${c.to.node}`;

export function acrossNodes(world: World, req: ProbeRequest, path: PathPrediction): Prediction {
  const { owner, stops, ...rest } = path;
  const fromVm = req.from === EXTERNAL ? undefined : world.vms.get(req.from);
  const fromNode = fromVm?.node ?? world.firstNode;
  const toNode = owner ? (owner.kind === 'vm' ? owner.vm.node : owner.kind === 'router' ? fromNode : world.firstNode)
    : world.vms.get(req.to)?.node ?? (path.toIp === path.fromIp ? fromNode : world.firstNode);
  const crossed = stops ? [...crossings(stops.request), ...crossings(stops.reply)] : [];
  const tunnels: NodePair[] = [];
  for (const c of crossed) {
    const pair = nodePair(c.from.node, c.to.node);
    if (!tunnels.some((t) => t[0] === pair[0] && t[1] === pair[1])) tunnels.push(pair);
  }
  const base: Prediction = { ...rest, nodes: { from: fromNode, to: toNode }, tunnels };
  // A probe that gets no answer has no source address the far end saw.
  const { seenAs: _, ...unanswered } = base;
  // The sender's own MTU refuses a Don't-Fragment ping before anything leaves it, wherever the
  // path would go: only a missing route (checked first by the kernel) or address comes before.
  const size = req.size ?? DEFAULT_MTU_SIZE;
  const packet = size + ICMP_HEADERS;
  const bytes = `${packet} bytes (${size} of payload and ${ICMP_HEADERS} of IPv4 and ICMP headers)`;
  if (req.probe === 'mtu' && fromVm?.mtu !== undefined && packet > fromVm.mtu && rest.outcome !== 'network-unreachable' && rest.disposition !== 'NO_ADDRESS') {
    return { ...unanswered, outcome: 'message-too-long', disposition: 'MTU_EXCEEDED', largestPayload: fromVm.mtu - ICMP_HEADERS,
      reason: `${req.from}'s MTU ${fromVm.mtu} cannot send ${bytes} with Don't Fragment: ping: local error: message too long` };
  }
  if (rest.disposition !== 'DELIVERED' || !owner) return base;

  const cut = world.tunnelsDown.size ? crossed.find((c) => world.tunnelsDown.has(tunnelKey(c.from.node, c.to.node))) : undefined;
  if (cut) {
    const [a, b] = nodePair(cut.from.node, cut.to.node);
    return { ...unanswered, outcome: 'timeout', disposition: 'TUNNEL_DOWN', reason: `the Geneve tunnel between ${a} and ${b} is cut (${where(cut)})` };
  }
  if ((req.probe !== 'mtu' && req.probe !== 'bulk') || base.outcome !== 'reachable') return base;

  const destination = owner.kind === 'vm' ? owner.vm : undefined;
  // Hosts that are not VMs (the external host, the node, a NAT gateway's legs) keep the underlay's MTU.
  const fromMtu = fromVm?.mtu ?? UNDERLAY_MTU;
  const toMtu = destination?.mtu ?? UNDERLAY_MTU;
  const smaller = Math.min(fromMtu, toMtu);
  const across = crossed[0];
  const subnet = (fromVm ?? destination)?.subnet.subnet;
  const overlay = subnet ? overlayMtuOf(subnet) : UNDERLAY_MTU - 100;
  // Why a guest's packets of `mtu` bytes do not fit the tunnel.
  const tooBig = (mtu: number) => mtu > overlay
    ? `guest MTU ${mtu} exceeds the overlay's ${overlay}`
    : `subnet ${subnet!.name}'s MTU ${overlay} exceeds what Geneve carries over the ${UNDERLAY_MTU}-byte underlay (${TUNNEL_MTU})`;
  const verdict = (outcome: NetworkOutcome, reason: string, disposition: Prediction['disposition'] = 'MTU_EXCEEDED'): Prediction => ({ ...(outcome === 'reachable' ? base : unanswered), outcome, disposition, reason });

  if (req.probe === 'bulk') {
    // Each end's MSS follows its own MTU, so both send segments of the smaller guest MTU.
    if (across && smaller > TUNNEL_MTU) {
      return verdict('timeout', `${tooBig(smaller)}: full-size TCP segments (${smaller} bytes) are dropped across nodes without an ICMP error, so the transfer stalls (${where(across)})`);
    }
    return across ? { ...base, reason: `${base.reason}; TCP segments of ${smaller} bytes (the smaller guest MTU) fit the tunnel's ${TUNNEL_MTU}` } : base;
  }

  const largestPayload = Math.min(smaller, across ? TUNNEL_MTU : Infinity) - ICMP_HEADERS;
  const mtu = (outcome: NetworkOutcome, reason: string): Prediction => ({ ...verdict(outcome, reason, outcome === 'reachable' ? 'DELIVERED' : 'MTU_EXCEEDED'), largestPayload });
  if (packet > toMtu) return mtu('timeout', `${destination!.name}'s MTU ${toMtu} is below the ${bytes}: the packet is dropped before the guest`);
  if (across && packet > TUNNEL_MTU) return mtu('timeout', `${tooBig(smaller)}: packets over ${TUNNEL_MTU - ICMP_HEADERS} bytes are dropped across nodes (${where(across)})`);
  return mtu('reachable', `${base.reason}; ${bytes} fit${across ? ` the tunnel (largest payload ${largestPayload})` : ''}`);
}
