// `vpcheck report` renders a saved result again: the same terminal text as the run printed,
// HTML and JUnit files, arrays of results; `report` and `diff` have --help examples.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { runCli, tempFile } from '../support/cli.ts';
import { sampleResult } from './fixtures.ts';

test('a saved run renders as the run printed it, and to HTML and JUnit; --html on run writes the report too', async () => {
  const [json, runHtml] = [tempFile('', 'r.json'), tempFile('', 'r-run.html')];
  const run = await runCli(['run', 'topologies/nat-outgoing.yaml', '--json', json, '--html', runHtml]);
  expect(run.code, run.err).toBe(0);
  const again = await runCli(['report', json]);
  expect(again.code).toBe(0);
  expect(again.out).toBe(run.out);
  const [html, junit] = [tempFile('', 'r.html'), tempFile('', 'r.xml')];
  expect((await runCli(['report', json, '--html', html, '--junit', junit])).code).toBe(0);
  // The run's own HTML and the re-rendered one are the same page.
  expect(readFileSync(html, 'utf8')).toBe(readFileSync(runHtml, 'utf8'));
  expect(readFileSync(html, 'utf8')).toContain('<section class="phase" data-phase="natOutgoing on">');
  expect(readFileSync(junit, 'utf8')).toMatch(/<testsuites name="vpcheck" tests="3" failures="0" errors="0"/);
});

test('an array of results renders every topology', async () => {
  const file = tempFile(JSON.stringify([sampleResult(), sampleResult({ topology: 'second-topology' })]), 'arr.json');
  const html = tempFile('', 'arr.html');
  const r = await runCli(['report', file, '--html', html]);
  expect(r.code).toBe(0);
  expect(r.out).toBe('');
  const page = readFileSync(html, 'utf8');
  expect(page.match(/<section class="run"/g)?.length).toBe(2);
  expect(page).toContain('data-topology="second-topology"');
  const text = await runCli(['report', file]);
  expect(text.out).toMatch(/peering-demo: 17 passed, 3 failed \(1 could not be probed\)/);
  expect(text.out).toMatch(/second-topology: 17 passed, 3 failed/);
});

test('report and diff document themselves with an example', async () => {
  for (const cmd of ['report', 'diff']) {
    const help = await runCli([cmd, '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(new RegExp(`Example:\\n  \\$ vpcheck ${cmd} reports/`));
  }
});
