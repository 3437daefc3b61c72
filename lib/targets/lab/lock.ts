// One lab serves several runs (and several test workers): bring-up, run registration and the
// last run's teardown happen under this lock. mkdir is atomic; the owner's pid inside lets a
// waiter break the lock of a process that died holding it (kill -9).
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TargetError } from '../target.ts';

/** True while the process runs; a zombie (killed, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * The lock sits beside the lab dir, not in it: the last run to leave removes the lab dir, which
 * must happen under the lock like the dir's making, and a lock inside would go with it.
 */
export function labLockPath(labDir: string): string {
  return `${labDir}.lock`;
}

export async function withLabLock<T>(labDir: string, body: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const lock = labLockPath(labDir);
  const deadline = Date.now() + timeoutMs;
  // The lock's parent (/run/vpcheck) is never removed.
  await mkdir(dirname(lock), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'owner'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(await readFile(join(lock, 'owner'), 'utf8').catch(() => ''));
      // No owner yet is a lock being taken right now, unless it stays so (its taker died).
      const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
      if ((owner > 0 && !isAlive(owner)) || (!owner && age > 5000)) await rm(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new TargetError(`lab: ${lock} is held by pid ${owner || '?'} for more than ${timeoutMs} ms`);
      else await sleep(25);
    }
  }
  try {
    return await body();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
