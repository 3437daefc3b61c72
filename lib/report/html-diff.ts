// The diff of two runs as a self-contained HTML page (same shell, detail panel and filters as the
// run report): one row per changed cell with its old and new cell, then what was added or removed.
import { cellLabel, statusOf } from './cells.ts';
import { changeLine, type RunDiff } from './diff.ts';
import { esc } from './escape.ts';
import { GLYPH } from './html-matrix.ts';
import { page, type PageParts } from './html-page.ts';
import { redact } from '../secrets/redact.ts';

export function renderDiffHtml(input: RunDiff): string {
  const d = redact(input);
  const cells: PageParts['cells'][number][] = [];
  const td = (c: PageParts['cells'][number]) => {
    cells.push(c);
    return `<td class="cell ${statusOf(c)} o-${c.observed}" data-i="${cells.length - 1}">${GLYPH[c.observed]}</td>`;
  };
  const oldRun = d.oldRuns.join(', ');
  const rows = d.changed.map((c) => {
    const at = { topology: c.topology, phase: c.phase, label: cellLabel(c.after) };
    return `<tr class="row ${c.kind}${c.after.pass ? '' : ' has-fail'}"><td>${esc(c.topology)} — ${esc(c.phase)}</td>${td({ ...c.before, ...at })}${td({ ...c.after, ...at })}<td>${esc(changeLine(c, oldRun))}</td></tr>`;
  });
  const list = (title: string, items: readonly string[]) =>
    items.length ? `<h3>${esc(title)} (${items.length})</h3><ul>${items.map((i) => `<li class="mono">${esc(i)}</li>`).join('')}</ul>` : '';
  const cellName = (p: RunDiff['addedCells'][number]) => `${p.topology} — phase ${p.phase}: ${cellLabel(p.cell)} (${p.cell.observed})`;
  const body = `<h1>vpcheck diff</h1>
<p class="mono">run ${esc(oldRun)} -> run ${esc(d.newRuns.join(', '))}</p>
<p class="summary"><span class="${d.regressions ? 'n-fail' : 'n-pass'}">${d.regressions} regressions</span>, ${d.changed.length} changed cells, ${d.addedCells.length} added, ${d.removedCells.length} removed</p>
<h2>Changed cells (${d.changed.length})</h2>
<table class="diff-table"><tr><th>phase</th><th>old</th><th>new</th><th>change</th></tr>${rows.join('')}</table>
${list('Added topologies', d.addedTopologies)}${list('Removed topologies', d.removedTopologies)}
${list('Added phases', d.addedPhases)}${list('Removed phases', d.removedPhases)}
${list('Added VMs', d.addedVms)}${list('Removed VMs', d.removedVms)}
${list('Added cells', d.addedCells.map(cellName))}${list('Removed cells', d.removedCells.map(cellName))}`;
  return page({ title: 'vpcheck diff', body, cells, scopes: [] });
}
