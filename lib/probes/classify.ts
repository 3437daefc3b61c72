// Tool output -> outcome. The patterns are the exact messages of iputils ping, fping 5, bash's
// /dev/tcp and OpenBSD nc in the C locale (the fan-out sets LC_ALL=C). Anything else is `error`
// with the raw output kept: a probe that could not run is never a network verdict.
import type { Observation } from './types.ts';

export const NOT_FOUND = /command not found|No such file or directory|not installed/;
const NET_UNREACHABLE = /Network is unreachable/;
const PING_STATS = /(\d+) packets transmitted, (\d+) received(?:, \+\d+ duplicates)?(?:, \+(\d+) errors)?, ([\d.]+)% packet loss/;
const PING_RTT = /rtt min\/avg\/max\/mdev = [\d.]+\/([\d.]+)\//;
const ICMP_ERROR = /From \S+ icmp_seq=\d+ (.+)/;
// timeout(1) exits 124 when the command ran out of time.
const TIMED_OUT = 124;

export function classifyPing(exitCode: number, raw: string): Observation {
  if (NOT_FOUND.test(raw) || exitCode === 127) return { outcome: 'error', note: 'ping is not installed', raw };
  const stats = PING_STATS.exec(raw);
  if (stats && Number(stats[2]) > 0) {
    const rtt = PING_RTT.exec(raw);
    return { outcome: 'reachable', loss: Number(stats[4]), ...(rtt ? { rttMs: Number(rtt[1]) } : {}), raw };
  }
  if (NET_UNREACHABLE.test(raw)) return { outcome: 'network-unreachable', raw };
  if (stats) {
    const icmp = ICMP_ERROR.exec(raw);
    return { outcome: 'timeout', loss: 100, ...(icmp ? { note: `ICMP error: ${icmp[1]}` } : {}), raw };
  }
  return { outcome: 'error', note: `unrecognized ping output (exit ${exitCode})`, raw };
}

export function classifyTcp(exitCode: number, raw: string): Observation {
  if (exitCode === 127 || NOT_FOUND.test(raw)) return { outcome: 'error', note: 'no tcp probe tool', raw };
  if (exitCode === 0) return { outcome: 'reachable', raw };
  if (/Connection refused/.test(raw)) return { outcome: 'refused', raw };
  if (NET_UNREACHABLE.test(raw)) return { outcome: 'network-unreachable', raw };
  if (exitCode === TIMED_OUT || /timed out/.test(raw)) return { outcome: 'timeout', raw };
  // ARP got no answer (or a router said host unreachable): nobody replied, like a timeout.
  if (/No route to host/.test(raw)) return { outcome: 'timeout', note: 'No route to host', raw };
  return { outcome: 'error', note: `unrecognized tcp probe output (exit ${exitCode})`, raw };
}

/**
 * One destination's part of a shared fping run (fping -e, default mode: count mode hides the
 * "error while sending" lines, so it cannot tell "Network is unreachable" from silence).
 */
export function classifyFping(exitCode: number, raw: string, ip: string): Observation {
  const mine = raw.split('\n').filter((line) => line.startsWith(`${ip} `) || line.startsWith(`${ip}:`)).join('\n');
  if (!mine) {
    const note = NOT_FOUND.test(raw) || exitCode === 127 ? 'fping is not installed' : `fping printed nothing for ${ip} (exit ${exitCode})`;
    return { outcome: 'error', note, raw };
  }
  const alive = new RegExp(`^${ip.replaceAll('.', '\\.')} is alive(?: \\(([\\d.]+) ms\\))?`, 'm').exec(mine);
  if (alive) return { outcome: 'reachable', ...(alive[1] ? { rttMs: Number(alive[1]) } : {}), raw: mine };
  if (NET_UNREACHABLE.test(mine)) return { outcome: 'network-unreachable', raw: mine };
  if (/ is unreachable$/m.test(mine)) return { outcome: 'timeout', loss: 100, raw: mine };
  return { outcome: 'error', note: 'unrecognized fping output', raw: mine };
}
