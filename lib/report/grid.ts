// The terminal truth table (as in Kubernetes' netpol e2e Reachability): rows are sources,
// columns destinations then the internet, one character per cell. With observed outcomes it
// marks the cells that differ and lists them with their reasons. Past `maxColumns` destinations
// it summarises per group (subnet) so that 100 x 100 still fits a terminal. Pure: returns text.
import { INTERNET, type Outcome, type ProbeKind } from '../topology/types.ts';
import { satisfies, type Expected } from '../model/cells.ts';
import { probeLabel } from '../topology/probe-label.ts';

export interface GridCell {
  readonly from: string;
  readonly to: string;
  readonly probe: ProbeKind;
  readonly port?: number;
  /** mtu and bulk cells: bytes (Cell.size). */
  readonly size?: number;
  readonly expected: Expected;
  /** Absent in plan mode (nothing run yet) or for a cell the run did not reach. */
  readonly observed?: Outcome;
  /** Why the expected outcome is expected (the model's reason), shown for differing cells. */
  readonly reason?: string;
  /**
   * A run's verdict, when it has one: a cell can fail with the expected outcome (an internet cell
   * answered through another source address than the model's), and then it differs too.
   */
  readonly pass?: boolean;
}

export interface GridOptions<C extends GridCell = GridCell> {
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
  /**
   * The reason of a cell without one, asked only for the cells the text names: `plan` of 1,000
   * VMs lists a few of its million cells, and a reason costs a walk through the model.
   */
  readonly reasonOf?: (cell: C) => string | undefined;
}

const CHAR: Record<Expected, string> = {
  reachable: '.', timeout: 'x', 'network-unreachable': 'u', refused: 'r', 'message-too-long': 'm', error: '!', 'not-reachable': 'n',
};
const DIFFERS = 'X';
const MISSING = '?';
const SELF = '-';
const MIXED = '~';

const LEGEND_PLAN = '. reachable  x timeout  u network-unreachable  r refused  m message too long  n not reachable (any outcome)';
const LEGEND_COMPARE = `${LEGEND_PLAN}\n! error  X differs from expected  ? not observed`;
const LEGEND_SUMMARY = 'per group pair: . all reachable  x none reachable  ~ mixed  X some cells differ';

const ANSI: Record<string, string> = { '.': '32', x: '31', u: '31', r: '33', m: '31', n: '31', '!': '35', X: '1;31', '?': '33', '~': '33' };

const differs = (c: GridCell) => c.observed === undefined || c.pass === false || !satisfies(c.expected, c.observed);

function charOf(c: GridCell, compare: boolean): string {
  if (!compare) return CHAR[c.expected];
  if (c.observed === undefined) return MISSING;
  return c.pass !== false && satisfies(c.expected, c.observed) ? CHAR[c.observed] : DIFFERS;
}

