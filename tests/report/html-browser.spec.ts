// The HTML report in a real headless Chromium (Debian's, see README setup), opened from file://
// with every non-file request aborted: classes and text of cells, the detail panel, filters,
// grouping, no console errors, no network; a screenshot goes to reports/ for a human to look at.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderHtml } from '../../lib/report/html-page.ts';
import type { RunResult } from '../../lib/run/result.ts';
import { sampleResult } from './fixtures.ts';

test.use({ launchOptions: { executablePath: '/usr/bin/chromium' } });

const REPORTS = resolve('reports');

/** Opens a report; returns the console errors and the requests that left file://. */
async function open(page: Page, result: RunResult | RunResult[], name: string) {
  mkdirSync(REPORTS, { recursive: true });
  const file = join(REPORTS, name);
  writeFileSync(file, renderHtml(result));
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route((url) => url.protocol !== 'file:', (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  return { errors, requests };
}

test('cells carry their status and outcome; a failing cell shows its reason and reproduction', async ({ page }) => {
  const { errors, requests } = await open(page, sampleResult(), 'browser-test.html');
  const phase = page.locator('section.phase[data-phase="return route removed"]');
  await expect(page.locator('section.phase')).toHaveCount(2);
  const row = (vm: string) => phase.locator('table.matrix tr.row', { has: page.locator('th', { hasText: vm }) });
  // columns: vm-a1 vm-a2 (sub-a), vm-b1 (sub-b), internet
  const a1 = row('vm-a1').locator('td');
  await expect(a1.nth(0)).toHaveClass('self');
  await expect(a1.nth(1)).toHaveClass('cell pass o-reachable');
  await expect(a1.nth(1)).toHaveText('✓');
  await expect(a1.nth(2)).toHaveClass('cell fail o-timeout');
  await expect(a1.nth(2)).toHaveText('✗');
  await expect(a1.nth(3)).toHaveClass('cell pass o-timeout');
  await expect(row('vm-b1').locator('td').nth(0)).toHaveClass('cell error o-error');
  await expect(phase.locator('tbody.grp[data-subnet="sub-a"] tr.gsum')).toContainText('sub-a (vpc-a) · 2 VMs · 2 failing');
  await expect(phase.locator('table.others')).toContainText('vm-a1 -> vm-b1 tcp/443');
  await expect(page.locator('.warnings')).toContainText('example warning');
  await expect(page.locator('table.meta')).toContainText('sha256 ' + 'ab'.repeat(32));
  await expect(page.locator('svg.diagram').first()).toContainText('vpc-a 169.254.0.1/30 <-> vpc-b 169.254.0.2/30');

  const detail = page.locator('#detail');
  await expect(detail).toBeHidden();
  await a1.nth(2).click();
  await expect(detail).toBeVisible();
  await expect(detail).toContainText('vm-a1 -> vm-b1 icmp');
  await expect(detail.locator('.reason')).toHaveText('vpc-b has no route to 10.1.0.2');
  await expect(detail.locator('pre.repro').first()).toHaveText('ping -c 3 -W 1 10.2.0.2');
  await expect(detail).toContainText('lr_in_ip_routing priority 0: drop;');
  await expect(detail.locator('p.guest')).toHaveText(['vm-a1: 10.1.0.2/24 on enp1s0 mtu 1400, default via 10.1.0.1', /^vm-b1: unavailable: ip -j addr show failed/]);
  await phase.locator('details.guests summary').click();
  await expect(phase.locator('details.guests tr')).toHaveText([/^vm-a1\s*10\.1\.0\.2\/24/, /^vm-a2\s*10\.1\.0\.3\/24 \(dhcp, lease 600 s left\)/, /^vm-b1\s*unavailable/]);
  await expect(a1.nth(2)).toHaveClass(/selected/);

  await page.screenshot({ path: join(REPORTS, 'html-report.png'), fullPage: true });
  expect(errors).toEqual([]);
  expect(requests).toEqual([]);
});

test('the failures filter hides passing cells and rows; the scope filter hides other subnets', async ({ page }) => {
  const { errors } = await open(page, sampleResult(), 'browser-filters.html');
  const initial = page.locator('section.phase[data-phase="initial"]');
  const failing = page.locator('section.phase[data-phase="return route removed"]');
  const passCell = failing.locator('td.cell.pass').first();
  await expect(passCell).toBeVisible();
  await page.locator('#only-fail').check();
  await expect(passCell).toBeHidden();
  await expect(failing.locator('td.cell.fail').first()).toBeVisible();
  await expect(failing.locator('td.cell.error')).toBeVisible();
  await expect(initial.locator('tr.row')).toHaveCount(4); // none of them shown: no failure in the phase
  for (const r of await initial.locator('table.matrix tr.row').all()) await expect(r).toBeHidden();
  await page.locator('#only-fail').uncheck();

  await page.locator('#scope').selectOption('subnet:sub-b');
  await expect(failing.locator('tbody.grp[data-subnet="sub-a"]')).toBeHidden();
  await expect(failing.locator('tbody.grp[data-subnet="sub-b"]')).toBeVisible();
  await expect(failing.locator('col[data-subnet="sub-a"]').first()).toHaveCSS('visibility', 'collapse');
  await page.locator('#scope').selectOption('');
  await expect(failing.locator('tbody.grp[data-subnet="sub-a"]')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a subnet group collapses to its per-subnet counts and expands again', async ({ page }) => {
  await open(page, sampleResult(), 'browser-groups.html');
  const group = page.locator('section.phase[data-phase="return route removed"] tbody.grp[data-subnet="sub-a"]');
  await expect(group.locator('tr.row').first()).toBeVisible();
  await group.locator('button.tog').click();
  await expect(group.locator('tr.row').first()).toBeHidden();
  // passing / total per destination subnet: sub-a -> sub-a both pass, sub-a -> sub-b both fail
  await expect(group.locator('td.agg')).toHaveText(['2/2', '0/2', '2/2']);
  await expect(group.locator('td.agg.fail')).toHaveAttribute('data-subnet', 'sub-b');
  await group.locator('button.tog').click();
  await expect(group.locator('tr.row').first()).toBeVisible();
});

test('names from user files cannot inject markup or script', async ({ page }) => {
  const evil = '<img src=x onerror=alert(1)></script><script>window.pwned=1</script>';
  const base = sampleResult();
  const result = { ...base, topology: evil, warnings: [evil], phases: base.phases.map((p) => ({ ...p, results: p.results.map((c) => ({ ...c, reason: evil })) })) };
  const { errors, requests } = await open(page, result, 'browser-escape.html');
  await page.locator('td.cell.fail').first().click();
  await expect(page.locator('#detail .reason')).toHaveText(evil);
  await expect(page.locator('h1')).toHaveText(evil);
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  expect(await page.locator('img').count()).toBe(0);
  expect(errors).toEqual([]);
  expect(requests).toEqual([]);
});

test('an internet cell\'s detail shows the source address the upstream saw', async ({ page }) => {
  const sample = sampleResult();
  const [initial, ...rest] = sample.phases;
  const results = initial!.results.map((c) => (c.from === 'vm-a1' && c.to === 'internet' ? { ...c, detail: { seenAs: '192.0.2.100' } } : c));
  const { errors } = await open(page, { ...sample, phases: [{ ...initial!, results }, ...rest] }, 'browser-test-seen-as.html');
  const phase = page.locator('section.phase[data-phase="initial"]');
  const internet = phase.locator('table.matrix tr.row', { has: page.locator('th', { hasText: 'vm-a1' }) }).locator('td').nth(3);
  await internet.click();
  await expect(page.locator('#detail dl')).toContainText('source the upstream saw192.0.2.100');
  expect(errors).toEqual([]);
});
