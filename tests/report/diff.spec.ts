// `vpcheck diff` on real natOutgoing results (phases run separately on the lab) and on results
// built in code: exactly the changed cells, added/removed VMs and phases, exit codes.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { RunResult } from '../../lib/run/result.ts';
import { runCli, tempFile } from '../support/cli.ts';
import { sampleResult } from './fixtures.ts';

const save = (r: RunResult | RunResult[], name: string) => tempFile(JSON.stringify(r), name);

test.describe.serial('natOutgoing phases on the lab', () => {
  let on: RunResult;
  let off: RunResult;
  let full: string;

  test.beforeAll(async () => {
    const runPhase = async (phase: string) => {
      const file = tempFile('', `nat-${phase.replace(/\W/g, '-')}.json`);
      const run = await runCli(['run', 'topologies/nat-outgoing.yaml', '--phase', phase, '--json', file]);
      expect(run.code, run.err).toBe(0);
      return JSON.parse(readFileSync(file, 'utf8')) as RunResult;
    };
    on = await runPhase('natOutgoing on');
    // Phase "natOutgoing on" as if natOutgoing did not take effect: its expectation (reachable)
    // with what the lab really observes without natOutgoing (phase "default route added").
    const without = (await runPhase('default route added')).phases[0]!.results[0]!;
    const phase = on.phases[0]!;
    const broken = { ...phase.results[0]!, observed: without.observed, tries: without.tries, pass: false };
    off = { ...on, runId: 'nat-outgoing-next', phases: [{ ...phase, results: [broken] }] };
    full = tempFile('', 'nat-full.json');
    expect((await runCli(['run', 'topologies/nat-outgoing.yaml', '--json', full])).code).toBe(0);
  });

  test('natOutgoing stops working: one regression, exit 1, named with the old run', async () => {
    const html = tempFile('', 'nat-diff.html');
    const d = await runCli(['diff', save(on, 'on.json'), save(off, 'off.json'), '--html', html]);
    expect(d.code).toBe(1);
    const changed = d.out.split('\n').filter((l) => /->.*->/.test(l));
    expect(changed).toEqual([`  REGRESSION vm-external -> internet icmp: reachable -> timeout (was passing in run ${on.runId})`]);
    expect(d.out).toContain('1 changed cells, 1 regressions, 0 added, 0 removed');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<tr class="row regression has-fail">');
    expect(page).toContain('1 regressions');
  });

  test('the reverse is a fix: exit 0; the same run twice shows no change', async () => {
    const back = await runCli(['diff', save(off, 'off2.json'), save(on, 'on2.json'), '--json']);
    expect(back.code).toBe(0);
    const diff = JSON.parse(back.out);
    expect(diff.changed.map((c: { kind: string; after: { to: string; observed: string } }) => [c.kind, c.after.to, c.after.observed])).toEqual([['fixed', 'internet', 'reachable']]);
    const same = await runCli(['diff', save(on, 'on3.json'), save(on, 'on4.json')]);
    expect(same.code).toBe(0);
    expect(same.out).toContain('0 changed cells, 0 regressions, 0 added, 0 removed');
  });

  test('a whole run against one phase: the other phases and their cells are removed', async () => {
    const d = await runCli(['diff', full, save(on, 'on5.json'), '--json']);
    expect(d.code).toBe(0);
    const diff = JSON.parse(d.out);
    expect(diff.removedPhases).toEqual(['nat-outgoing/initial', 'nat-outgoing/default route added']);
    expect(diff.addedPhases).toEqual([]);
    expect(diff.removedCells.map((p: { phase: string }) => p.phase)).toEqual(['initial', 'default route added']);
    expect(diff.changed).toEqual([]);
  });
});

test('added and removed VMs and cells, and a changed expectation that is not a regression', async () => {
  const before = sampleResult();
  const dropVm = (vm: string) => before.phases.map((p) => ({
    ...p,
    layout: { ...p.layout!, vms: p.layout!.vms.filter((v) => v.name !== vm) },
    results: p.results.filter((c) => c.from !== vm && c.to !== vm),
  }));
  const withoutB1 = { ...before, runId: 'run-2', phases: dropVm('vm-b1') };
  const d = await runCli(['diff', save(before, 'b.json'), save(withoutB1, 'a.json'), '--json']);
  const diff = JSON.parse(d.out);
  expect(d.code).toBe(0);
  expect(diff.removedVms).toEqual(['peering-demo/vm-b1']);
  expect(diff.addedVms).toEqual([]);
  // vm-b1's row (3 cells) and column (2 cells + tcp) in each of the two phases
  expect(diff.removedCells.length).toBe(12);
  const back = JSON.parse((await runCli(['diff', save(withoutB1, 'c.json'), save(before, 'd.json'), '--json'])).out);
  expect(back.addedVms).toEqual(['peering-demo/vm-b1']);
  expect(back.addedCells.length).toBe(12);
  // In the second phase a cell that failed (timeout) now passes because the expectation changed.
  const relaxed = { ...before, phases: before.phases.map((p) => ({ ...p, results: p.results.map((c) => (c.observed === 'timeout' && !c.pass ? { ...c, expected: 'timeout' as const, pass: true } : c)) })) };
  const fixed = JSON.parse((await runCli(['diff', save(before, 'e.json'), save(relaxed, 'f.json'), '--json'])).out);
  expect(fixed.changed.map((c: { kind: string }) => c.kind)).toEqual(['fixed', 'fixed']);
});

test('a file that is not a result exits 2 and says which', async () => {
  const d = await runCli(['diff', tempFile('{"x": 1}', 'x.json'), tempFile('nope', 'y.json')]);
  expect(d.code).toBe(2);
  expect(d.err).toMatch(/x\.json: not a vpcheck run result/);
  expect(d.err).toMatch(/y\.json: cannot read a JSON result/);
});
