// The lab under trouble: two runs share a lab, a run is killed with -9. (A daemon dying mid-run
// is in controller-death.exclusive.spec.ts: it needs the machine to itself.)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { test, expect } from '@playwright/test';
import { LabTarget } from '../../lib/targets/lab/lab-target.ts';
import { existsSync } from 'node:fs';
import { DEFAULT_LAB_DIR, RunNames } from '../../lib/targets/lab/names.ts';
import { addDefaultRoutes, context, expectNoLeak, expectNoReply, expectReply, labProcesses, subnet, topology, vm, vpc } from './support.ts';

const spec = topology({
  vpcs: [vpc('v1')],
  subnets: [subnet('s1', '10.1.0.0/24', { vpc: 'v1' }), subnet('s2', '10.2.0.0/24', { vpc: 'v1' })],
  vms: [vm('a', 's1'), vm('b', 's2')],
});

test('two concurrent runs with the same names do not disturb each other', async () => {
  const [c1, c2] = [context('conc'), context('conc')];
  const target = new LabTarget();
  const [one, two] = await Promise.all([target.up(spec, c1), target.up(spec, c2)]);
  try {
    await Promise.all([addDefaultRoutes(one, spec), addDefaultRoutes(two, spec)]);
    await expectReply(one, { from: 'a', to: '10.2.0.2' });
    await two.down();
    await expectNoLeak(c2.runId);
    await expectReply(one, { from: 'a', to: '10.2.0.2' });
    const isolated = { ...spec, subnets: spec.subnets.map((s) => ({ ...s, private: true })) };
    await one.update(isolated);
    await expectNoReply(one, isolated, { from: 'a', to: '10.2.0.2' }, 'timeout');
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
  const names = new RunNames(runId);
  expect(before).toContain(`vpcheck-${runId}.vm.a`);
  expect(before).toContain(names.natGatewayNamespace('gw'));
  expect((await execa('ip', ['link', 'show', names.hostIf('natgw', 'gw')], { reject: false })).exitCode).toBe(0);
  // The upstream host's who-am-I service, started by the run.
  const upstreamPids = (await execa('ip', ['netns', 'pids', names.upstreamNamespace()])).stdout.split('\n').filter(Boolean).map(Number);
  expect(upstreamPids.length).toBeGreaterThan(0);
  expect(labProcesses(labDir).length).toBe(6);
  const removed = await new LabTarget({ labDir }).down({ all: true });
  expect(removed).toContain(runId);
  await expectNoLeak(runId, labDir);
  const { stdout: ps } = await execa('ps', ['-eo', 'args']);
  expect(ps.split('\n').filter((l) => l.includes(`runs/${runId}/`))).toEqual([]);
  expect(upstreamPids.filter((pid) => existsSync(`/proc/${pid}`))).toEqual([]);
  expect((await execa('ip', ['link', 'show', names.hostIf('natgw', 'gw')], { reject: false })).exitCode).not.toBe(0);
});
