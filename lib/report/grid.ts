// The terminal truth table (as in Kubernetes' netpol e2e Reachability): rows are sources,
// columns destinations then the internet, one character per cell. With observed outcomes it
// marks the cells that differ and lists them with their reasons. Past `maxColumns` destinations
// it summarises per group (subnet) so that 100 x 100 still fits a terminal. Pure: returns text.
import type { Outcome, ProbeKind } from '../topology/types.ts';
import { satisfies, type Expected } from '../model/cells.ts';
import { INTERNET } from '../model/predict.ts';

export interface GridCell {
  readonly from: string;
  readonly to: string;
  readonly probe: ProbeKind;
  readonly port?: number;
  readonly expected: Expected;
  /** Absent in plan mode (nothing run yet) or for a cell the run did not reach. */
  readonly observed?: Outcome;
  /** Why the expected outcome is expected (the model's reason), shown for differing cells. */
  readonly reason?: string;
}

export interface GridOptions {
  /** Source VMs in row order; the columns are the same VMs, then the internet. */
  readonly vms: readonly string[];
  /** The group (subnet) of a VM, for the summary. */
  readonly groupOf: (vm: string) => string;
  /** Beyond this many destination columns the grid is summarised per group. Default 40. */
  readonly maxColumns?: number;
  /** Wrap cell characters in ANSI colours. */
  readonly color?: boolean;
  /** At most this many lines in each list below the grid. Default 50. */
  readonly maxListed?: number;
  /** List the differing cells below the grid (off when the caller explains them itself). */
  readonly listDiffering?: boolean;
}

const CHAR: Record<Expected, string> = {
  reachable: '.', timeout: 'x', 'network-unreachable': 'u', refused: 'r', error: '!', 'not-reachable': 'n',
};
const DIFFERS = 'X';
const MISSING = '?';
const SELF = '-';
const MIXED = '~';

const LEGEND_PLAN = '. reachable  x timeout  u network-unreachable  r refused  n not reachable (any outcome)';
const LEGEND_COMPARE = `${LEGEND_PLAN}\n! error  X differs from expected  ? not observed`;
const LEGEND_SUMMARY = 'per group pair: . all reachable  x none reachable  ~ mixed  X some cells differ';

const ANSI: Record<string, string> = { '.': '32', x: '31', u: '31', r: '33', n: '31', '!': '35', X: '1;31', '?': '33', '~': '33' };

const differs = (c: GridCell) => c.observed === undefined || !satisfies(c.expected, c.observed);

function charOf(c: GridCell, compare: boolean): string {
  if (!compare) return CHAR[c.expected];
  if (c.observed === undefined) return MISSING;
  return satisfies(c.expected, c.observed) ? CHAR[c.observed] : DIFFERS;
}

function describe(c: GridCell): string {
  const probe = c.probe === 'tcp' ? `tcp/${c.port}` : c.probe;
  const observed = c.observed === undefined ? '' : `, observed ${c.observed}`;
  return `${c.from} -> ${c.to} ${probe}: expected ${c.expected}${observed}${c.reason ? ` (${c.reason})` : ''}`;
}

/** Column header: each column's label written downwards, one line per character. */
function header(labels: readonly string[], indent: number): string[] {
  const height = Math.max(...labels.map((l) => l.length));
  return Array.from({ length: height }, (_, line) =>
    ' '.repeat(indent) + labels.map((l) => l.padStart(height)[line]).join(' ').trimEnd());
}

function table(rows: readonly string[], cols: readonly string[], cell: (r: number, c: number) => string, paint: (ch: string) => string): string[] {
  const labels = cols.map((_, i) => (i === cols.length - 1 && cols[i] === INTERNET ? 'I' : String(i + 1)));
  const names = rows.map((r, i) => `  ${String(i + 1).padStart(String(rows.length).length)} ${r}`);
  const width = Math.max(...names.map((n) => n.length)) + 1;
  return [
    ...header(labels, width),
    ...names.map((n, r) => n.padEnd(width) + cols.map((_, c) => paint(cell(r, c))).join(' ')),
  ];
}

function listed(title: string, lines: readonly string[], max: number): string[] {
  if (lines.length === 0) return [];
  const more = lines.length > max ? [`  ... and ${lines.length - max} more`] : [];
  return ['', `${title} (${lines.length}):`, ...lines.slice(0, max).map((l) => `  ${l}`), ...more];
}

