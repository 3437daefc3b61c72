// A run result as JUnit XML for CI systems: one <testsuite> per phase of each topology, one
// <testcase> per cell named like "vm1 -> vm2 icmp" or "vm1 -> vm2 mtu 1472". A cell that differs from the model is a
// <failure>; a cell that could not be probed is an <error> (inconclusive, not a network
// verdict). Both carry the model's reason, the guests' own view, the tries and the reproduction.
// Pure; redacted.
import type { CellResult, PhaseResult, RunResult } from '../run/result.ts';
import { cellLabel, measureText, resultList, statusOf, triesText } from './cells.ts';
import { esc } from './escape.ts';
import { cellGuestLines, cellGuests } from './guest.ts';
import { redact } from '../secrets/redact.ts';

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function evidence(c: CellResult, p: PhaseResult): string {
  const lines = [
    `${cellLabel(c)} (${c.toIp}): expected ${c.expected}, observed ${c.observed} after ${triesText(c.tries.length)}`,
    `model: ${c.reason}`,
    ...(measureText(c) ? [`measured: ${measureText(c)}`] : []),
    ...(c.detail.control ? [`the small probe beside it: ${c.detail.control}`] : []),
    ...cellGuests(p, c).flatMap(cellGuestLines),
    ...(c.detail.note ? [`probe: ${c.detail.note}`] : []),
    ...(c.reproduce ? [`reproduce in ${c.from}'s console: ${c.reproduce.console}`, `model's path: ${c.reproduce.explain}`] : []),
    ...c.tries.flatMap((t, i) => [`try ${i + 1}: ${t.outcome} at ${t.atMs} ms`, ...t.raw.trimEnd().split('\n').map((l) => `  ${l}`)]),
    ...(c.diagnostics ?? []).flatMap((d) => [`${d.title}: ${d.command}`, ...d.output.trimEnd().split('\n').map((l) => `  ${l}`)]),
  ];
  return lines.join('\n');
}

function testcase(c: CellResult, p: PhaseResult, classname: string): string {
  const open = `<testcase name="${esc(cellLabel(c))}" classname="${esc(classname)}">`;
  const status = statusOf(c);
  if (status === 'pass') return `    ${open.replace(/>$/, '/>')}`;
  const tag = status === 'error' ? 'error' : 'failure';
  const message = `expected ${c.expected}, observed ${c.observed}: ${c.reason}`;
  return `    ${open}\n      <${tag} message="${esc(message)}" type="${esc(c.observed)}">${esc(evidence(c, p))}</${tag}>\n    </testcase>`;
}

function counts(cells: readonly CellResult[]) {
  const failures = cells.filter((c) => statusOf(c) === 'fail').length;
  const errors = cells.filter((c) => statusOf(c) === 'error').length;
  return `tests="${cells.length}" failures="${failures}" errors="${errors}" skipped="0"`;
}

function suite(r: RunResult, p: PhaseResult): string {
  const props = [
    ['file', r.file], ['topologySha256', r.topologySha256], ['target', r.target], ['transport', r.transport],
    ['runId', r.runId], ['vpcheckVersion', r.vpcheckVersion], ...Object.entries(r.versions),
  ];
  const classname = `${r.topology}.${p.name}`;
  return [
    `  <testsuite name="${esc(`${r.topology} — phase ${p.name}`)}" ${counts(p.results)} time="${seconds(p.durationMs)}" timestamp="${esc(p.startedAt)}">`,
    `    <properties>${props.map(([k, v]) => `<property name="${esc(k!)}" value="${esc(v!)}"/>`).join('')}</properties>`,
    ...p.results.map((c) => testcase(c, p, classname)),
    '  </testsuite>',
  ].join('\n');
}

export function renderJunit(input: RunResult | readonly RunResult[]): string {
  const results = redact(resultList(input));
  const all = results.flatMap((r) => r.phases.flatMap((p) => p.results));
  const time = results.reduce((t, r) => t + r.phases.reduce((u, p) => u + p.durationMs, 0), 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="vpcheck" ${counts(all)} time="${seconds(time)}">`,
    ...results.flatMap((r) => r.phases.map((p) => suite(r, p))),
    '</testsuites>',
    '',
  ].join('\n');
}
