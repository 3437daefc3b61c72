// The guest's own view of its network, read in the same control command as everything else
// (`ip -j addr`, `ip -j -4 route`): what a user would look at first when a cell fails, next to
// the model's prediction. Pure: the control command carries the reads, this parses what they
// printed. A guest whose `ip` has no JSON output (busybox, old iproute2) or whose console
// mangled it is "unavailable" with the reason; that never fails its control.
import { isIPv4, isPrefix } from '../net/ipv4.ts';
import type { Reply } from './parse.ts';

const ADDR = { id: 'guest-addr', command: 'ip -j addr show' };
const ROUTE = { id: 'guest-route', command: 'ip -j -4 route show' };
export const GUEST_READS = [ADDR, ROUTE] as const;

/**
 * The reads as parseFanout's tagged lines. `ip -j` prints its JSON on one line, so only the first
 * line is tagged (an error's further lines are dropped): no subshell and no `while read` loop per
 * read, which cost about 100 ms per VM on a loaded machine's console. The status line starts with
 * a newline because an `ip` that prints nothing leaves the tag's line open.
 */
export const GUEST_COMMAND = GUEST_READS.map((r) => `printf 'VPCHECK+ ${r.id} '; ${r.command} 2>&1; printf '\\nVPCHECK ${r.id} %s\\n' $?`).join('; ');

/**
 * A DHCP lease as the kernel holds it: an address added with a finite lifetime is `dynamic`
 * (DHCP clients add theirs so; busybox udhcpc's script does when it passes `valid_lft $lease`),
 * and its valid_lft counts down to the lease's end.
 */
export interface GuestLease {
  /** Seconds the lease had left when the guest was read (the address's valid_lft). */
  readonly remainingSec: number;
}

export interface GuestAddress {
  /** "10.0.1.5/24". */
  readonly cidr: string;
  /** Present only on an address with a finite lifetime (a DHCP lease); absent on a pinned one. */
  readonly lease?: GuestLease;
}

export interface GuestViewInterface {
  readonly name: string;
  readonly mtu: number;
  /** The kernel's operstate: UP, DOWN, UNKNOWN... */
  readonly state: string;
  /** IPv4 addresses; empty where the interface has none (a DHCP client still waiting). */
  readonly addresses: readonly GuestAddress[];
}

export interface GuestViewRoute {
  /** "default" or a CIDR. */
  readonly dst: string;
  readonly gateway?: string;
  readonly dev?: string;
  /** Who installed it: "kernel" (the connected route of an address), "dhcp", "static"...; absent = boot. */
  readonly protocol?: string;
}

/** Interfaces other than loopback, and the main table's IPv4 routes. */
export type GuestView =
  | { readonly status: 'observed'; readonly interfaces: readonly GuestViewInterface[]; readonly routes: readonly GuestViewRoute[] }
  | { readonly status: 'unavailable'; readonly reason: string };

// The kernel prints an infinite lifetime as 2^32 - 1 ("forever").
const FOREVER = 4294967295;
const SHOWN = 160;

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: Json): string | undefined => (typeof v === 'string' ? v : undefined);

/** The JSON array a read printed, or why there is none. */
function jsonArray(what: string, read: Reply | undefined): Json[] | string {
  if (!read) return `${what} printed nothing (the console output was cut short)`;
  const text = read.lines.join('\n').trim();
  const shown = text.length > SHOWN ? `${text.slice(0, SHOWN)}...` : text;
  if (read.exitCode === undefined) return `${what} did not finish (the console output was cut short): ${shown || 'no output'}`;
  if (read.exitCode !== 0) return `${what} failed (exit ${read.exitCode}; no JSON output from this ip?): ${shown || 'no output'}`;
  let parsed: Json;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return `${what} printed no JSON (${(e as Error).message}): ${shown || 'no output'}`;
  }
  return Array.isArray(parsed) ? parsed : `${what} printed JSON that is not a list: ${shown}`;
}

// Values are checked, not only typed: a console can corrupt a line and leave it valid JSON.
const NAME = /^[^\s/]{1,15}$/;
const isLength = (v: Json): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 32;

function interfaceOf(link: Json): GuestViewInterface | string | undefined {
  if (!isObject(link) || !NAME.test(str(link.ifname) ?? '') || !Number.isInteger(link.mtu)) return `an interface without a valid ifname or mtu: ${JSON.stringify(link).slice(0, SHOWN)}`;
  const flags = Array.isArray(link.flags) ? link.flags : [];
  if (link.link_type === 'loopback' || flags.includes('LOOPBACK')) return undefined;
  const addresses: GuestAddress[] = [];
  for (const a of Array.isArray(link.addr_info) ? link.addr_info : []) {
    if (!isObject(a) || a.family !== 'inet') continue;
    if (!isIPv4(str(a.local) ?? '') || !isLength(a.prefixlen)) return `an IPv4 address that is not one on ${link.ifname}: ${JSON.stringify(a).slice(0, SHOWN)}`;
    const valid = a.valid_life_time;
    const dynamic = a.dynamic === true && typeof valid === 'number' && valid !== FOREVER;
    addresses.push({ cidr: `${a.local}/${a.prefixlen}`, ...(dynamic && { lease: { remainingSec: valid } }) });
  }
  return { name: link.ifname as string, mtu: link.mtu as number, state: str(link.operstate) ?? 'UNKNOWN', addresses };
}

function routeOf(r: Json): GuestViewRoute | string {
  const dst = isObject(r) ? str(r.dst) ?? '' : '';
  const gateway = isObject(r) ? str(r.gateway) : undefined;
  // A host route's dst is a bare address.
  if (!isObject(r) || !(dst === 'default' || isPrefix(dst) || isIPv4(dst)) || (gateway !== undefined && !isIPv4(gateway))) {
    return `a route without a valid dst or gateway: ${JSON.stringify(r).slice(0, SHOWN)}`;
  }
  const dev = str(r.dev);
  const protocol = str(r.protocol);
  return { dst, ...(gateway && { gateway }), ...(dev && { dev }), ...(protocol && { protocol }) };
}

/** The guest's state from its two reads; "unavailable" names the first read that gave nothing usable. */
export function parseGuest(replies: ReadonlyMap<string, Reply>): GuestView {
  const links = jsonArray(ADDR.command, replies.get(ADDR.id));
  if (typeof links === 'string') return { status: 'unavailable', reason: links };
  const routes = jsonArray(ROUTE.command, replies.get(ROUTE.id));
  if (typeof routes === 'string') return { status: 'unavailable', reason: routes };
  const interfaces: GuestViewInterface[] = [];
  for (const link of links) {
    const i = interfaceOf(link);
    if (typeof i === 'string') return { status: 'unavailable', reason: `${ADDR.command} printed ${i}` };
    if (i) interfaces.push(i);
  }
  const parsed: GuestViewRoute[] = [];
  for (const r of routes) {
    const x = routeOf(r);
    if (typeof x === 'string') return { status: 'unavailable', reason: `${ROUTE.command} printed ${x}` };
    parsed.push(x);
  }
  return { status: 'observed', interfaces, routes: parsed };
}