function describe<C extends GridCell>(c: C, reasonOf?: (cell: C) => string | undefined): string {
  const observed = c.observed === undefined ? '' : `, observed ${c.observed}`;
  const reason = c.reason ?? reasonOf?.(c);
  return `${c.from} -> ${c.to} ${probeLabel(c)}: expected ${c.expected}${observed}${reason ? ` (${reason})` : ''}`;
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

/** A titled list of at most `max` items; only those are turned into text. */
function listed<T>(title: string, items: readonly T[], max: number, line: (item: T) => string): string[] {
  if (items.length === 0) return [];
  const more = items.length > max ? [`  ... and ${items.length - max} more`] : [];
  return ['', `${title} (${items.length}):`, ...items.slice(0, max).map((i) => `  ${line(i)}`), ...more];
}

export function renderGrid<C extends GridCell>(cells: readonly C[], options: GridOptions<C>): string {
  const compare = cells.some((c) => c.observed !== undefined);
  const paint = options.color ? (ch: string) => (ANSI[ch] ? `\x1b[${ANSI[ch]}m${ch}\x1b[0m` : ch) : (ch: string) => ch;
  const maxListed = options.maxListed ?? 50;
  const vmSet = new Set(options.vms);
  const inGrid = (c: C) => c.probe === 'icmp' && vmSet.has(c.from) && (c.to === INTERNET || vmSet.has(c.to));
  // One pass over what may be a million cells.
  const gridCells: C[] = [];
  const others: C[] = [];
  for (const c of cells) (inGrid(c) ? gridCells : others).push(c);
  const hasInternet = gridCells.some((c) => c.to === INTERNET);
  const cols = hasInternet ? [...options.vms, INTERNET] : [...options.vms];
  const out = [compare ? LEGEND_COMPARE : LEGEND_PLAN];
  const pairs = cols.length > (options.maxColumns ?? 40) ? groupPairs(options, hasInternet, gridCells) : undefined;
  if (!pairs) {
    const at = new Map(gridCells.map((c) => [`${c.from}\0${c.to}`, c]));
    out.push('', ...table(options.vms, cols, (r, c) => {
      const cell = at.get(`${options.vms[r]}\0${cols[c]}`);
      return cell ? charOf(cell, compare) : options.vms[r] === cols[c] ? SELF : ' ';
    }, paint));
  } else {
    out.push(LEGEND_SUMMARY, '', ...summary(gridCells, pairs, maxListed, compare, paint));
  }
  const text = (c: C) => describe(c, options.reasonOf);
  out.push(...listed('other probes', others, maxListed, (c) => `${charOf(c, compare)} ${text(c)}`));
  if (!compare) out.push(...whyNot(gridCells, pairs, maxListed, text));
  else if (options.listDiffering !== false) out.push(...listed('differing cells', cells.filter(differs), maxListed, text));
  return out.join('\n') + '\n';
}

/** Groups (subnets) in first-seen order, and each grid cell's pair of groups as one number. */
interface GroupPairs {
  readonly groups: readonly string[];
  /** The groups, then the internet when the grid has it. */
  readonly cols: readonly string[];
  readonly size: ReadonlyMap<string, number>;
  /**
   * Of the i-th grid cell, row group * cols.length + column: numbers, since a million cells would
   * build a million keys; computed once for the summary and the reasons both.
   */
  readonly pairOf: Int32Array;
}

function groupPairs(options: Pick<GridOptions, 'vms' | 'groupOf'>, hasInternet: boolean, cells: readonly GridCell[]): GroupPairs {
  const groupOf = new Map(options.vms.map((vm) => [vm, options.groupOf(vm)]));
  const groups = [...new Set(groupOf.values())];
  const size = new Map<string, number>();
  for (const g of groupOf.values()) size.set(g, (size.get(g) ?? 0) + 1);
  const cols = hasInternet ? [...groups, INTERNET] : groups;
  const index = new Map(groups.map((g, i) => [g, i]));
  const indexOf = new Map([...groupOf].map(([vm, g]) => [vm, index.get(g)!]));
  const pairOf = new Int32Array(cells.length);
  cells.forEach((c, i) => {
    pairOf[i] = indexOf.get(c.from)! * cols.length + (c.to === INTERNET ? groups.length : indexOf.get(c.to)!);
  });
  return { groups, cols, size, pairOf };
}

/** Plan mode: the reason of each grid cell that is not reachable; per group pair when summarised. */
function whyNot<C extends GridCell>(cells: readonly C[], pairs: GroupPairs | undefined, max: number, text: (c: C) => string): string[] {
  const title = 'why not reachable';
  if (!pairs) return listed(title, cells.filter((c) => c.expected !== 'reachable'), max, (c) => `${CHAR[c.expected]} ${text(c)}`);
  const first = new Map<number, { cell: C; count: number }>();
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    if (c.expected === 'reachable') continue;
    const key = pairs.pairOf[i]!;
    const seen = first.get(key);
    if (seen) seen.count++;
    else first.set(key, { cell: c, count: 1 });
  }
  const name = (pair: number) => `${pairs.groups[Math.floor(pair / pairs.cols.length)]} -> ${pairs.cols[pair % pairs.cols.length]}`;
  return listed(title, [...first], max, ([pair, { cell, count }]) => `${name(pair)}: ${count} cell${count > 1 ? 's' : ''} not reachable, e.g. ${text(cell)}`);
}

function summary(cells: readonly GridCell[], pairs: GroupPairs, maxListed: number, compare: boolean, paint: (ch: string) => string): string[] {
  const { groups, cols } = pairs;
  const stats = Array.from({ length: groups.length * cols.length }, () => ({ total: 0, reachable: 0, differ: 0 }));
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    const s = stats[pairs.pairOf[i]!]!;
    s.total++;
    if ((compare ? c.observed : c.expected) === 'reachable') s.reachable++;
    if (compare && differs(c)) s.differ++;
  }
  const charFor = (s: { total: number; reachable: number; differ: number }) =>
    s.total === 0 ? ' ' : s.differ ? DIFFERS : s.reachable === s.total ? '.' : s.reachable === 0 ? 'x' : MIXED;
  const lines = table(groups.map((g) => `${g} (${pairs.size.get(g)})`), cols, (r, c) => charFor(stats[r * cols.length + c]!), paint);
  const notes = groups.flatMap((g, r) => cols.flatMap((to, c) => {
    const s = stats[r * cols.length + c]!;
    if (!(s.differ || charFor(s) === MIXED)) return [];
    return [`${g} -> ${to}: ${s.reachable}/${s.total} reachable${s.differ ? `, ${s.differ} differ` : ''}`];
  }));
  return [...lines, ...listed('mixed or differing group pairs', notes, maxListed, (n) => n)];
}
