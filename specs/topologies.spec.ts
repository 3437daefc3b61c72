// One describe per topology file, one test per phase, one step per cell ("vm1 -> vm2 icmp"):
// the same engine as `vpcheck run`, so the report shows every cell and attaches the matrix,
// the failing cells' evidence and the JSON result.
import { readFileSync } from 'node:fs';
import { loadTopology } from '../lib/topology/load.ts';
import { subnetOf } from '../lib/topology/addresses.ts';
import { renderHtml } from '../lib/report/html-page.ts';
import { redact, redactText } from '../lib/secrets/redact.ts';
import { renderRun } from '../lib/report/terminal.ts';
import { cellLabel } from '../lib/report/cells.ts';
import { guestText } from '../lib/report/guest.ts';
import { DEFAULT_RUN_SETTINGS, Runner } from '../lib/run/runner.ts';
import type { CellResult } from '../lib/run/result.ts';
import { expect, suiteTopologies, test } from './fixtures.ts';

/** Past this many cells a phase reports one step per source VM instead of one per cell. */
const STEP_PER_CELL_MAX = 300;

const verdict = (c: CellResult) =>
  `expected ${c.expected}, observed ${c.observed} after ${c.tries.length} tries; model: ${c.reason}${c.detail.note ? `; probe: ${c.detail.note}` : ''}`;

for (const file of suiteTopologies()) {
  const { topology, diagnostics } = loadTopology(readFileSync(file), file);
  test.describe.serial(file, () => {
    let runner: Runner | undefined;

    test.beforeAll(async ({ target, transport }, info) => {
      info.setTimeout(180_000);
      if (!topology) throw new Error(`${file} is invalid:\n${diagnostics.map((d) => `${d.line}:${d.col} ${d.path}: ${d.message}`).join('\n')}`);
      const quiet = { info: () => undefined, warn: () => undefined };
      runner = await Runner.start(topology, target, { ...DEFAULT_RUN_SETTINGS, transport }, quiet);
    });

    test.afterAll(async ({}, info) => {
      if (!runner) return;
      const result = await runner.finish();
      const t = runner.topology;
      const groupOf = (vm: string) => subnetOf(t, t.vms.find((v) => v.name === vm)!)?.name ?? '?';
      await info.attach('matrix.txt', { body: redactText(renderRun(result, { color: false, vms: t.vms.map((v) => v.name), groupOf })), contentType: 'text/plain' });
      await info.attach('result.json', { body: JSON.stringify(redact(result), null, 2), contentType: 'application/json' });
      await info.attach('report.html', { body: renderHtml(result), contentType: 'text/html' });
    });

    ['initial', ...(topology?.phases ?? []).map((p) => p.name)].forEach((name, index) => {
      test(`phase ${name}`, async ({}, info) => {
        info.setTimeout(180_000);
        const result = await runner!.runPhase(index);
        for (const c of result.controls.filter((x) => !x.ok)) info.annotations.push({ type: 'control failed', description: `${c.vm}: ${c.reason}${c.guest ? ` (guest: ${guestText(c.guest)})` : ''}` });
        // Every VM holds the state the model starts its cells from (address, default route, MTU).
        expect.soft(result.controls.flatMap((c) => (c.departures ?? []).map((d) => `${c.vm} departs from the model: ${d}`)), 'guests departing from the model').toEqual([]);
        const failing = result.results.filter((c) => !c.pass);
        if (failing.length) {
          const evidence = failing.map((c) => [`${cellLabel(c)}: ${verdict(c)}`, ...(c.diagnostics ?? []).map((d) => `  ${d.title}\n${d.output}`), c.reproduce ? `  reproduce: ${c.reproduce.console}\n  explain: ${c.reproduce.explain}` : ''].join('\n'));
          await info.attach('failing-cells.txt', { body: redactText(evidence.join('\n\n')), contentType: 'text/plain' });
        }
        if (result.results.length <= STEP_PER_CELL_MAX) {
          for (const c of result.results) {
            await test.step(cellLabel(c), async () => {
              expect.soft(c.pass, `${cellLabel(c)}: ${verdict(c)}`).toBe(true);
            });
          }
        } else {
          for (const vm of new Set(result.results.map((c) => c.from))) {
            const cells = result.results.filter((c) => c.from === vm);
            await test.step(`${vm} -> ${cells.length} destinations`, async () => {
              expect.soft(cells.filter((c) => !c.pass).map((c) => `${cellLabel(c)}: ${verdict(c)}`)).toEqual([]);
            });
          }
        }
      });
    });
  });
}
