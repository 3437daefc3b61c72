// Runs after every other project: the suite as a whole must leave nothing behind (DESIGN: every
// run removes what it created; a leak is a bug).
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { existsSync, readdirSync } from 'node:fs';

test('the suite left no vpcheck namespaces, daemons, processes or run records', async () => {
  const { stdout: netns } = await execa('ip', ['netns', 'list']);
  expect(netns.split('\n').filter((l) => l.includes('vpcheck'))).toEqual([]);
  const { stdout: ps } = await execa('ps', ['-eo', 'pid,args']);
  const ours = ps.split('\n').filter((l) => /\/run\/vpcheck|vpcheck-/.test(l) && !l.includes('ps -eo'));
  expect(ours).toEqual([]);
  const runs = '/run/vpcheck/runs';
  expect(existsSync(runs) ? readdirSync(runs) : []).toEqual([]);
});
