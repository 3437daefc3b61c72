// Runs joining and leaving one lab at the same time, from several processes: the first run makes
// the lab dir, the last removes it, and neither may pull it from under another. The lab's real
// daemons are machine-wide and shared with other runs, so the lab here is a private dir (see
// fixtures/lab-cycles.ts).
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { expect, test } from '@playwright/test';
import { labLockPath } from '../../lib/targets/lab/lock.ts';
import { RUNS_DIR } from '../../lib/targets/lab/names.ts';

const SCRIPT = fileURLToPath(new URL('./fixtures/lab-cycles.ts', import.meta.url));

test('concurrent processes bring a lab up and down without losing its dir under one another', async () => {
  const id = randomBytes(3).toString('hex');
  const labDir = `/run/vpcheck/lab-race-${id}`;
  const prefixes = Array.from({ length: 8 }, (_, p) => `race-${id}-${p}`);
  const ours = (): string[] => (existsSync(RUNS_DIR) ? readdirSync(RUNS_DIR) : []).filter((r) => r.startsWith(`race-${id}-`));
  try {
    const results = await Promise.all(prefixes.map((prefix) => execa('npx', ['tsx', SCRIPT, labDir, prefix, '100'], { reject: false })));
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    // The positive control of the race: the lab went down and came up again, many times.
    const starts = results.reduce((sum, r) => sum + Number(/starts=(\d+)/.exec(r.stdout)?.[1]), 0);
    expect(starts).toBeGreaterThan(prefixes.length);
    // The last run left nothing: no dir, no lock, no records.
    expect(existsSync(labDir)).toBe(false);
    expect(existsSync(labLockPath(labDir))).toBe(false);
    expect(ours()).toEqual([]);
  } finally {
    await Promise.all(ours().map((r) => rm(join(RUNS_DIR, r), { recursive: true, force: true })));
    await rm(labDir, { recursive: true, force: true });
    await rm(labLockPath(labDir), { recursive: true, force: true });
  }
});
