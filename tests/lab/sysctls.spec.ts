// The kernel settings the lab raises while it runs (lib/targets/lab/sysctls.ts): raised by the
// first run that needs them, kept by later ones, restored by the last. The settings are files of
// the same format as /proc/sys's, in a directory of the test's own (writing the machine's would
// change every other lab's); the saved values go to a state dir that does not exist yet, as on a
// freshly booted machine where /run/vpcheck is missing.
import { expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_NEIGHBOUR_LIMITS, LAB_RMEM_DEFAULT, neighbourLimits, raiseSysctls, restoreSysctls, socketBuffers } from '../../lib/targets/lab/sysctls.ts';

const THRESHOLDS = ['gc_thresh1', 'gc_thresh2', 'gc_thresh3'];

function neighbours(values: [number, number, number]) {
  const root = mkdtempSync(join(tmpdir(), 'vpcheck-neigh-'));
  THRESHOLDS.forEach((t, i) => writeFileSync(join(root, t), `${values[i]}\n`));
  const settings = neighbourLimits(root, join(root, 'state', 'not-yet', 'neighbour-limits.json'));
  return { settings, read: () => THRESHOLDS.map((t) => Number(readFileSync(join(root, t), 'utf8'))) };
}

function rmem(value: number) {
  const root = mkdtempSync(join(tmpdir(), 'vpcheck-rmem-'));
  writeFileSync(join(root, 'rmem_default'), `${value}\n`);
  const settings = socketBuffers(join(root, 'rmem_default'), join(root, 'state', 'not-yet', 'rmem-default.json'));
  return { settings, read: () => Number(readFileSync(join(root, 'rmem_default'), 'utf8')) };
}

const needed = (yes: boolean) => async () => yes;

test('neighbour limits: the first run raises them, later runs keep the first saved values, the last run restores them', async () => {
  const m = neighbours([128, 512, 1024]);
  expect(await raiseSysctls(m.settings)).toEqual([]);
  expect(m.read()).toEqual([LAB_NEIGHBOUR_LIMITS.gc_thresh1, LAB_NEIGHBOUR_LIMITS.gc_thresh2, LAB_NEIGHBOUR_LIMITS.gc_thresh3]);
  const original = { 'net.ipv4.neigh.default.gc_thresh1': 128, 'net.ipv4.neigh.default.gc_thresh2': 512, 'net.ipv4.neigh.default.gc_thresh3': 1024 };
  expect(JSON.parse(readFileSync(m.settings.saved, 'utf8'))).toEqual(original);
  // A second run joins: the saved values stay the machine's own, not the raised ones.
  await raiseSysctls(m.settings);
  expect(JSON.parse(readFileSync(m.settings.saved, 'utf8'))).toEqual(original);
  await restoreSysctls(m.settings, needed(true));
  expect(m.read()[2]).toBe(LAB_NEIGHBOUR_LIMITS.gc_thresh3);
  await restoreSysctls(m.settings, needed(false));
  expect(m.read()).toEqual([128, 512, 1024]);
  expect(existsSync(m.settings.saved)).toBe(false);
  // Nothing saved (a second `down`): nothing changes.
  await restoreSysctls(m.settings, needed(false));
  expect(m.read()).toEqual([128, 512, 1024]);
});

test('rmem_default: raised for the first multi-chassis run, kept while one is left, restored after the last', async () => {
  const m = rmem(212_992);
  expect(await raiseSysctls(m.settings)).toEqual([]);
  expect(m.read()).toBe(LAB_RMEM_DEFAULT);
  await raiseSysctls(m.settings);
  expect(JSON.parse(readFileSync(m.settings.saved, 'utf8'))).toEqual({ 'net.core.rmem_default': 212_992 });
  await restoreSysctls(m.settings, needed(true));
  expect(m.read()).toBe(LAB_RMEM_DEFAULT);
  await restoreSysctls(m.settings, needed(false));
  expect(m.read()).toBe(212_992);
  expect(existsSync(m.settings.saved)).toBe(false);
});

test('a setting already above the lab\'s stays as it is; one that cannot be written is reported, not fatal', async () => {
  const high = neighbours([100_000, 200_000, 300_000]);
  await raiseSysctls(high.settings);
  expect(high.read()).toEqual([100_000, 200_000, 300_000]);
  await restoreSysctls(high.settings, needed(false));
  expect(high.read()).toEqual([100_000, 200_000, 300_000]);
  // A read-only sysctl (mode 0444: refused even to root), as a container's /proc/sys is.
  const dir = mkdtempSync(join(tmpdir(), 'vpcheck-ro-'));
  const readOnly = { settings: [{ name: 'kernel.random.entropy_avail', file: '/proc/sys/kernel/random/entropy_avail', value: 2 ** 30 }], saved: join(dir, 'saved.json'), consequence: 'nothing' };
  expect(await raiseSysctls(readOnly)).toEqual([expect.stringMatching(/^could not raise kernel\.random\.entropy_avail to 1073741824 \(.+\); nothing$/)]);
  await restoreSysctls(readOnly, needed(false));
  expect(existsSync(readOnly.saved)).toBe(false);
});
