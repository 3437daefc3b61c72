// mtu and bulk cells in every report: named by size ("vm-a1 -> vm-b1 mtu 1472", "... bulk 10 MB
// tcp/7000"), with what they measured (the largest passing payload, bytes, time, throughput, the
// small probe beside them) in the terminal, JUnit, the HTML detail panel and the diff's keys.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { cellLabel, measureText } from '../../lib/report/cells.ts';
import { bytesText } from '../../lib/topology/probe-label.ts';
import { diffRuns } from '../../lib/report/diff.ts';
import { renderHtml } from '../../lib/report/html-page.ts';
import { renderJunit } from '../../lib/report/junit.ts';
import { renderRun } from '../../lib/report/terminal.ts';
import type { CellResult, RunResult } from '../../lib/run/result.ts';
import { summarize } from '../../lib/run/result.ts';
import { cell, sampleResult } from './fixtures.ts';

test.use({ launchOptions: { executablePath: '/usr/bin/chromium' } });

const MB10 = 10_000_000;
const SIZED: readonly CellResult[] = [
  cell('vm-a1', 'vm-b1', 'reachable', 'timeout', {
    probe: 'mtu', size: 1472, detail: { loss: 100, control: 'reachable', largestPayload: 1414 },
    reproduce: { console: 'ping -M do -c 3 -W 1 -s 1472 10.2.0.2', explain: 'vpcheck explain t.yaml --from vm-a1 --to vm-b1' },
  }),
  cell('vm-a1', 'vm-a2', 'reachable', 'reachable', { probe: 'mtu', size: 1472, detail: { control: 'reachable', rttMs: 0.6 } }),
  cell('vm-a1', 'vm-b1', 'reachable', 'timeout', { probe: 'bulk', port: 7000, size: MB10, detail: { control: 'reachable', bytes: 0, transferMs: 10149 } }),
  cell('vm-a1', 'vm-a2', 'reachable', 'reachable', { probe: 'bulk', port: 7000, size: MB10, detail: { control: 'reachable', bytes: MB10, transferMs: 562, throughputMbps: 142.3 } }),
];

function withSized(): RunResult {
  const sample = sampleResult();
  const [initial, ...rest] = sample.phases;
  const phases = [{ ...initial!, results: [...initial!.results, ...SIZED] }, ...rest];
  return { ...sample, phases, summary: summarize(phases) };
}

test('labels and figures: sizes in whole units, the largest passing payload, bytes, time and throughput', () => {
  expect(SIZED.map(cellLabel)).toEqual(['vm-a1 -> vm-b1 mtu 1472', 'vm-a1 -> vm-a2 mtu 1472', 'vm-a1 -> vm-b1 bulk 10 MB tcp/7000', 'vm-a1 -> vm-a2 bulk 10 MB tcp/7000']);
  expect([MB10, 2 ** 20, 64_000, 1472, 0, 3 * 2 ** 30].map(bytesText)).toEqual(['10 MB', '1 MiB', '64 kB', '1472 B', '0 B', '3 GiB']);
  expect(SIZED.map(measureText)).toEqual([
    'largest passing payload 1414 of 1472',
    undefined,
    '0 B of 10 MB back in 10149 ms',
    '10 MB back in 562 ms (142.3 Mbit/s)',
  ]);
});

