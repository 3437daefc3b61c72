// Human text for `vpcheck explain`: the hop-by-hop path of the request and of the reply, then
// the verdict. Plain text; the CLI decides about colour.
import { probeLabel } from '../topology/probe-label.ts';
import type { Prediction, ProbeRequest } from './types.ts';

/** Dispositions of a request the topology delivers (an MTU or a cut tunnel may still lose it). */
const PATH_FOUND: ReadonlySet<Prediction['disposition']> = new Set(['DELIVERED', 'MTU_EXCEEDED', 'TUNNEL_DOWN']);

/** `nodes`: the topology has several nodes, so say where the ends are and whether the path crosses nodes. */
export function renderExplain(req: ProbeRequest, p: Prediction, options: { readonly nodes?: boolean } = {}): string {
  const lines = [`${req.from} (${p.fromIp}) -> ${req.to}${req.to === p.toIp ? '' : ` (${p.toIp})`}, ${probeLabel(req)}`];
  const crossing = p.tunnels.length ? `crosses ${p.tunnels.map(([a, b]) => `${a} - ${b}`).join(', ')}` : 'stays on one node';
  if (options.nodes) lines.push(`nodes: ${req.from} on ${p.nodes.from}, ${req.to} on ${p.nodes.to}; ${PATH_FOUND.has(p.disposition) ? `the path ${crossing}` : 'the request is not delivered'}`);
  const width = Math.max(0, ...p.steps.map((s) => s.at.length));
  for (const leg of ['request', 'reply'] as const) {
    const steps = p.steps.filter((s) => s.leg === leg);
    if (steps.length === 0) continue;
    lines.push(`${leg}:`);
    steps.forEach((s, i) => lines.push(`  ${String(i + 1).padStart(2)}. ${s.at.padEnd(width)}  ${s.text}`));
  }
  lines.push(`verdict: ${p.outcome} (${p.disposition})`, `reason: ${p.reason}`);
  if (p.seenAs) lines.push(`the external host sees the source as ${p.seenAs}`);
  if (p.largestPayload !== undefined) lines.push(`largest payload that passes with Don't Fragment: ${p.largestPayload} bytes`);
  return lines.join('\n') + '\n';
}
