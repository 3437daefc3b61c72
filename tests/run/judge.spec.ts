// Every combination of expectation, observation, the source's control, the destination's
// control (or no destination VM) and, for tcp, whether the destination's declared port was seen
// listening: a cell passes only on evidence from both ends, and an `error` try is never a verdict.
import { expect, test } from '@playwright/test';
import type { Expected } from '../../lib/model/index.ts';
import { judgeCell, type CellEvidence, type ControlOutcome, type Verdict } from '../../lib/run/judge.ts';
import { OUTCOMES, type Outcome } from '../../lib/topology/types.ts';

const EXPECTATIONS: readonly Expected[] = [...OUTCOMES, 'not-reachable'];
/** The last try's outcome, or no try at all. */
const OBSERVATIONS: readonly (Outcome | 'none')[] = [...OUTCOMES, 'none'];
const PORT = 443;

const CONTROLS = {
  ok: { status: 'ok', listening: [PORT] },
  'ok, port not listening': { status: 'ok', listening: [22] },
  failed: { status: 'failed', reason: 'no reply from gateway 10.0.0.1 (timeout)' },
  missing: { status: 'missing' },
} satisfies Record<string, ControlOutcome>;
type ControlCase = keyof typeof CONTROLS;
const SOURCES: readonly ControlCase[] = ['ok', 'failed', 'missing'];
const DESTINATIONS: readonly (ControlCase | 'not a VM')[] = ['ok', 'ok, port not listening', 'failed', 'missing', 'not a VM'];
/**
 * icmp; tcp to a port the destination's `listen:` declares; tcp to one it does not; bulk through
 * a declared port (its listener counts as tcp's); mtu (ICMP, no port).
 */
const PROBES = ['icmp', 'tcp declared', 'tcp undeclared', 'bulk declared', 'mtu'] as const;

interface Case {
  readonly expected: Expected;
  readonly observed: Outcome | 'none';
  readonly source: ControlCase;
  readonly destination: ControlCase | 'not a VM';
  readonly probe: (typeof PROBES)[number];
}

function evidence(c: Case): CellEvidence {
  return {
    from: 'vm-a',
    to: c.destination === 'not a VM' ? 'internet' : 'vm-b',
    probe: c.probe === 'icmp' || c.probe === 'mtu' ? c.probe : c.probe === 'bulk declared' ? 'bulk' : 'tcp',
    ...(c.probe !== 'icmp' && c.probe !== 'mtu' && { port: c.probe === 'tcp undeclared' ? 8080 : PORT }),
    expected: c.expected,
    tries: c.observed === 'none' ? [] : [{ outcome: 'timeout' }, { outcome: c.observed, ...(c.observed === 'error' && { note: 'ping is not installed' }) }],
    source: CONTROLS[c.source],
    ...(c.destination !== 'not a VM' && { destination: { control: CONTROLS[c.destination], listen: [PORT, 80] } }),
  };
}

/** The rules, stated once more as a table oracle: evidence first, then the network's answer. */
function oracle(c: Case): Pick<Verdict, 'observed' | 'pass'> {
  const error = { observed: 'error', pass: false } as const;
  if (c.source !== 'ok') return error;
  if (c.destination === 'failed' || c.destination === 'missing') return error;
  if (c.observed === 'none' || c.observed === 'error') return error;
  if ((c.probe === 'tcp declared' || c.probe === 'bulk declared') && c.destination === 'ok, port not listening' && c.observed !== 'reachable') return error;
  const pass = c.expected === 'not-reachable' ? c.observed !== 'reachable' : c.expected === c.observed;
  return { observed: c.observed, pass };
}

const CASES: Case[] = EXPECTATIONS.flatMap((expected) =>
  OBSERVATIONS.flatMap((observed) =>
    SOURCES.flatMap((source) => DESTINATIONS.flatMap((destination) => PROBES.map((probe) => ({ expected, observed, source, destination, probe })))),
  ),
);

test('every combination is judged by the rules', () => {
  const wrong = CASES.flatMap((c) => {
    const got = judgeCell(evidence(c));
    const want = oracle(c);
    return got.observed === want.observed && got.pass === want.pass ? [] : [`${JSON.stringify(c)}: got ${got.observed}/${got.pass}, want ${want.observed}/${want.pass}`];
  });
  expect(wrong).toEqual([]);
  // Not vacuous: every verdict kind appears.
  const verdicts = CASES.map((c) => judgeCell(evidence(c)));
  expect(verdicts.filter((v) => v.pass).length).toBeGreaterThan(0);
  expect(verdicts.filter((v) => !v.pass && v.observed !== 'error').length).toBeGreaterThan(0);
  expect(verdicts.filter((v) => v.observed === 'error').length).toBeGreaterThan(0);
});