export function renderGrid(cells: readonly GridCell[], options: GridOptions): string {
  const compare = cells.some((c) => c.observed !== undefined);
  const paint = options.color ? (ch: string) => (ANSI[ch] ? `\x1b[${ANSI[ch]}m${ch}\x1b[0m` : ch) : (ch: string) => ch;
  const maxListed = options.maxListed ?? 50;
  const vmSet = new Set(options.vms);
  const inGrid = (c: GridCell) => c.probe === 'icmp' && vmSet.has(c.from) && (c.to === INTERNET || vmSet.has(c.to));
  const gridCells = cells.filter(inGrid);
  const hasInternet = gridCells.some((c) => c.to === INTERNET);
  const cols = hasInternet ? [...options.vms, INTERNET] : [...options.vms];
  const out = [compare ? LEGEND_COMPARE : LEGEND_PLAN];
  if (cols.length <= (options.maxColumns ?? 40)) {
    const at = new Map(gridCells.map((c) => [`${c.from}\0${c.to}`, c]));
    out.push('', ...table(options.vms, cols, (r, c) => {
      const cell = at.get(`${options.vms[r]}\0${cols[c]}`);
      return cell ? charOf(cell, compare) : options.vms[r] === cols[c] ? SELF : ' ';
    }, paint));
  } else {
    out.push(LEGEND_SUMMARY, '', ...summary(gridCells, options, hasInternet, compare, paint));
  }
  const others = cells.filter((c) => !inGrid(c));
  out.push(...listed('other probes', others.map((c) => `${charOf(c, compare)} ${describe(c)}`), maxListed));
  if (!compare) out.push(...listed('why not reachable', whyNot(gridCells, options, cols.length > (options.maxColumns ?? 40)), maxListed));
  else if (options.listDiffering !== false) out.push(...listed('differing cells', cells.filter(differs).map(describe), maxListed));
  return out.join('\n') + '\n';
}

/** Plan mode: the reason of each grid cell that is not reachable; per group pair when summarised. */
function whyNot(cells: readonly GridCell[], options: GridOptions, perGroup: boolean): string[] {
  const blocked = cells.filter((c) => c.expected !== 'reachable');
  if (!perGroup) return blocked.map((c) => `${CHAR[c.expected]} ${describe(c)}`);
  const first = new Map<string, { cell: GridCell; count: number }>();
  for (const c of blocked) {
    const key = `${options.groupOf(c.from)} -> ${c.to === INTERNET ? INTERNET : options.groupOf(c.to)}`;
    const seen = first.get(key);
    if (seen) seen.count++;
    else first.set(key, { cell: c, count: 1 });
  }
  return [...first].map(([pair, { cell, count }]) => `${pair}: ${count} cell${count > 1 ? 's' : ''} not reachable, e.g. ${describe(cell)}`);
}

function summary(cells: readonly GridCell[], options: GridOptions, hasInternet: boolean, compare: boolean, paint: (ch: string) => string): string[] {
  const groups = [...new Set(options.vms.map(options.groupOf))];
  const size = new Map<string, number>();
  for (const vm of options.vms) size.set(options.groupOf(vm), (size.get(options.groupOf(vm)) ?? 0) + 1);
  const cols = hasInternet ? [...groups, INTERNET] : groups;
  const colOf = new Map(cols.map((g, i) => [g, i]));
  const stats = groups.map(() => cols.map(() => ({ total: 0, reachable: 0, differ: 0 })));
  const rowOf = new Map(groups.map((g, i) => [g, i]));
  for (const c of cells) {
    const s = stats[rowOf.get(options.groupOf(c.from))!]![colOf.get(c.to === INTERNET ? INTERNET : options.groupOf(c.to))!]!;
    s.total++;
    if ((compare ? c.observed : c.expected) === 'reachable') s.reachable++;
    if (compare && differs(c)) s.differ++;
  }
  const charFor = (s: { total: number; reachable: number; differ: number }) =>
    s.total === 0 ? ' ' : s.differ ? DIFFERS : s.reachable === s.total ? '.' : s.reachable === 0 ? 'x' : MIXED;
  const lines = table(groups.map((g) => `${g} (${size.get(g)})`), cols, (r, c) => charFor(stats[r]![c]!), paint);
  const notes = groups.flatMap((g, r) => cols.flatMap((to, c) => {
    const s = stats[r]![c]!;
    if (!(s.differ || charFor(s) === MIXED)) return [];
    return [`${g} -> ${to}: ${s.reachable}/${s.total} reachable${s.differ ? `, ${s.differ} differ` : ''}`];
  }));
  return [...lines, ...listed('mixed or differing group pairs', notes, options.maxListed ?? 50)];
}
