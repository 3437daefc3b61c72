import { expect, test } from '@playwright/test';
import { renderGrid, type GridCell } from '../../lib/report/grid.ts';
import { buildModel, cellsOf } from '../../lib/model/index.ts';
import type { Topology } from '../../lib/topology/types.ts';
import { synthetic } from '../model/synthetic.ts';

const vms = ['vm1', 'vm2', 'vm3'];
const groupOf = (vm: string) => (vm === 'vm3' ? 'b' : 'a');
const icmp = (from: string, to: string, expected: GridCell['expected'], observed?: GridCell['observed'], reason?: string): GridCell =>
  ({ from, to, probe: 'icmp', expected, ...(observed && { observed }), ...(reason && { reason }) });

const plan: GridCell[] = [
  icmp('vm1', 'vm2', 'reachable'), icmp('vm1', 'vm3', 'timeout'), icmp('vm1', 'internet', 'network-unreachable'),
  icmp('vm2', 'vm1', 'reachable'), icmp('vm2', 'vm3', 'not-reachable'), icmp('vm2', 'internet', 'reachable'),
  icmp('vm3', 'vm1', 'timeout'), icmp('vm3', 'vm2', 'timeout'), icmp('vm3', 'internet', 'timeout'),
];

test('plan grid: one character per cell, self marked, internet last, blocked cells explained', () => {
  const withReason = plan.map((c) => (c.from === 'vm1' && c.to === 'vm3' ? { ...c, reason: 'no route' } : c));
  expect(renderGrid(withReason, { vms, groupOf })).toBe([
    '. reachable  x timeout  u network-unreachable  r refused  m message too long  n not reachable (any outcome)',
    '',
    '        1 2 3 I',
    '  1 vm1 - . x u',
    '  2 vm2 . - n .',
    '  3 vm3 x x - x',
    '',
    'why not reachable (6):',
    '  x vm1 -> vm3 icmp: expected timeout (no route)',
    '  u vm1 -> internet icmp: expected network-unreachable',
    '  n vm2 -> vm3 icmp: expected not-reachable',
    '  x vm3 -> vm1 icmp: expected timeout',
    '  x vm3 -> vm2 icmp: expected timeout',
    '  x vm3 -> internet icmp: expected timeout',
    '',
  ].join('\n'));
});

test('compare grid marks differing and missing cells and lists them with reasons', () => {
  const cells = [
    icmp('vm1', 'vm2', 'reachable', 'reachable'),
    icmp('vm1', 'vm3', 'timeout', 'reachable', 'b is private'),
    icmp('vm2', 'vm3', 'not-reachable', 'refused'),
    icmp('vm3', 'vm1', 'timeout'),
    { from: 'vm1', to: 'vm3', probe: 'tcp' as const, port: 443, expected: 'reachable' as const, observed: 'error' as const },
  ];
  const text = renderGrid(cells, { vms, groupOf });
  const rows = text.split('\n').filter((l) => /^\s+\d vm/.test(l));
  expect(rows).toEqual(['  1 vm1 - . X', '  2 vm2   - r', '  3 vm3 ?   -']);
  expect(text).toContain('X differs from expected');
  expect(text).toContain('other probes (1):\n  X vm1 -> vm3 tcp/443: expected reachable, observed error');
  expect(text).toContain('differing cells (3):\n  vm1 -> vm3 icmp: expected timeout, observed reachable (b is private)\n  vm3 -> vm1 icmp: expected timeout\n');
});

test('colour only when asked', () => {
  expect(renderGrid(plan, { vms, groupOf })).not.toContain('\x1b[');
  expect(renderGrid(plan, { vms, groupOf, color: true })).toContain('\x1b[32m.\x1b[0m');
});

test('100 x 100 is summarised per subnet and fits a terminal', () => {
  const spec = synthetic(5, 10, 100);
  const topology: Topology = {
    ...spec, apiVersion: 'vpcheck/v1', kind: 'Topology', expect: [], phases: [],
    probes: { mesh: true, internet: true, icmp: [], tcp: [], mtu: [], bulk: [] },
    source: { file: 't', sha256: '', locate: () => undefined },
  };
  const [phase] = cellsOf(topology, { internetIP: '192.0.2.1' });
  const model = buildModel(spec, { internetIP: '192.0.2.1' });
  const subnetOf = new Map(spec.vms.map((v) => [v.name, spec.subnets.find((s) => s.provider === v.network)!.name]));
  const cells = phase!.cells.map((c, i) => ({ ...c, ...(i % 997 === 0 ? { observed: 'error' as const } : { observed: c.predicted }) }));
  const text = renderGrid(cells, { vms: spec.vms.map((v) => v.name), groupOf: (vm) => subnetOf.get(vm)! });
  const lines = text.split('\n');
  expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(120);
  const rows = lines.filter((l) => /^\s*\d+ s\d+ \(\d+\)/.test(l));
  expect(rows).toHaveLength(10);
  expect(rows[0]).toMatch(/^   1 s0 \(10\) +\S( \S){10}$/);
  expect(text).toMatch(/mixed or differing group pairs \(\d+\):/);
  expect(text).toMatch(/, 1 differ/);
  expect(text).toContain('differing cells (11):');
  expect(model.world.vms.size).toBe(100);
});
