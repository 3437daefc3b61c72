// A daemon dies mid-run. Runs in the "exclusive" project, after every other lab user: the
// userspace datapath allows one vswitchd per machine, so this test's private lab needs the
// shared lab to be idle.
import { existsSync, readFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { LabTarget } from '../../lib/targets/lab/lab-target.ts';
import { TargetError } from '../../lib/targets/target.ts';
import { addDefaultRoutes, context, expectNoLeak, expectReply, labProcesses, subnet, topology, vm, vpc, withMachineToItself } from './support.ts';

const spec = topology({
  vpcs: [vpc('v1')],
  subnets: [subnet('s1', '10.1.0.0/24', { vpc: 'v1' }), subnet('s2', '10.2.0.0/24', { vpc: 'v1' })],
  vms: [vm('a', 's1'), vm('b', 's2')],
});

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
    await expectReply(lab, { from: 'a', to: '10.2.0.2' });
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

