// One phase's expected-vs-observed matrix as an HTML table: rows are sources, columns
// destinations then the internet, both grouped by subnet. Each source subnet is a <tbody> whose
// first row sums it up per destination subnet ("9/10"), so a 100 x 100 matrix collapses to a
// subnet x subnet grid that expands per subnet. Cells carry `data-i`, the index of their entry
// in the page's data, from which the inline script fills the detail panel.
import { INTERNET, type Outcome } from '../topology/types.ts';
import type { CellResult, PhaseResult } from '../run/result.ts';
import { cellLabel, measureText, statusOf } from './cells.ts';
import { esc } from './escape.ts';

export const GLYPH: Record<Outcome, string> = { reachable: '✓', timeout: '✗', 'network-unreachable': 'U', refused: 'R', 'message-too-long': 'M', error: '!' };

/** Above this many VMs the subnet groups start collapsed (the terminal grid summarises there too). */
const EXPAND_MAX = 40;

interface Group {
  readonly subnet: string;
  readonly vpc: string;
  readonly vms: readonly string[];
}

/** VMs grouped by subnet in layout order; without a layout (older results) in order of appearance. */
export function groupsOf(phase: PhaseResult): Group[] {
  const vms = phase.layout?.vms.map((v) => v.name) ?? [...new Set(phase.results.flatMap((c) => [c.from, c.to]))].filter((n) => phase.results.some((c) => c.from === n));
  const subnetOf = new Map(phase.layout?.vms.map((v) => [v.name, v.subnet]));
  const vpcOf = new Map(phase.layout?.vpcs.flatMap((v) => v.subnets.map((s) => [s.name, v.name] as const)));
  const groups = new Map<string, string[]>();
  for (const vm of vms) {
    const s = subnetOf.get(vm) ?? '?';
    groups.set(s, [...(groups.get(s) ?? []), vm]);
  }
  return [...groups].map(([subnet, members]) => ({ subnet, vpc: vpcOf.get(subnet) ?? '?', vms: members }));
}

/** `first`: the data index of the phase's first cell (indices run across the whole page). */
export function renderMatrix(phase: PhaseResult, first: number): string {
  const groups = groupsOf(phase);
  const vms = groups.flatMap((g) => g.vms);
  const vmSet = new Set(vms);
  const index = new Map(phase.results.map((c, i) => [c, first + i]));
  const inGrid = (c: CellResult) => c.probe === 'icmp' && vmSet.has(c.from) && (c.to === INTERNET || vmSet.has(c.to));
  const at = new Map(phase.results.filter(inGrid).map((c) => [`${c.from}\0${c.to}`, c]));
  const internet = phase.results.some((c) => inGrid(c) && c.to === INTERNET);
  const number = new Map(vms.map((vm, i) => [vm, i + 1]));
  const attrs = (g: Group) => `data-subnet="${esc(g.subnet)}" data-vpc="${esc(g.vpc)}"`;

  const cols = ['<col class="rowhead">', ...groups.flatMap((g) => g.vms.map(() => `<col ${attrs(g)}>`)), internet ? '<col class="internet">' : ''];
  const head1 = ['<th></th>', ...groups.map((g) => `<th class="gh" colspan="${g.vms.length}" title="${esc(`${g.subnet} (${g.vpc})`)}" ${attrs(g)}>${esc(g.subnet)}</th>`), internet ? '<th class="gh">internet</th>' : ''];
  const head2 = ['<th></th>', ...vms.map((vm) => `<th class="ch" title="${esc(vm)}">${number.get(vm)}</th>`), internet ? '<th class="ch" title="internet">I</th>' : ''];

  const td = (c: CellResult) => `<td class="cell ${statusOf(c)} o-${c.observed}" data-i="${index.get(c)}">${GLYPH[c.observed]}</td>`;
  const bodies = groups.map((g) => {
    const rows = g.vms.map((from) => {
      const row = [...vms, ...(internet ? [INTERNET] : [])].map((to) => ({ to, c: at.get(`${from}\0${to}`) }));
      const cells = row.map(({ to, c }) => (c ? td(c) : `<td class="self">${from === to ? '–' : ''}</td>`));
      const fail = row.some(({ c }) => c && !c.pass);
      return `<tr class="row${fail ? ' has-fail' : ''}"><th class="rh">${number.get(from)} ${esc(from)}</th>${cells.join('')}</tr>`;
    });
    const mine = phase.results.filter((c) => inGrid(c) && g.vms.includes(c.from));
    const failing = mine.filter((c) => !c.pass).length;
    const aggregate = (cells: CellResult[], span: number, a: string) => {
      const passed = cells.filter((c) => c.pass).length;
      const cls = cells.length === 0 ? '' : passed === cells.length ? 'pass' : 'fail';
      return `<td class="agg ${cls}" colspan="${span}" ${a}>${cells.length ? `${passed}/${cells.length}` : ''}</td>`;
    };
    const sums = groups.map((d) => aggregate(mine.filter((c) => d.vms.includes(c.to)), d.vms.length, attrs(d)));
    if (internet) sums.push(aggregate(mine.filter((c) => c.to === INTERNET), 1, ''));
    const title = `${esc(g.subnet)} (${esc(g.vpc)}) · ${g.vms.length} VMs${failing ? ` · ${failing} failing` : ''}`;
    const cls = `grp${failing ? ' has-fail' : ''}${vms.length > EXPAND_MAX ? ' collapsed' : ''}`;
    return `<tbody class="${cls}" ${attrs(g)}><tr class="gsum"><th class="rh"><button class="tog" type="button" aria-label="expand or collapse">▾</button> ${title}</th>${sums.join('')}</tr>${rows.join('')}</tbody>`;
  });

  const others = phase.results.filter((c) => !inGrid(c));
  const otherRows = others.map((c) =>
    `<tr class="row${c.pass ? '' : ' has-fail'}"><th class="rh">${esc(cellLabel(c))}</th>${td(c)}<td class="txt">expected ${esc(c.expected)}, observed ${esc(c.observed)}${measureText(c) ? `: ${esc(measureText(c)!)}` : ''}</td></tr>`);
  return [
    `<div class="matrix-wrap"><table class="matrix"><colgroup>${cols.join('')}</colgroup>`,
    `<thead><tr>${head1.join('')}</tr><tr>${head2.join('')}</tr></thead>${bodies.join('')}</table></div>`,
    others.length ? `<h4>Other probes (${others.length})</h4><table class="others">${otherRows.join('')}</table>` : '',
  ].join('\n');
}
