// Probe lists and expectations: every name they use must exist in the phase they run in.
import { isIPv4 } from '../net/ipv4.ts';
import type { RawExpectation } from './schema.ts';
import { suggest } from './structure.ts';
import { EXTERNAL, INTERNET, type Expectation, type Outcome, type ProbeKind, type TopologySpec } from './types.ts';
import type { Report } from './validate.ts';

export function checkEndpoints(spec: TopologySpec, from: string, to: string, path: string, report: Report): void {
  const vms = spec.vms.map((v) => v.name);
  const eips = spec.eips.map((e) => e.name);
  if (from === EXTERNAL) {
    if (!eips.includes(to)) report('error', `${path}.to`, `from ${EXTERNAL}, to: names an EIP${suggest(to, eips)}; eips: ${eips.join(', ') || 'none'} (the external host reaches the VPC only through a NAT gateway's EIPs)`);
    return;
  }
  if (!vms.includes(from)) report('error', `${path}.from`, `no VM named "${from}"${suggest(from, vms)}; VMs: ${vms.join(', ') || 'none'}, or "${EXTERNAL}"`);
  if (eips.includes(to)) {
    report('error', `${path}.to`, `EIP ${to} is probed from ${EXTERNAL}; from a VM, reaching an EIP (hairpin through the NAT gateway) is not modelled`);
  } else if (to !== INTERNET && !vms.includes(to) && !isIPv4(to)) {
    report('error', `${path}.to`, `"${to}" is neither a VM${suggest(to, vms)}, an IPv4 address, "internet", nor an EIP`);
  }
}

export function checkPort(port: number, path: string, report: Report): void {
  if (port < 1 || port > 65535) report('error', path, `port ${port} is not in 1-65535`);
}

/** `ping -M do -s 1472`: a 1500-byte packet, the most a 1500-byte link carries unfragmented. */
export const DEFAULT_MTU_SIZE = 1472;
/** The largest ICMP payload of one IPv4 datagram (65535 - 20 - 8). */
export const MAX_MTU_SIZE = 65507;
export const DEFAULT_BULK_MEGABYTES = 10;
export const MAX_BULK_MEGABYTES = 1024;
export const MEBIBYTE = 1048576;

export function checkMtuSize(size: number, path: string, report: Report): void {
  if (size < 0 || size > MAX_MTU_SIZE) report('error', path, `size ${size} is not in 0-${MAX_MTU_SIZE} (ICMP payload bytes of one IPv4 packet)`);
}

export function checkMegabytes(megabytes: number, path: string, report: Report): void {
  if (megabytes < 1 || megabytes > MAX_BULK_MEGABYTES) report('error', path, `megabytes ${megabytes} is not in 1-${MAX_BULK_MEGABYTES}`);
}

/** A bulk probe's destination runs vpcheck's echo service on one of its `listen:` ports. */
export function checkBulkDestination(spec: TopologySpec, to: string, port: number, path: string, report: Report): void {
  const vm = spec.vms.find((v) => v.name === to);
  if (!vm) {
    if (spec.eips.some((e) => e.name === to) || to === INTERNET || isIPv4(to)) report('error', `${path}.to`, `a bulk probe goes to a VM, whose listen: port runs the echo service; "${to}" is not one`);
    return;
  }
  if (!vm.listen.some((l) => l.port === port)) {
    report('error', `${path}.port`, `VM ${to} does not listen on tcp/${port}; a bulk probe needs the port in its listen: (${vm.listen.map((l) => `tcp/${l.port}`).join(', ') || 'none'}), where the echo service runs`);
  }
}

/** Which fields each probe kind takes on an `expect:` line, and which outcome only it can show. */
const KIND_FIELDS: Readonly<Record<ProbeKind, { port: boolean; size: boolean; megabytes: boolean }>> = {
  icmp: { port: false, size: false, megabytes: false },
  tcp: { port: true, size: false, megabytes: false },
  mtu: { port: false, size: true, megabytes: false },
  bulk: { port: true, size: false, megabytes: true },
};
const ONLY_FOR: Partial<Record<Outcome, readonly ProbeKind[]>> = { refused: ['tcp', 'bulk'], 'message-too-long': ['mtu'] };

