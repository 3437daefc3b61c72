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

test('no run chassis is registered with the lab, and the machine\'s socket buffer size is its own again', async () => {
  // A lab still up (another user's run) may hold only its own shared chassis; runs' are "<run>.<node>".
  const sb = '/run/vpcheck/lab/sb.sock';
  if (existsSync(sb)) {
    const { stdout } = await execa('ovn-sbctl', [`--db=unix:${sb}`, '--bare', '--columns=name', 'list', 'Chassis']);
    expect(stdout.split('\n').filter((n) => n.includes('.'))).toEqual([]);
  }
  expect(existsSync('/run/vpcheck/rmem-default.json')).toBe(false);
});
