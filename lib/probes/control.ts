// The positive control, one command per VM per phase: the VM answers on its session (with a
// fresh nonce, so stale console output cannot pass for an answer), lists its probe tools, and
// shows one on-link fact the model says must hold: a reply from its own gateway, or, where the
// model says nothing on-link answers (e.g. a security group that drops all), its address on its
// NIC. VMs that serve `listen:` ports also list their listening sockets, so a tcp timeout
// towards them can be told from a service that never started. A VM whose control fails has all
// its cells `error`: we could not have seen a real timeout from it, nor towards it. The same
// command reads the guest's own addresses and routes (lib/probes/guest.ts) for the report.
import { randomBytes } from 'node:crypto';
import { isIPv4 } from '../net/ipv4.ts';
import { GUEST_COMMAND, parseGuest, type GuestView } from './guest.ts';
import { pingCommand } from './fanout.ts';
import { parseFanout, readReplies } from './parse.ts';
import { DEFAULT_SETTINGS, type Observation, type Tools } from './types.ts';

const TOOLS = ['ping', 'fping', 'timeout', 'nc'] as const;
// A gateway gets three chances (its first reply may wait for ARP), one ping each, stopping at
// the first reply: a healthy VM pays one round trip, not three ping intervals.
const GATEWAY_TRIES = 3;
const NIC = /^[A-Za-z0-9_.-]{1,15}$/;

/** What a VM's control checks besides its session. */
export interface ControlSpec {
  /** Requires a reply from this address (the VM's gateway, where the model says it answers). */
  readonly gateway?: string;
  /** Requires this address on this NIC (where nothing on-link is predicted to answer). */
  readonly address?: { readonly ip: string; readonly nic: string };
  /** TCP ports the VM should be listening on; seen or not, they never fail the control itself. */
  readonly listen?: readonly number[];
  /**
   * Addresses that should answer ARP on the host's own segment (the external host's EIPs: the
   * gateway holding one answers for it whatever its NAT rules do with the packets); seen or not,
   * they never fail the control itself, only the cells towards them.
   */
  readonly neighbours?: readonly string[];
}

export interface Control extends ControlSpec {
  readonly command: string;
  readonly nonce: string;
}

export interface ControlObservation {
  readonly ok: boolean;
  /** The VM printed this control's nonce: its session works. */
  readonly answered: boolean;
  /** Why the control failed. */
  readonly reason?: string;
  readonly tools: Tools;
  readonly gateway?: Observation;
  /** `ip -o -4 addr` of the NIC, when the address was checked. */
  readonly address?: string;
  /** Ports with a TCP socket listening on a non-loopback address, when `listen` was asked. */
  readonly listening?: readonly number[];
  /** Per address of `neighbours`: its `ip neigh` line when it resolved, undefined when not. */
  readonly neighbours?: ReadonlyMap<string, string | undefined>;
  /** The guest's own addresses and routes, or why they could not be read. */
  readonly guest: GuestView;
}

const capture = (command: string): string => `o=$(${command} 2>&1); r=$?`;
/** Prints what `capture` caught as parseFanout reads it: `VPCHECK+ <id> <line>`..., then `VPCHECK <id> <status>`. */
function emit(id: string): string {
  // POSIX shell builtins only: the login shell may not be bash, and a VM may lack sed.
  return `printf '%s\\n' "$o" | while IFS= read -r l; do printf 'VPCHECK+ ${id} %s\\n' "$l"; done; printf 'VPCHECK ${id} %s\\n' $r`;
}

