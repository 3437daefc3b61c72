// The lab under trouble: a daemon dies mid-run, two runs share a lab, a run is killed with -9.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { test, expect } from '@playwright/test';
import { LabTarget } from '../../lib/targets/lab/lab-target.ts';
import { TargetError } from '../../lib/targets/target.ts';
import { DEFAULT_LAB_DIR } from '../../lib/targets/lab/names.ts';
import { addDefaultRoutes, context, expectNoLeak, ping, subnet, topology, vm, vpc, withMachineToItself } from './support.ts';

const spec = topology({
  vpcs: [vpc('v1')],
  subnets: [subnet('s1', '10.1.0.0/24', { vpc: 'v1' }), subnet('s2', '10.2.0.0/24', { vpc: 'v1' })],
  vms: [vm('a', 's1'), vm('b', 's2')],
});

/** Daemons of a lab dir still running (by their pid files). */
function labProcesses(labDir: string): number[] {
  return ['ovsdb-server-conf', 'ovsdb-server-nb', 'ovsdb-server-sb', 'ovs-vswitchd', 'ovn-northd', 'ovn-controller']
    .map((d) => `${labDir}/${d}.pid`).filter(existsSync).map((f) => Number(readFileSync(f, 'utf8')))
    .filter((pid) => existsSync(`/proc/${pid}`));
}

test('ovn-controller dies mid-run: the next change fails fast naming it, and down() leaves nothing', async () => {
  // A lab of its own, while no other runs: killing its controller must not disturb other tests.
  await withMachineToItself(killController);
});

async function killController(): Promise<void> {
  const labDir = `/run/vpcheck/lab-kill-${process.pid}`;
  const ctx = context('kill');
  const lab = await new LabTarget({ labDir }).up(spec, ctx);
  try {
    await addDefaultRoutes(lab, spec);
    expect(await ping(lab, 'a', '10.2.0.2')).toBe('reachable');
    process.kill(Number(readFileSync(`${labDir}/ovn-controller.pid`, 'utf8')), 'SIGKILL');
    const started = Date.now();
    const error = await lab.update({ ...spec, vms: [...spec.vms, vm('c', 's1')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TargetError);
    expect((error as Error).message).toContain('ovn-controller');
    expect(Date.now() - started).toBeLessThan(10_000);
  } finally {
    await lab.down();
  }
  await expectNoLeak(ctx.runId, labDir);
  expect(labProcesses(labDir)).toEqual([]);
  expect(existsSync(labDir)).toBe(false);
}

test('two concurrent runs with the same names do not disturb each other', async () => {
  const [c1, c2] = [context('conc'), context('conc')];
  const target = new LabTarget();
  const [one, two] = await Promise.all([target.up(spec, c1), target.up(spec, c2)]);
  try {
    await Promise.all([addDefaultRoutes(one, spec), addDefaultRoutes(two, spec)]);
    expect(await ping(one, 'a', '10.2.0.2')).toBe('reachable');
    await two.down();
    await expectNoLeak(c2.runId);
    expect(await ping(one, 'a', '10.2.0.2')).toBe('reachable');
    await one.update({ ...spec, subnets: spec.subnets.map((s) => ({ ...s, private: true })) });
    expect(await ping(one, 'a', '10.2.0.2')).toBe('timeout');
  } finally {
    await Promise.all([one.down(), two.down()]);
  }
  await expectNoLeak(c1.runId);
});

test('down({all}) after a run was killed with -9 removes everything of it, and only it', async () => {
  // The shared lab: down({all}) skips runs whose process lives, so other tests keep theirs.
  const labDir = DEFAULT_LAB_DIR;
  const { runId } = context('crash');
  const script = fileURLToPath(new URL('./fixtures/crash-run.ts', import.meta.url));
  // Its own process group, so that kill -9 reaches npx, tsx and node at once, as a crash would.
  const child = spawn('npx', ['tsx', script, runId, labDir], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('UP') && resolve());
    child.once('exit', (code) => reject(new Error(`crash-run exited ${code} before it was up`)));
  });
  process.kill(-child.pid!, 'SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  const { stdout: before } = await execa('ip', ['netns', 'list']);
  expect(before).toContain(`vpcheck-${runId}.vm.a`);
  expect(labProcesses(labDir).length).toBe(6);
  const removed = await new LabTarget({ labDir }).down({ all: true });
  expect(removed).toContain(runId);
  await expectNoLeak(runId, labDir);
  const { stdout: ps } = await execa('ps', ['-eo', 'args']);
  expect(ps.split('\n').filter((l) => l.includes(`runs/${runId}/`))).toEqual([]);
});