/** Normalizes one expect: line; reports contradictions. */
export function expectationOf(raw: RawExpectation, path: string, spec: TopologySpec, report: Report): Expectation | undefined {
  checkEndpoints(spec, raw.from, raw.to, path, report);
  if (raw.port !== undefined) checkPort(raw.port, `${path}.port`, report);
  const probe: ProbeKind = raw.probe ?? (raw.port === undefined ? 'icmp' : 'tcp');
  const fields = KIND_FIELDS[probe];
  const probePath = raw.probe === undefined ? path : `${path}.probe`;
  let fit = true;
  for (const field of ['port', 'size', 'megabytes'] as const) {
    if (raw[field] !== undefined && !fields[field]) {
      fit = false;
      report('error', `${path}.${field}`, `probe ${probe} takes no ${field}${field === 'size' ? ' (size is an mtu probe\'s payload; a bulk probe takes megabytes)' : field === 'megabytes' ? ' (megabytes is a bulk probe\'s volume)' : ''}`);
    }
  }
  if (fields.port && raw.port === undefined) {
    report('error', probePath, `probe ${probe} needs a port${probe === 'bulk' ? ' (a listen: port of the destination, where its echo service runs)' : ''}`);
    return undefined;
  }
  if (raw.size !== undefined) checkMtuSize(raw.size, `${path}.size`, report);
  if (raw.megabytes !== undefined) checkMegabytes(raw.megabytes, `${path}.megabytes`, report);
  if (probe === 'bulk') checkBulkDestination(spec, raw.to, raw.port!, path, report);
  if (!fit) return undefined;
  if (raw.reachable === undefined && raw.outcome === undefined) {
    report('error', path, 'an expectation needs reachable: true|false or an outcome');
    return undefined;
  }
  if (raw.reachable !== undefined && raw.outcome !== undefined && raw.reachable !== (raw.outcome === 'reachable')) {
    report('error', `${path}.outcome`, `outcome ${raw.outcome} contradicts reachable: ${raw.reachable}`);
    return undefined;
  }
  const kinds = raw.outcome === undefined ? undefined : ONLY_FOR[raw.outcome as Outcome];
  if (kinds && !kinds.includes(probe)) {
    const why = raw.outcome === 'refused' ? (raw.probe === undefined ? 'outcome refused needs a port (only a tcp probe can be refused)' : `outcome refused needs probe tcp or bulk (a connection a RST answers); this is probe ${probe}`)
      : `outcome message-too-long needs probe mtu (the sender's own MTU refuses a Don't-Fragment ping); this is probe ${probe}`;
    report('error', `${path}.outcome`, why);
    return undefined;
  }
  if (raw.maxOutageMs !== undefined) {
    const problem = raw.maxOutageMs < 1 ? 'must be 1 or more (milliseconds)'
      : probe !== 'icmp' ? `bounds an icmp path only (the outage window pings); this is probe ${probe}`
      : !(raw.reachable ?? raw.outcome === 'reachable') ? 'needs reachable: true (a path that must stay up)'
      : undefined;
    if (problem) {
      report('error', `${path}.maxOutageMs`, `maxOutageMs ${problem}`);
      return undefined;
    }
  }
  const size = probe === 'mtu' ? raw.size ?? DEFAULT_MTU_SIZE : probe === 'bulk' ? (raw.megabytes ?? DEFAULT_BULK_MEGABYTES) * MEBIBYTE : undefined;
  return {
    from: raw.from,
    to: raw.to,
    probe,
    ...(raw.port !== undefined ? { port: raw.port } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(raw.outcome !== undefined ? { outcome: raw.outcome as Outcome } : {}),
    reachable: raw.reachable ?? raw.outcome === 'reachable',
    ...(raw.maxOutageMs !== undefined && { maxOutageMs: raw.maxOutageMs }),
    path,
  };
}

export function checkDuplicateExpectations(list: readonly Expectation[], report: Report): void {
  const seen = new Map<string, string>();
  for (const e of list) {
    const key = `${e.from}>${e.to}:${e.probe}:${e.port ?? ''}:${e.size ?? ''}`;
    const first = seen.get(key);
    if (first) report('warning', e.path, `repeats the expectation at ${first} for the same probe; this one wins`);
    seen.set(key, e.path);
  }
}