export function buildControl(spec: ControlSpec = {}): Control {
  const { gateway, address, listen, neighbours } = spec;
  if (gateway !== undefined && !isIPv4(gateway)) throw new Error(`gateway "${gateway}" is not an IPv4 address`);
  for (const ip of neighbours ?? []) if (!isIPv4(ip)) throw new Error(`neighbour "${ip}" is not an IPv4 address`);
  if (address && !(isIPv4(address.ip) && NIC.test(address.nic))) throw new Error(`"${address.ip}" on "${address.nic}" is not an address on an interface`);
  const nonce = randomBytes(4).toString('hex');
  const parts = [`printf 'VPCHECK-ALIVE %s\\n' ${nonce}`, `for t in ${TOOLS.join(' ')}; do command -v $t >/dev/null 2>&1 && printf 'VPCHECK-TOOL %s\\n' $t; done`];
  // Before the gateway's ping, so they show the state the ping met.
  parts.push(GUEST_COMMAND);
  if (gateway) {
    const ping = pingCommand(gateway, DEFAULT_SETTINGS);
    const tries = Array.from({ length: GATEWAY_TRIES }, (_, i) => i + 1).join(' ');
    parts.push(`for n in ${tries}; do ${capture(ping)}; [ $r = 0 ] && break; done; ${emit('gateway')}`);
  }
  if (address) parts.push(`${capture(`ip -o -4 addr show dev ${address.nic}`)}; ${emit('address')}`);
  // ss is iproute2's (which the image needs); netstat for images that ship only busybox's.
  if (listen?.length) parts.push(`${capture('{ ss -ltn || netstat -ltn; }')}; ${emit('listen')}`);
  // One echo request makes the host ask ARP; whether it got an answer is in its neighbour table.
  for (const ip of neighbours ?? []) parts.push(`ping -n -c 1 -W 1 ${ip} >/dev/null 2>&1; ${capture(`ip -4 neigh show ${ip}`)}; ${emit(`neigh:${ip}`)}`);
  return { command: parts.join('; '), nonce, ...spec };
}

export function parseControl(control: Control, output: string): ControlObservation {
  const has = (tool: string): boolean => new RegExp(`^VPCHECK-TOOL ${tool}\\s*$`, 'm').test(output);
  const tools: Tools = { ping: has('ping'), fping: has('fping'), timeout: has('timeout'), nc: has('nc') };
  if (!new RegExp(`^VPCHECK-ALIVE ${control.nonce}\\s*$`, 'm').test(output)) {
    const reason = 'the VM did not answer the control command';
    return { ok: false, answered: false, reason, tools, guest: { status: 'unavailable', reason } };
  }
  const replies = readReplies(output);
  const read = {
    guest: parseGuest(replies),
    ...(control.listen?.length && { listening: listeningPorts(replies.get('listen')?.lines ?? []) }),
    ...(control.neighbours?.length && { neighbours: new Map(control.neighbours.map((ip) => [ip, resolvedNeighbour(replies.get(`neigh:${ip}`)?.lines ?? [])])) }),
  };
  if (control.gateway) {
    const gateway = parseFanout(output, [{ id: 'gateway', ip: control.gateway, probe: 'icmp' }]).get('gateway')!;
    if (gateway.outcome === 'reachable') return { ok: true, answered: true, tools, gateway, ...read };
    const why = gateway.note ?? gateway.outcome;
    return { ok: false, answered: true, reason: `positive control failed: no reply from gateway ${control.gateway} (${why})`, tools, gateway, ...read };
  }
  if (control.address) {
    const { ip, nic } = control.address;
    const address = (replies.get('address')?.lines ?? []).join('\n').trim();
    if (new RegExp(`\\binet ${ip.replaceAll('.', '\\.')}/`).test(address)) return { ok: true, answered: true, tools, address, ...read };
    return { ok: false, answered: true, reason: `positive control failed: ${ip} is not on ${nic} (${address || 'no output'})`, tools, address, ...read };
  }
  return { ok: true, answered: true, tools, ...read };
}

/** The `ip neigh` line of an address whose MAC is known (not FAILED or INCOMPLETE). */
function resolvedNeighbour(lines: readonly string[]): string | undefined {
  return lines.map((l) => l.trim()).find((l) => /\blladdr\b/.test(l) && !/\b(FAILED|INCOMPLETE)\b/.test(l));
}

/** Local ports of the LISTEN lines of `ss -ltn` or `netstat -ltn`, loopback-only sockets left out. */
function listeningPorts(lines: readonly string[]): number[] {
  const ports = new Set<number>();
  for (const line of lines) {
    if (!/\bLISTEN\b/.test(line)) continue;
    // The local address is the first field of the form host:port in both tools' layouts.
    const local = line.trim().split(/\s+/).map((f) => /^(.*):(\d+)$/.exec(f)).find(Boolean);
    if (local && !/^(127\.|\[::1\]|::1$)/.test(local[1]!)) ports.add(Number(local[2]));
  }
  return [...ports].sort((a, b) => a - b);
}
