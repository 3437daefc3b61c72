// Faults the engine must survive without a false verdict: a VM whose session cannot open, a
// console that rejects the password. Those cells are `error`; every other VM is still probed.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { loadTopology } from '../../lib/topology/load.ts';
import { DEFAULT_RUN_SETTINGS, Runner } from '../../lib/run/runner.ts';
import type { LabRealized } from '../../lib/targets/lab/lab-target.ts';
import { labWithSessions } from '../support/lab-sessions.ts';
import { openConsoleSession } from '../../lib/sessions/console.ts';
import type { Session, Transport } from '../../lib/sessions/session.ts';
import type { Target } from '../../lib/targets/target.ts';

const quiet = { info: () => undefined, warn: () => undefined };

/** The lab, with one VM's sessions replaced. */
function labWith(vm: string, open: (lab: LabRealized, transport: Transport) => Promise<Session>): Target {
  return labWithSessions((lab, name, transport) => (name === vm ? open(lab, transport) : lab.openSession(name, transport)));
}

const topology = loadTopology(readFileSync('topologies/same-vpc-subnets.yaml'), 'topologies/same-vpc-subnets.yaml').topology!;

async function runWith(target: Target) {
  const runner = await Runner.start(topology, target, { ...DEFAULT_RUN_SETTINGS, retries: 0 }, quiet);
  try {
    await runner.runAll();
  } catch (error) {
    // Tear the run down, and fail with the engine's error rather than a result.
    await runner.finish();
    throw error;
  }
  return runner.finish();
}

test('a VM whose session never opens: its cells are error with the reason, the others are judged', async () => {
  const result = await runWith(labWith('vm1-vswitch2', async () => {
    throw new Error('console refused: VMI is not running');
  }));
  const cells = result.phases[0]!.results;
  const broken = cells.filter((c) => c.from === 'vm1-vswitch2');
  expect(broken.length).toBeGreaterThan(0);
  for (const c of broken) {
    expect(c.observed).toBe('error');
    expect(c.pass).toBe(false);
    expect(c.detail.note).toMatch(/VMI is not running/);
  }
  expect(result.phases[0]!.controls.find((c) => c.vm === 'vm1-vswitch2')).toMatchObject({ ok: false });
  // Nothing shows it is alive, so no cell towards it can be judged either, whatever was observed.
  const towards = cells.filter((c) => c.to === 'vm1-vswitch2');
  expect(towards.length).toBeGreaterThan(0);
  for (const c of towards) expect(c).toMatchObject({ observed: 'error', pass: false });
  expect(towards.find((c) => c.from === 'vm1-vswitch1')!.detail.note).toMatch(/observed timeout, but vm1-vswitch2 failed its positive control .*VMI is not running.*inconclusive/);
  const healthy = cells.filter((c) => c.from !== 'vm1-vswitch2' && c.to !== 'vm1-vswitch2');
  expect(healthy.length).toBeGreaterThan(0);
  expect(healthy.every((c) => c.pass)).toBe(true);
  expect(result.summary.errors).toBe(broken.length + towards.length);
});

test('a console that rejects the password: error cells saying so, never a timeout verdict', async () => {
  const result = await runWith(labWith('vm1-vswitch1', (lab) =>
    openConsoleSession(lab.consoleStream('vm1-vswitch1'), { vm: 'vm1-vswitch1', username: lab.credentials.username, password: 'not-the-password', loginTimeoutMs: 15_000 })));
  const broken = result.phases[0]!.results.filter((c) => c.from === 'vm1-vswitch1');
  expect(broken.map((c) => c.observed)).toEqual(broken.map(() => 'error'));
  expect(broken[0]!.detail.note).toMatch(/password/i);
  expect(JSON.stringify(result)).not.toContain('not-the-password');
});
