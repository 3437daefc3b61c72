// Probe lists and expectations: every name they use must exist in the phase they run in.
import { isIPv4 } from '../net/ipv4.ts';
import type { RawExpectation } from './schema.ts';
import { suggest } from './structure.ts';
import { EXTERNAL, INTERNET, type Expectation, type Outcome, type TopologySpec } from './types.ts';
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

/** Normalizes one expect: line; reports contradictions. */
export function expectationOf(raw: RawExpectation, path: string, spec: TopologySpec, report: Report): Expectation | undefined {
  checkEndpoints(spec, raw.from, raw.to, path, report);
  if (raw.port !== undefined) checkPort(raw.port, `${path}.port`, report);
  if (raw.reachable === undefined && raw.outcome === undefined) {
    report('error', path, 'an expectation needs reachable: true|false or an outcome');
    return undefined;
  }
  if (raw.reachable !== undefined && raw.outcome !== undefined && raw.reachable !== (raw.outcome === 'reachable')) {
    report('error', `${path}.outcome`, `outcome ${raw.outcome} contradicts reachable: ${raw.reachable}`);
    return undefined;
  }
  if (raw.outcome === 'refused' && raw.port === undefined) {
    report('error', `${path}.outcome`, 'outcome refused needs a port (only a tcp probe can be refused)');
    return undefined;
  }
  if (raw.maxOutageMs !== undefined) {
    const problem = raw.maxOutageMs < 1 ? 'must be 1 or more (milliseconds)'
      : raw.port !== undefined ? 'bounds an icmp path only (the outage window pings): drop port'
      : !(raw.reachable ?? raw.outcome === 'reachable') ? 'needs reachable: true (a path that must stay up)'
      : undefined;
    if (problem) {
      report('error', `${path}.maxOutageMs`, `maxOutageMs ${problem}`);
      return undefined;
    }
  }
  return {
    from: raw.from,
    to: raw.to,
    probe: raw.port === undefined ? 'icmp' : 'tcp',
    ...(raw.port !== undefined ? { port: raw.port } : {}),
    ...(raw.outcome !== undefined ? { outcome: raw.outcome as Outcome } : {}),
    reachable: raw.reachable ?? raw.outcome === 'reachable',
    ...(raw.maxOutageMs !== undefined && { maxOutageMs: raw.maxOutageMs }),
    path,
  };
}

export function checkDuplicateExpectations(list: readonly Expectation[], report: Report): void {
  const seen = new Map<string, string>();
  for (const e of list) {
    const key = `${e.from}>${e.to}:${e.probe}:${e.port ?? ''}`;
    const first = seen.get(key);
    if (first) report('warning', e.path, `repeats the expectation at ${first} for the same probe; this one wins`);
    seen.set(key, e.path);
  }
}
