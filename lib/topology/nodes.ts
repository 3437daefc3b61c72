// Nodes, where VMs run, which tunnels between nodes are cut, and the MTUs a guest and the overlay
// have. Pure: the loader, the model and the targets read the same answers.
import { dhcpV4Of } from './dhcp.ts';
import { GENEVE_OVERHEAD, NODE_NAME, UNDERLAY_MTU, type Node, type NodePair, type Subnet, type TopologySpec, type Vm } from './types.ts';

const IMPLICIT: readonly Node[] = [{ name: NODE_NAME, implicit: true }];

/** The nodes of a spec: its `nodes`, or the one implicit node NODE_NAME of a file (or code) without them. */
export function nodesOf(spec: Pick<TopologySpec, 'nodes'>): readonly Node[] {
  return spec.nodes?.length ? spec.nodes : IMPLICIT;
}

/** `{ node }`, the node a cluster must run the VM on, or `{}` when the topology names no real node (the scheduler places it). */
export function pinnedNode(spec: Pick<TopologySpec, 'nodes'>, vm: Pick<Vm, 'node'>): { node?: string } {
  return nodesOf(spec)[0]!.implicit || vm.node === undefined ? {} : { node: vm.node };
}

/** The node a VM runs on (the loader always fills it; a spec built in code may not). */
export function nodeOf(vm: Pick<Vm, 'node'>): string {
  return vm.node ?? NODE_NAME;
}

/**
 * The node of everything that is not a VM: the internet and external hosts, EIPs and NAT
 * gateways, and the node namespace natOutgoing leaves through.
 */
export function firstNodeOf(spec: Pick<TopologySpec, 'nodes'>): string {
  return nodesOf(spec)[0]!.name;
}

/**
 * Where each VM runs. A VM with `node` runs there; one that ran in the previous phase stays where
 * it was (a running VM moves only when a patch gives it a node: a live migration); any other runs on
 * nodes[i % n], i its position in the list, so neighbours in the file land on different nodes and
 * most pairs cross nodes, as they do on a cluster whose scheduler spreads VMs.
 */
export function placeVms(vms: readonly Vm[], nodes: readonly Node[], before: ReadonlyMap<string, string> = new Map()): Vm[] {
  return vms.map((vm, i) => (vm.node !== undefined ? vm : { ...vm, node: before.get(vm.name) ?? nodes[i % nodes.length]!.name }));
}

/** One spelling per pair: the two names in sorted order. */
export function nodePair(a: string, b: string): NodePair {
  return a < b ? [a, b] : [b, a];
}

export function samePair(p: NodePair, q: NodePair): boolean {
  const [a, b] = nodePair(p[0], p[1]);
  const [c, d] = nodePair(q[0], q[1]);
  return a === c && b === d;
}

export interface TunnelProblem {
  /** Path of the offending pair, e.g. "phases[1].restoreTunnels[0]". */
  readonly path: string;
  readonly message: string;
}

/**
 * The tunnels down after a phase: the previous ones minus `restore`, plus `cut`. Each pair names two
 * different declared nodes; restoring a tunnel that is up, or cutting one that is down, is a problem
 * (the author's picture of the cluster is off).
 */
export function tunnelsAfter(
  previous: readonly NodePair[],
  change: { readonly cut: readonly (readonly string[])[]; readonly restore: readonly (readonly string[])[] },
  nodes: readonly Node[],
  phasePath: string,
): { down: NodePair[]; problems: TunnelProblem[] } {
  const names = nodes.map((n) => n.name);
  const problems: TunnelProblem[] = [];
  const down = [...previous];
  const pairOf = (raw: readonly string[], path: string): NodePair | undefined => {
    const bad = raw.findIndex((n) => !names.includes(n));
    if (bad >= 0) return void problems.push({ path: `${path}[${bad}]`, message: `no node named "${raw[bad]}"; nodes: ${names.join(', ')}${names.length === 1 && names[0] === NODE_NAME ? ' (a file without nodes: has one node; declare nodes: to cut tunnels)' : ''}` });
    if (raw[0] === raw[1]) return void problems.push({ path, message: `a tunnel joins two different nodes; both ends are ${raw[0]}` });
    return nodePair(raw[0]!, raw[1]!);
  };
  change.restore.forEach((raw, i) => {
    const path = `${phasePath}.restoreTunnels[${i}]`;
    const pair = pairOf(raw, path);
    if (!pair) return;
    const at = down.findIndex((p) => samePair(p, pair));
    if (at < 0) return void problems.push({ path, message: `the tunnel between ${pair[0]} and ${pair[1]} is not cut, so there is nothing to restore${down.length ? ` (cut: ${down.map((p) => p.join('-')).join(', ')})` : ''}` });
    down.splice(at, 1);
  });
  change.cut.forEach((raw, i) => {
    const path = `${phasePath}.cutTunnels[${i}]`;
    const pair = pairOf(raw, path);
    if (!pair) return;
    if (down.some((p) => samePair(p, pair))) return void problems.push({ path, message: `the tunnel between ${pair[0]} and ${pair[1]} is already cut` });
    down.push(pair);
  });
  return { down, problems };
}

/**
 * The overlay's MTU on a subnet: its `mtu`, else Kube-OVN's underlay MTU minus 100 for Geneve
 * (kube-ovn v1.14.10 pkg/util/const.go DefaultMTU, GeneveHeaderLength).
 */
export function overlayMtuOf(subnet: Subnet): number {
  return subnet.mtu ?? UNDERLAY_MTU - 100;
}

/**
 * The MTU on the guest's NIC: its own `mtu`, else what DHCP hands out (managedtap on an
 * enableDHCP subnet, dhcpV4Options may override it), else the overlay's: KubeVirt's bridge binding
 * gives the guest the pod interface's MTU, which Kube-OVN sets from the subnet.
 */
export function guestMtuOf(vm: Vm, subnet: Subnet): number {
  if (vm.mtu !== undefined) return vm.mtu;
  const dhcp = vm.binding === 'managedtap' ? dhcpV4Of(subnet) : undefined;
  return dhcp?.mtu ?? overlayMtuOf(subnet);
}

/** The largest packet (IP header included) that crosses between nodes: the underlay less Geneve. */
export const TUNNEL_MTU = UNDERLAY_MTU - GENEVE_OVERHEAD;
/** IPv4 (20) and ICMP echo (8) headers: a ping's packet is its payload plus these. */
export const ICMP_HEADERS = 28;
