// The lab builds every VM namespace's commands from one host shell (lib/targets/lab/proc.ts).
import { expect } from '@playwright/test';
import { nsScripts } from '../../lib/targets/lab/proc.ts';
import { TargetError } from '../../lib/targets/target.ts';
import { sh, test } from '../support/netns-fixture.ts';

test('each namespace runs its own commands, quoting intact, a bounded number at a time', async ({ netns }) => {
  const scripts = Array.from({ length: 9 }, (_, i) => ({
    ns: i % 2 ? netns.b : netns.a,
    commands: [
      ['ip', 'addr', 'add', `10.98.${i}.1/32`, 'dev', 'lo'],
      ['sh', '-c', `echo "it's $0" > ${netns.dir}/out${i}`, `job ${i}`],
      // How many scripts run at this moment, seen by each.
      ['sh', '-c', `d=${netns.dir}; mkdir $d/run.${i}; ls -d $d/run.* | wc -l >> $d/running; sleep 0.3; rmdir $d/run.${i}`],
    ],
  }));
  await nsScripts(scripts, 2);
  expect(await sh('ip', '-n', netns.a, '-4', '-o', 'addr', 'show', 'dev', 'lo')).toMatch(/10\.98\.0\.1\/32[\s\S]*10\.98\.8\.1\/32/);
  expect(await sh('ip', '-n', netns.b, '-4', '-o', 'addr', 'show', 'dev', 'lo')).not.toContain('10.98.0.1/32');
  const running = (await sh('cat', `${netns.dir}/running`)).trim().split('\n').map(Number);
  expect(Math.max(...running)).toBe(2);
  expect(await sh('cat', ...scripts.map((_, i) => `${netns.dir}/out${i}`))).toBe(scripts.map((_, i) => `it's job ${i}\n`).join(''));
});

test('a failing command stops its namespace\'s script and is a TargetError naming the namespace and what it printed', async ({ netns }) => {
  const error = await nsScripts([
    { ns: netns.a, commands: [['true']] },
    { ns: netns.b, commands: [['ip', 'link', 'set', 'no-such-nic', 'up'], ['touch', `${netns.dir}/not-reached`]] },
  ], 4).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TargetError);
  expect((error as Error).message).toBe(`lab: the commands of namespace ${netns.b} failed: Cannot find device "no-such-nic"`);
  await expect(sh('ls', `${netns.dir}/not-reached`)).rejects.toThrow();
  const missing = await nsScripts([{ ns: 'vpcheck-t-no-such-ns', commands: [['true']] }], 1).catch((e: unknown) => e);
  expect((missing as Error).message).toMatch(/^lab: the commands of namespace vpcheck-t-no-such-ns failed: .*vpcheck-t-no-such-ns/);
});
