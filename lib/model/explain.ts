// Human text for `vpcheck explain`: the hop-by-hop path of the request and of the reply, then
// the verdict. Plain text; the CLI decides about colour.
import type { Prediction, ProbeRequest } from './types.ts';

export function renderExplain(req: ProbeRequest, p: Prediction): string {
  const probe = req.probe === 'tcp' ? `tcp/${req.port}` : 'icmp';
  const lines = [`${req.from} (${p.fromIp}) -> ${req.to}${req.to === p.toIp ? '' : ` (${p.toIp})`}, ${probe}`];
  const width = Math.max(0, ...p.steps.map((s) => s.at.length));
  for (const leg of ['request', 'reply'] as const) {
    const steps = p.steps.filter((s) => s.leg === leg);
    if (steps.length === 0) continue;
    lines.push(`${leg}:`);
    steps.forEach((s, i) => lines.push(`  ${String(i + 1).padStart(2)}. ${s.at.padEnd(width)}  ${s.text}`));
  }
  lines.push(`verdict: ${p.outcome} (${p.disposition})`, `reason: ${p.reason}`);
  if (p.seenAs) lines.push(`the external host sees the source as ${p.seenAs}`);
  return lines.join('\n') + '\n';
}
