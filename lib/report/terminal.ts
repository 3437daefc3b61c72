// A run result for the terminal: per phase the expected-vs-observed grid, each differing cell
// with the model's reason beside the guests' own view of their network, the target's evidence
// and a copy-paste reproduction, then a summary.
import type { RunResult } from '../run/result.ts';
import { probeLabel } from '../topology/probe-label.ts';
import { cellLabel, measureText } from './cells.ts';
import { renderGrid } from './grid.ts';
import { outageReport } from './outage.ts';
import { cellGuestLines, cellGuests, guestText } from './guest.ts';

export interface TerminalOptions {
  readonly color: boolean;
  /** Diagnostics shown per failing cell, in lines. */
  readonly diagnosticLines?: number;
  /** The subnet of each VM, for grids summarised per subnet. */
  readonly groupOf: (vm: string) => string;
  readonly vms: readonly string[];
}

const MEASURED_MAX = 50;

export function renderRun(result: RunResult, options: TerminalOptions): string {
  const out: string[] = [];
  const maxLines = options.diagnosticLines ?? 12;
  for (const phase of result.phases) {
    const failing = phase.results.filter((c) => !c.pass);
    const converge = phase.results.filter((c) => c.convergedMs !== undefined).map((c) => c.convergedMs!);
    const conv = converge.length ? `, converged in ${Math.max(...converge)} ms (slowest cell)` : '';
    const ready = phase.readiness ? `, ${phase.readiness.kind}` : '';
    out.push(`${result.topology} — phase ${phase.name}: ${phase.results.length - failing.length}/${phase.results.length} cells pass (${(phase.durationMs / 1000).toFixed(1)} s${conv}${ready})`);
    if (phase.readiness) out.push(`  readiness: ${phase.readiness.kind} after ${(phase.readiness.waitedMs / 1000).toFixed(1)} s: ${phase.readiness.checked}`);
    const outages = outageReport(phase);
    if (outages) out.push(`  ${outages.summary}`, ...outages.rows.map((r) => `    ${r.ok ? '' : 'FAIL '}${r.path}: ${r.text}`));
    for (const c of phase.controls.filter((x) => !x.ok)) {
      out.push(`  control failed on ${c.vm}: ${c.reason}`);
      if (c.guest) out.push(`    ${c.vm} guest: ${guestText(c.guest)}`);
    }
    // Listed whether or not a cell failed: a cell that passed beside a departure passed for
    // another reason than the model's.
    for (const c of phase.controls.filter((x) => x.departures?.length)) {
      for (const d of c.departures!) out.push(`  ${c.vm} departs from the model: ${d}`);
    }
    // A phase may have removed or added VMs: its own layout says which are there (older results have none).
    const subnetOf = phase.layout && new Map(phase.layout.vms.map((v) => [v.name, v.subnet]));
    const vms = subnetOf ? [...subnetOf.keys()] : options.vms;
    const groupOf = subnetOf ? (vm: string) => subnetOf.get(vm) ?? options.groupOf(vm) : options.groupOf;
    out.push(renderGrid(phase.results.map((c) => ({ ...c, reason: c.reason })), { vms, groupOf, color: options.color, listDiffering: false }));
    const seen = seenSources(phase.results);
    if (seen) out.push(`  source address the upstream saw: ${seen}`);
    out.push(...measured(phase.results));
    for (const c of failing.slice(0, 50)) {
      const outcome = c.outage?.maxOutageMs !== undefined && c.observed === c.expected
        ? `${c.observed} as expected, but its outage window during the change failed`
        : `expected ${c.expected}, observed ${c.observed} after ${c.tries.length} ${c.tries.length === 1 ? 'try' : 'tries'}`;
      out.push(`FAIL ${c.from} -> ${c.to} (${c.toIp}) ${probeLabel(c)}: ${outcome}`);
      out.push(`  model: ${c.reason}`);
      const measure = measureText(c);
      if (measure) out.push(`  measured: ${measure}${c.detail.control ? `; the small probe beside it: ${c.detail.control}` : ''}`);
      for (const g of cellGuests(phase, c)) out.push(...cellGuestLines(g).map((l) => `  ${l}`));
      if (c.detail.note) out.push(`  probe: ${c.detail.note}`);
      for (const d of c.diagnostics ?? []) {
        const lines = d.output.trimEnd().split('\n');
        out.push(`  ${d.title}: ${d.command}`, ...lines.slice(-maxLines).map((l) => `    ${l}`));
      }
      if (c.reproduce) out.push(`  reproduce in ${c.from}'s console: ${c.reproduce.console}`, `  model's path: ${c.reproduce.explain}`);
    }
    if (failing.length > 50) out.push(`... and ${failing.length - 50} more failing cells (see the JSON result)`);
    out.push('');
  }
  for (const incident of result.incidents ?? []) out.push(`${result.target}: ${incident}`);
  const s = result.summary;
  out.push(`${result.topology}: ${s.passed} passed, ${s.failed} failed${s.errors ? ` (${s.errors} could not be probed)` : ''} — run ${result.runId} on ${result.target} over ${result.transport}`);
  return out.join('\n');
}

/** Every mtu and bulk cell with what it measured, passing or not: sizes and volumes are figures, not only verdicts. */
function measured(results: RunResult['phases'][number]['results']): string[] {
  const sized = results.filter((c) => c.probe === 'mtu' || c.probe === 'bulk');
  const lines = sized.slice(0, MEASURED_MAX).map((c) => `  ${cellLabel(c)}: ${c.observed}${measureText(c) ? `, ${measureText(c)}` : ''}`);
  if (sized.length > MEASURED_MAX) lines.push(`  ... and ${sized.length - MEASURED_MAX} more (see the JSON result)`);
  return lines.length ? ['  sizes and volumes:', ...lines] : [];
}

/** "192.0.2.100 from snat-vm, web; 192.0.2.101 from fip-vm": the sources internet cells showed. */
function seenSources(results: RunResult['phases'][number]['results']): string {
  const byAddress = new Map<string, Set<string>>();
  for (const c of results) if (c.detail.seenAs !== undefined) (byAddress.get(c.detail.seenAs) ?? byAddress.set(c.detail.seenAs, new Set()).get(c.detail.seenAs)!).add(c.from);
  const list = (vms: Set<string>) => [...vms].slice(0, 10).join(', ') + (vms.size > 10 ? ` and ${vms.size - 10} more` : '');
  return [...byAddress].map(([ip, vms]) => `${ip} from ${list(vms)}`).join('; ');
}
