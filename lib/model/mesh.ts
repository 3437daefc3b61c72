// Bulk prediction for full meshes. Two VMs are interchangeable for the model when they share a
// subnet, a guest state (address or none, default route), a set of security groups, the node when
// a tunnel is cut (icmp fits any tunnel, so otherwise nodes change nothing), and an address "atom": the span
// between consecutive boundaries of every prefix the topology mentions (routes, allowSubnets,
// remote addresses, SNAT CIDRs and FIP addresses). Security-group membership follows from the set of groups, so one walk per
// pair of classes gives the outcome of every VM pair in them.
import { broadcast, parsePrefixOrAddress, type Prefix } from '../net/ipv4.ts';
import type { Model } from './predict.ts';
import { INTERNET } from '../topology/types.ts';
import type { NetworkOutcome } from './types.ts';
import type { VmInfo, World } from './world.ts';

const CODES: readonly NetworkOutcome[] = ['reachable', 'timeout', 'network-unreachable', 'refused'];

export interface Mesh {
  /** VM names, in topology order; rows and (with `internet` last when asked) columns. */
  readonly vms: readonly string[];
  readonly targets: readonly string[];
  /** Outcome of icmp from vms[i] to targets[j]; undefined for a VM to itself. */
  outcome(i: number, j: number): NetworkOutcome | undefined;
  /** How many distinct classes the mesh needed (for the benchmark's figures). */
  readonly classes: number;
}

function boundaries(world: World): Uint32Array {
  const prefixes: Prefix[] = [...world.internal];
  for (const s of world.subnets) prefixes.push(...s.allow);
  for (const v of world.vpcs.values()) for (const r of v.staticRoutes) prefixes.push(parsePrefixOrAddress(r.cidr));
  // A NAT gateway treats a source by its SNAT rules' CIDRs and its FIPs' addresses.
  for (const gw of world.gateways.values()) {
    for (const r of gw.snat) prefixes.push(r.prefix);
    for (const f of gw.fip) prefixes.push({ network: f.internalIp, address: f.internalIp, length: 32 });
  }
  for (const g of world.sgs.values()) {
    for (const r of [...g.ingressRules, ...g.egressRules]) if (r.remoteAddress) prefixes.push(parsePrefixOrAddress(r.remoteAddress));
  }
  const edges = new Set<number>();
  for (const p of prefixes) edges.add(p.network).add(broadcast(p) + 1);
  return Uint32Array.from([...edges].sort((a, b) => a - b));
}

/** Index of the atom holding ip: how many boundaries are <= ip. */
function atom(edges: Uint32Array, ip: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= ip) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `byNode`: a VM's node changes an icmp outcome only when some tunnel is cut. */
function classKey(vm: VmInfo, edges: Uint32Array, byNode: boolean): string {
  const sgs = vm.sgs.map((g) => g.name).sort().join(',');
  const g = vm.guest;
  return `${vm.subnet.name}|${g.addressed}|${g.defaultRoute?.via}|${sgs}|${atom(edges, vm.ip)}${byNode ? `|${vm.node}` : ''}`;
}

/** VMs grouped into classes the model cannot tell apart: `classOf[i]` is the class of vms[i]. */
export interface VmClasses {
  readonly classOf: Uint32Array;
  readonly members: readonly (readonly string[])[];
}

export function vmClasses(world: World, vms: readonly string[]): VmClasses {
  const edges = boundaries(world);
  const byNode = world.tunnelsDown.size > 0;
  const classOf = new Uint32Array(vms.length);
  const members: string[][] = [];
  const index = new Map<string, number>();
  vms.forEach((name, i) => {
    const key = classKey(world.vms.get(name)!, edges, byNode);
    let c = index.get(key);
    if (c === undefined) index.set(key, (c = members.push([]) - 1));
    members[c]!.push(name);
    classOf[i] = c;
  });
  return { classOf, members };
}

/** The icmp mesh between the given VMs (default: all), plus each VM to the internet when asked. */
export function predictMesh(model: Model, options: { vms?: readonly string[]; internet: boolean }): Mesh {
  const world = model.world;
  const vms = options.vms ?? [...world.vms.keys()];
  const { classOf, members } = vmClasses(world, vms);
  const n = members.length;
  const cols = n + 1;
  // Class x class outcomes, with the internet as the last column.
  const table = new Uint8Array(n * cols);
  for (let a = 0; a < n; a++) {
    const from = members[a]![0]!;
    for (let b = 0; b < n; b++) {
      const to = members[b]!.find((m) => m !== from);
      if (to !== undefined) table[a * cols + b] = CODES.indexOf(model.predict({ from, to, probe: 'icmp' }).outcome);
    }
    if (options.internet) table[a * cols + n] = CODES.indexOf(model.predict({ from, to: INTERNET, probe: 'icmp' }).outcome);
  }
  return {
    vms,
    targets: options.internet ? [...vms, INTERNET] : vms,
    classes: n,
    outcome(i, j) {
      if (i === j) return undefined;
      return CODES[table[classOf[i]! * cols + (j === vms.length ? n : classOf[j]!)]!];
    },
  };
}
