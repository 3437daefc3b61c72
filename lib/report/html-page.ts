// A run result (or several) as one self-contained HTML page: header with what was tested,
// warnings above the matrix, the summary, then per phase the topology diagram and the matrix,
// with filters and a detail panel. Everything is inline (style, script, data, SVG), so the page
// opens from file:// with no network. Pure: results in, string out; every string is redacted
// and escaped.
import type { CellResult, PhaseResult, RunResult } from '../run/result.ts';
import { cellLabel, resultList } from './cells.ts';
import { esc, scriptJson } from './escape.ts';
import { cellGuests, guestText, type CellGuest } from './guest.ts';
import { renderDiagram } from './html-diagram.ts';
import { GLYPH, renderMatrix } from './html-matrix.ts';
import { SCRIPT } from './html-script.ts';
import { outageReport } from './outage.ts';
import { STYLE } from './html-style.ts';
import { redact } from '../secrets/redact.ts';

export interface PageParts {
  readonly title: string;
  readonly body: string;
  /** Cell entries the detail panel shows, by `data-i`. */
  readonly cells: readonly (CellResult & { readonly topology: string; readonly phase: string; readonly label: string; readonly guests?: readonly CellGuest[] })[];
  /** Options of the VPC/subnet filter. */
  readonly scopes: readonly string[];
}

/** The page shell shared by the run report and the diff report. */
export function page(parts: PageParts): string {
  const scopeOptions = parts.scopes.map((s) => `<option value="${esc(s)}">${esc(s.replace(':', ' '))}</option>`).join('');
  const legend = Object.entries(GLYPH).map(([o, g]) => `<span><b>${g}</b> ${esc(o)}</span>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(parts.title)}</title><style>${STYLE}</style></head>
<body><main>
<div class="toolbar"><label><input type="checkbox" id="only-fail"> only failures</label>
<label>scope <select id="scope"><option value="">all VPCs and subnets</option>${scopeOptions}</select></label>
<span class="legend">${legend}<span>green passes, red fails, purple could not be probed; click a cell for details</span></span></div>
${parts.body}
</main>
<aside id="detail" hidden><button id="detail-close" type="button">close</button><div id="detail-body"></div></aside>
<script type="application/json" id="vpcheck-data">${scriptJson({ cells: parts.cells })}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}

export function renderHtml(input: RunResult | readonly RunResult[]): string {
  const results = redact(resultList(input));
  const cells: PageParts['cells'][number][] = [];
  const scopes = new Set<string>();
  const sections = results.map((r) => {
    const phases = r.phases.map((p) => {
      for (const v of p.layout?.vpcs ?? []) {
        scopes.add(`vpc:${v.name}`);
        for (const s of v.subnets) scopes.add(`subnet:${s.name}`);
      }
      const html = renderPhase(p, r.topology, cells.length);
      // Failing cells only: the page's data stays small for a 250-VM matrix of passes.
      cells.push(...p.results.map((c) => ({ ...c, topology: r.topology, phase: p.name, label: cellLabel(c), ...(!c.pass && { guests: cellGuests(p, c) }) })));
      return html;
    });
    return `<section class="run" data-topology="${esc(r.topology)}">${header(r)}${phases.join('\n')}</section>`;
  });
  const title = `vpcheck: ${results.map((r) => r.topology).join(', ')}`;
  return page({ title, body: sections.join('\n'), cells, scopes: [...scopes].sort() });
}

function header(r: RunResult): string {
  const s = r.summary;
  const rows: [string, string][] = [
    ['topology file', `${r.file} (sha256 ${r.topologySha256})`],
    ['target', `${r.target} over ${r.transport}, run ${r.runId}`],
    ['vpcheck', r.vpcheckVersion],
    ...Object.entries(r.versions).map(([k, v]): [string, string] => [k, v]),
    ['started', r.startedAt],
    ['ended', r.endedAt],
  ];
  const warnings = r.warnings.length
    ? `<div class="warnings"><b>${r.warnings.length} warning${r.warnings.length > 1 ? 's' : ''}</b><ul>${r.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`
    : '';
  return `<h1>${esc(r.topology)}</h1>
<table class="meta">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td class="mono">${esc(v)}</td></tr>`).join('')}</table>
${warnings}
<p class="summary"><span class="n-pass">${s.passed} passed</span>, <span class="n-fail">${s.failed} failed</span>${s.errors ? `, <span class="n-err">${s.errors} could not be probed</span>` : ''}</p>`;
}

function renderPhase(p: PhaseResult, topology: string, first: number): string {
  const passed = p.results.filter((c) => c.pass).length;
  const converge = p.results.flatMap((c) => (c.convergedMs === undefined ? [] : [c.convergedMs]));
  const timing = `${(p.durationMs / 1000).toFixed(1)} s${converge.length ? `, converged in ${Math.max(...converge)} ms (slowest cell)` : ''}`;
  const controls = [
    ...p.controls.filter((c) => !c.ok).map((c) => `<li>control failed on ${esc(c.vm)}: ${esc(c.reason ?? '')}</li>`),
    ...p.controls.flatMap((c) => (c.departures ?? []).map((d) => `<li>${esc(c.vm)} departs from the model: ${esc(d)}</li>`)),
  ].join('');
  const outages = outageReport(p);
  const outageTable = outages
    ? `<details class="outages" open><summary>${esc(outages.summary)}</summary><table class="outage">${outages.rows.map((r) => `<tr class="${r.ok ? 'n-pass' : 'n-fail'}"><th>${esc(r.path)}</th><td>${esc(r.text)}</td></tr>`).join('')}</table></details>`
    : '';
  const guests = p.controls.flatMap((c) => (c.guest ? [`<tr><th>${esc(c.vm)}</th><td class="mono">${esc(guestText(c.guest))}</td></tr>`] : []));
  return `<section class="phase" data-phase="${esc(p.name)}">
<h2>${esc(topology)} — phase ${esc(p.name)}: <span class="${passed === p.results.length ? 'n-pass' : 'n-fail'}">${passed}/${p.results.length} cells pass</span> <small>(${timing})</small></h2>
${controls ? `<ul class="warnings">${controls}</ul>` : ''}
${outageTable}
${p.layout ? `<details class="topo" open><summary>topology</summary>${renderDiagram(p.layout)}</details>` : ''}
${guests.length ? `<details class="guests"><summary>guests' own view (ip addr, ip route)</summary><table class="guest-view">${guests.join('')}</table></details>` : ''}
${renderMatrix(p, first)}
</section>`;
}
