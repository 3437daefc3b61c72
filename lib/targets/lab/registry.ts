// Which runs use which lab. A run's record (/run/vpcheck/runs/<id>/run.json) is written before
// anything of the run exists and removed after everything is gone; the lab's daemons start with
// the first record that names the lab and stop with the last. The lab dir is made and removed
// under the lab's lock, with the daemons.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TargetError } from '../target.ts';
import { isAlive, withLabLock } from './lock.ts';
import { RUNS_DIR, RunNames } from './names.ts';
import { hasChassis } from './chassis.ts';
import { neighbourLimits, raiseSysctls, restoreSysctls, socketBuffers } from './sysctls.ts';

export interface RunRecord {
  readonly runId: string;
  readonly pid: number;
  readonly labDir: string;
  readonly startedAt: string;
}

export async function readRecord(runId: string): Promise<RunRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(RUNS_DIR, runId, 'run.json'), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

export async function recordedRuns(): Promise<RunRecord[]> {
  const ids = await readdir(RUNS_DIR).catch(() => [] as string[]);
  return (await Promise.all(ids.map(readRecord))).filter((r): r is RunRecord => r !== undefined);
}

/** A run is live while the process that made it runs (after kill -9 it is left for `down`). */
export function isLive(record: RunRecord): boolean {
  return isAlive(record.pid);
}

/** What the registry starts and stops: a lab's daemons, which live in (and from) its dir. */
export interface LabControl {
  readonly dir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  assertAlive(): void;
}

/**
 * Registers a run on a lab and brings the lab's daemons up if this is its first run. The kernel's
 * neighbour limits are raised once the record exists, so that a last run leaving another lab at
 * the same moment sees this one and leaves them raised.
 */
export async function joinLab<L extends LabControl>(lab: L, runId: string, warn: (message: string) => void = () => undefined): Promise<L> {
  return withLabLock(lab.dir, async () => {
    if (await readRecord(runId)) throw new TargetError(`lab: run id ${runId} is already in use (vpcheck down --run ${runId} removes it)`);
    const others = (await recordedRuns()).filter((r) => r.labDir === lab.dir);
    if (others.length === 0) {
      await mkdir(lab.dir, { recursive: true });
      await lab.start();
    } else lab.assertAlive();
    await mkdir(join(RUNS_DIR, runId), { recursive: true, mode: 0o700 });
    const record: RunRecord = { runId, pid: process.pid, labDir: lab.dir, startedAt: new Date().toISOString() };
    await writeFile(join(RUNS_DIR, runId, 'run.json'), JSON.stringify(record));
    for (const problem of await raiseSysctls(neighbourLimits())) warn(`lab: ${problem}`);
    return lab;
  });
}

/**
 * Drops a run's record and files (if a run is given); when no run of the lab remains, stops its
 * daemons and removes its dir; when no run of any lab remains, restores the neighbour limits, and
 * when no multi-chassis run remains, the socket buffer size.
 * RUNS_DIR stays: runs of other labs, under other locks, make their records in it.
 */
export async function leaveLab(lab: LabControl, runId?: string): Promise<void> {
  await withLabLock(lab.dir, async () => {
    if (runId) await rm(join(RUNS_DIR, runId), { recursive: true, force: true });
    const runs = await recordedRuns();
    await restoreSysctls(neighbourLimits(), async () => runs.length > 0);
    await restoreSysctls(socketBuffers(), async () => (await recordedRuns()).some((r) => hasChassis(new RunNames(r.runId))));
    if (runs.some((r) => r.labDir === lab.dir)) return;
    await lab.stop();
    await rm(lab.dir, { recursive: true, force: true });
  });
}