test('no cell passes without a passing control at each VM end', () => {
  const unproven = CASES.filter((c) => c.source !== 'ok' || c.destination === 'failed' || c.destination === 'missing');
  expect(unproven.length).toBeGreaterThan(0);
  expect(unproven.filter((c) => judgeCell(evidence(c)).observed !== 'error').map((c) => JSON.stringify(c))).toEqual([]);
});

test('an inconclusive cell says what was observed and which control is missing', () => {
  const negative: Case = { expected: 'timeout', observed: 'timeout', source: 'ok', destination: 'failed', probe: 'icmp' };
  expect(judgeCell(evidence(negative))).toEqual({
    observed: 'error',
    pass: false,
    note: 'observed timeout, but vm-b failed its positive control (no reply from gateway 10.0.0.1 (timeout)): inconclusive',
  });
  expect(judgeCell(evidence({ ...negative, destination: 'missing' })).note).toBe('observed timeout, but no positive control ran on vm-b: inconclusive');
  expect(judgeCell(evidence({ ...negative, destination: 'ok', source: 'missing', observed: 'none' })).note).toBe('no positive control ran on vm-a: inconclusive');
  for (const probe of ['tcp declared', 'bulk declared'] as const) {
    expect(judgeCell(evidence({ ...negative, destination: 'ok, port not listening', probe })).note).toBe(
      'observed timeout, but nothing was seen listening on tcp/443 in vm-b: inconclusive',
    );
  }
});

test('towards the internet or an address only the source control counts; a connection made needs no listener check', () => {
  expect(judgeCell(evidence({ expected: 'timeout', observed: 'timeout', source: 'ok', destination: 'not a VM', probe: 'icmp' }))).toEqual({ observed: 'timeout', pass: true });
  const reached = judgeCell(evidence({ expected: 'reachable', observed: 'reachable', source: 'ok', destination: 'ok, port not listening', probe: 'tcp declared' }));
  expect(reached).toEqual({ observed: 'reachable', pass: true });
  // A connection the model says is blocked is a real failure, not an inconclusive cell.
  const leaked = judgeCell(evidence({ expected: 'timeout', observed: 'reachable', source: 'ok', destination: 'ok, port not listening', probe: 'tcp declared' }));
  expect(leaked).toEqual({ observed: 'reachable', pass: false });
});

test('an error try keeps the tool\'s reason and is never a network verdict', () => {
  const v = judgeCell(evidence({ expected: 'not-reachable', observed: 'error', source: 'ok', destination: 'ok', probe: 'icmp' }));
  expect(v).toEqual({ observed: 'error', pass: false, note: 'ping is not installed' });
  expect(judgeCell(evidence({ expected: 'timeout', observed: 'none', source: 'ok', destination: 'ok', probe: 'icmp' })).note).toBe('never probed');
});

test('a size or volume cell whose small control failed: a verdict where the model expects the path down, never where it expects small packets through', () => {
  const base = { from: 'vm-a', to: 'vm-b', expected: 'timeout' as const, source: { status: 'ok' as const, listening: [] }, destination: { control: { status: 'ok' as const, listening: [5201] }, listen: [5201] } };
  const pathDown = { outcome: 'timeout' as const, control: 'timeout' as const, note: 'the 56-byte control ping got timeout too: the path failed, not only this size' };
  // A cut tunnel: the model expects even a small ping to time out, so the cell's timeout is the path's.
  expect(judgeCell({ ...base, probe: 'mtu', tries: [pathDown], smallExpected: false })).toEqual({ observed: 'timeout', pass: true, note: pathDown.note });
  // A black hole the model expects for large packets only: small ones failing too is a broken path.
  for (const probe of ['mtu', 'bulk'] as const) {
    const v = judgeCell({ ...base, probe, ...(probe === 'bulk' && { port: 5201 }), tries: [pathDown], smallExpected: true });
    expect(v.observed).toBe('timeout');
    expect(v.pass).toBe(false);
    expect(v.note).toMatch(/where the model expects small packets through: not a size verdict$/);
  }
  // The control answered: the size verdict stands.
  expect(judgeCell({ ...base, probe: 'mtu', tries: [{ outcome: 'timeout', control: 'reachable' }], smallExpected: true })).toEqual({ observed: 'timeout', pass: true });
});
