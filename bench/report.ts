// Benchmark of the HTML report at scale: a 100-VM result (10 VPCs of one subnet each, 10,000
// cells in one phase, a few failing with diagnostics) rendered to one file and opened in
// Chromium from file://. Prints render time, file size, and the browser's time from navigation
// to the load event and to the first painted frame with the grid. Never asserts.
import { chromium } from '@playwright/test';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderHtml } from '../lib/report/html-page.ts';
import type { Layout } from '../lib/run/layout.ts';
import { summarize, type CellResult, type PhaseResult, type RunResult } from '../lib/run/result.ts';

const VMS = 100;
const VPCS = 10;

function syntheticResult(): RunResult {
  const vm = (i: number) => ({ name: `vm${i}`, ip: `10.${i % VPCS}.0.${2 + Math.floor(i / VPCS)}`, subnet: `s${i % VPCS}`, defaultRoute: true });
  const vms = Array.from({ length: VMS }, (_, i) => vm(i));
  const layout: Layout = {
    vms,
    vpcs: Array.from({ length: VPCS }, (_, v) => ({
      name: `vpc${v}`, cidr: `10.${v}.0.0/16`,
      subnets: [{ name: `s${v}`, cidrBlock: `10.${v}.0.0/24`, gateway: `10.${v}.0.1`, private: false, natOutgoing: false }],
      peerings: v % 2 === 0 ? [{ remoteVpc: `vpc${v + 1}`, localConnectIP: `169.254.${v}.1/30` }] : [{ remoteVpc: `vpc${v - 1}`, localConnectIP: `169.254.${v - 1}.2/30` }],
      routes: [{ cidr: `10.${v ^ 1}.0.0/16`, nextHopIP: `169.254.${v & ~1}.${v % 2 === 0 ? 2 : 1}` }],
    })),
  };
  const peered = (a: number, b: number) => a % VPCS === b % VPCS || (a % VPCS ^ 1) === b % VPCS;
  const results: CellResult[] = [];
  for (const a of vms.keys()) {
    for (const b of [...vms.keys(), -1]) {
      if (a === b) continue;
      const to = b < 0 ? 'internet' : `vm${b}`;
      const toIp = b < 0 ? '192.0.2.1' : vms[b]!.ip;
      const expected = b >= 0 && peered(a, b) ? 'reachable' : 'timeout';
      const observed = (a * 31 + b) % 997 === 0 ? (expected === 'reachable' ? 'timeout' : 'reachable') : expected;
      const pass = observed === expected;
      results.push({
        from: `vm${a}`, to, probe: 'icmp', toIp, expected, observed, pass,
        reason: expected === 'reachable' ? `vpc${a % VPCS} route 10.${b % VPCS}.0.0/16 via peering` : `vpc${a % VPCS} has no route to ${toIp}`,
        tries: [{ outcome: observed, atMs: 1000 + b, raw: `${toIp} : xmt/rcv/%loss = 1/${observed === 'reachable' ? 1 : 0}/${observed === 'reachable' ? 0 : 100}%` }],
        detail: observed === 'reachable' ? { loss: 0, rttMs: 0.4 } : { loss: 1 },
        ...(!pass && {
          reproduce: { console: `ping -c 3 -W 1 ${toIp}`, explain: `vpcheck explain bench.yaml --from vm${a} --to ${to}` },
          diagnostics: [{ title: 'ovn-trace', command: `ovn-trace ls-s${a % VPCS} '...'`, output: 'ingress(dp="vpc", inport="...")\n  lr_in_ip_routing: drop;\n'.repeat(5) }],
        }),
      });
    }
  }
  const phase: PhaseResult = { name: 'initial', startedAt: new Date().toISOString(), durationMs: 9000, applyMs: 0, prepareMs: 1000, probeMs: 8000, controls: [], results, layout };
  return {
    topology: 'bench-100', file: 'bench-100.yaml', topologySha256: '0'.repeat(64), target: 'lab', transport: 'console', runId: 'bench-100-000000',
    vpcheckVersion: '0.1.0', versions: {}, startedAt: phase.startedAt, endedAt: phase.startedAt, warnings: [], phases: [phase], summary: summarize([phase]),
  };
}

const result = syntheticResult();
const t0 = performance.now();
const html = renderHtml(result);
const renderMs = performance.now() - t0;
mkdirSync('reports', { recursive: true });
const file = resolve('reports/bench-100vms.html');
writeFileSync(file, html);
console.log(`cells: ${result.phases[0]!.results.length}, failing: ${result.summary.failed}`);
console.log(`render (node): ${renderMs.toFixed(0)} ms; file size: ${(statSync(file).size / 1024 / 1024).toFixed(2)} MB (${statSync(file).size} bytes)`);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
try {
  for (let i = 1; i <= 3; i++) {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.route((url) => url.protocol !== 'file:', (r) => r.abort());
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // One frame after load: the grid has been laid out and painted.
    const t = await page.evaluate(() => new Promise<{ load: number; painted: number; cells: number }>((done) => {
      requestAnimationFrame(() => requestAnimationFrame(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        done({ load: nav.loadEventEnd, painted: performance.now(), cells: document.querySelectorAll('td.cell').length });
      }));
    }));
    console.log(`load #${i}: load event ${t.load.toFixed(0)} ms, grid painted ${t.painted.toFixed(0)} ms after navigation (${t.cells} cells in the DOM; target < 2000 ms)`);
    const clicked = performance.now();
    await page.locator('button.tog').first().click();
    await page.locator('td.cell.fail').first().click();
    await page.locator('#detail .reason').waitFor();
    console.log(`  expand a subnet and open a failing cell's details: ${(performance.now() - clicked).toFixed(0)} ms`);
    await page.close();
  }
} finally {
  await browser.close();
}
