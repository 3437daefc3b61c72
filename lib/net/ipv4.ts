// IPv4 addresses and prefixes as unsigned 32-bit integers: the model compares millions of
// addresses, so parsing happens once (with ipaddr.js, which rejects the lenient forms such as
// "10.1" or "010.0.0.1" that inet_aton would accept) and the math is plain integer arithmetic.
import ipaddr from 'ipaddr.js';

export interface Prefix {
  /** Network address (host bits cleared). */
  readonly network: number;
  readonly length: number;
  /** The address as written, e.g. 169.254.0.1 in 169.254.0.1/30. */
  readonly address: number;
}

export function isIPv4(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text);
}

export function parseIPv4(text: string): number {
  if (!isIPv4(text)) throw new Error(`"${text}" is not an IPv4 address`);
  const b = ipaddr.IPv4.parse(text).octets;
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

export function formatIPv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function mask(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

/** Parses "a.b.c.d/n"; a bare address is not a prefix. */
export function parsePrefix(text: string): Prefix {
  const slash = text.indexOf('/');
  if (slash < 0) throw new Error(`"${text}" is not a CIDR (missing /prefix-length)`);
  const addr = text.slice(0, slash);
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,2}$/.test(lenText) || Number(lenText) > 32) {
    throw new Error(`"${text}" has an invalid prefix length "${lenText}" (0-32)`);
  }
  const address = parseIPv4(addr);
  const length = Number(lenText);
  return { network: (address & mask(length)) >>> 0, length, address };
}

export function isPrefix(text: string): boolean {
  try {
    parsePrefix(text);
    return true;
  } catch {
    return false;
  }
}

/** A CIDR or a plain address (as /32), the forms Kube-OVN accepts for route cidr and remoteAddress. */
export function parsePrefixOrAddress(text: string): Prefix {
  return text.includes('/') ? parsePrefix(text) : { network: parseIPv4(text), length: 32, address: parseIPv4(text) };
}

export function formatPrefix(p: Prefix): string {
  return `${formatIPv4(p.network)}/${p.length}`;
}

export function contains(p: Prefix, ip: number): boolean {
  return ((ip & mask(p.length)) >>> 0) === p.network;
}

/** True when every address of inner is inside outer. */
export function covers(outer: Prefix, inner: Prefix): boolean {
  return outer.length <= inner.length && contains(outer, inner.network);
}

export function overlaps(a: Prefix, b: Prefix): boolean {
  return covers(a, b) || covers(b, a);
}

export function broadcast(p: Prefix): number {
  return (p.network | (~mask(p.length) >>> 0)) >>> 0;
}

/** First usable host: the network address + 1 (Kube-OVN's default gateway). */
export function firstHost(p: Prefix): number {
  return p.length >= 31 ? p.network : p.network + 1;
}

export function lastHost(p: Prefix): number {
  return p.length >= 31 ? broadcast(p) : broadcast(p) - 1;
}

/** RFC 1918 private space, which the Harvester docs advise against for peering links. */
const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(parsePrefix);
export function isRfc1918(ip: number): boolean {
  return RFC1918.some((p) => contains(p, ip));
}