test('the terminal lists every sized cell with its figures and a failing one with its measure and control', () => {
  const text = renderRun(withSized(), { color: false, groupOf: (vm) => (vm.startsWith('vm-a') ? 'sub-a' : 'sub-b'), vms: ['vm-a1', 'vm-a2', 'vm-b1'] });
  expect(text).toContain([
    '  sizes and volumes:',
    '  vm-a1 -> vm-b1 mtu 1472: timeout, largest passing payload 1414 of 1472',
    '  vm-a1 -> vm-a2 mtu 1472: reachable',
    '  vm-a1 -> vm-b1 bulk 10 MB tcp/7000: timeout, 0 B of 10 MB back in 10149 ms',
    '  vm-a1 -> vm-a2 bulk 10 MB tcp/7000: reachable, 10 MB back in 562 ms (142.3 Mbit/s)',
  ].join('\n'));
  expect(text).toContain('FAIL vm-a1 -> vm-b1 (10.2.0.2) mtu 1472: expected reachable, observed timeout after 1 try\n  model: vpc-b has no route to 10.1.0.2\n  measured: largest passing payload 1414 of 1472; the small probe beside it: reachable');
  expect(text).toContain("  reproduce in vm-a1's console: ping -M do -c 3 -W 1 -s 1472 10.2.0.2");
  expect(text).toContain('FAIL vm-a1 -> vm-b1 (10.2.0.2) bulk 10 MB tcp/7000: expected reachable, observed timeout');
  // Phases without sized cells print no such list.
  expect(text.match(/sizes and volumes:/g)).toHaveLength(1);
});

test('JUnit names the cells by size and carries the figures', () => {
  const xml = renderJunit(withSized());
  expect(xml).toContain('<testcase name="vm-a1 -&gt; vm-a2 bulk 10 MB tcp/7000" classname="peering-demo.initial"/>');
  expect(xml).toContain('<testcase name="vm-a1 -&gt; vm-b1 mtu 1472" classname="peering-demo.initial">');
  expect(xml).toContain('measured: largest passing payload 1414 of 1472\nthe small probe beside it: reachable');
});

test('diff: the same pair at another size is another cell', () => {
  const old = withSized();
  const resized = { ...old, phases: old.phases.map((p) => ({ ...p, results: p.results.map((c) => (c.probe === 'mtu' && c.to === 'vm-a2' ? { ...c, size: 1400 } : c)) })) };
  const d = diffRuns(old, resized);
  expect(d.addedCells.map((p) => cellLabel(p.cell))).toEqual(['vm-a1 -> vm-a2 mtu 1400']);
  expect(d.removedCells.map((p) => cellLabel(p.cell))).toEqual(['vm-a1 -> vm-a2 mtu 1472']);
});

test('the HTML detail panel of sized cells shows size, largest passing payload, bytes, time and throughput', async ({ page }) => {
  const dir = resolve('reports');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'browser-test-sized.html');
  writeFileSync(file, renderHtml(withSized()));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route((url) => url.protocol !== 'file:', (route) => route.abort());
  await page.goto(pathToFileURL(file).href);
  const others = page.locator('section.phase[data-phase="initial"] table.others tr');
  await expect(others.filter({ hasText: 'vm-a1 -> vm-a2 bulk 10 MB tcp/7000' })).toContainText('expected reachable, observed reachable: 10 MB back in 562 ms (142.3 Mbit/s)');
  const detail = page.locator('#detail');
  await others.filter({ hasText: 'vm-a1 -> vm-b1 mtu 1472' }).locator('td.cell').click();
  await expect(detail.locator('h3')).toHaveText('vm-a1 -> vm-b1 mtu 1472 fail');
  await expect(detail.locator('dl')).toContainText('size (bytes)1472');
  await expect(detail.locator('dl')).toContainText('largest passing payload1414');
  await expect(detail.locator('dl')).toContainText('small probe beside itreachable');
  await expect(detail.locator('pre.repro').first()).toHaveText('ping -M do -c 3 -W 1 -s 1472 10.2.0.2');
  await page.locator('#detail-close').click();
  await others.filter({ hasText: 'vm-a1 -> vm-a2 bulk 10 MB tcp/7000' }).locator('td.cell').click();
  await expect(detail.locator('dl')).toContainText('bytes back10000000');
  await expect(detail.locator('dl')).toContainText('transfer (ms)562');
  await expect(detail.locator('dl')).toContainText('throughput (Mbit/s)142.3');
  expect(errors).toEqual([]);
});
