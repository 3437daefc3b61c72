// Shared by the seed suites of the cluster targets: the seed files, one run of a topology through
// the engine, and its verdicts in a comparable form (to hold a target against the lab).
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import { DEFAULT_RUN_SETTINGS, Runner } from '../../lib/run/runner.ts';
import type { RunResult } from '../../lib/run/result.ts';
import type { Transport } from '../../lib/sessions/session.ts';
import { LabTarget } from '../../lib/targets/lab/lab-target.ts';
import type { Target } from '../../lib/targets/target.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import type { Topology } from '../../lib/topology/types.ts';
import { quiet } from '../lab/support.ts';
import { test, type FakeCluster } from './fake-cluster.ts';

export const SEEDS = fileURLToPath(new URL('../../topologies/', import.meta.url));
export const seedFiles = readdirSync(SEEDS).filter((f) => f.endsWith('.yaml'));

export async function runSeed(topology: Topology, target: Target, transport: Transport): Promise<RunResult> {
  const runner = await Runner.start(topology, target, { ...DEFAULT_RUN_SETTINGS, transport }, quiet);
  await runner.runAll().catch(async (e: Error) => {
    await runner.finish();
    throw e;
  });
  return runner.finish();
}

const verdicts = (r: RunResult) => r.phases.flatMap((p) => p.results.map((c) => `${p.name}: ${c.from} -> ${c.to} ${c.probe}${c.port ? `/${c.port}` : ''} = ${c.observed}`));

const failures = (r: RunResult) => r.phases.flatMap((p) => [
  ...p.results.filter((c) => !c.pass).map((c) => `${p.name}: ${c.from} -> ${c.to}: expected ${c.expected}, observed ${c.observed} (${c.detail.note ?? ''})`),
  ...p.controls.flatMap((c) => (c.departures ?? []).map((d) => `${p.name}: ${c.vm} departs from the model: ${d}`)),
]);

/**
 * One test per seed (of `files`, default all): the run on a cluster target (started by `start` on
 * the fakeCluster fixture, which also checks that nothing is left) passes every cell with the
 * lab's own verdicts over the same transport.
 */
export function seedSuite(kind: string, transport: Transport, start: (fakeCluster: FakeCluster) => Promise<{ target: Target }>, files: readonly string[] = seedFiles, variant = ''): void {
  for (const file of files) {
    test(`seed ${file} on the ${kind} target${variant && ` (${variant})`} (fake API server, ${transport}): same verdicts as the lab, nothing left`, async ({ fakeCluster }) => {
      test.setTimeout(300_000);
      const { topology } = await loadTopologyFile(SEEDS + file);
      expect(topology).toBeDefined();
      const { target } = await start(fakeCluster);
      const cluster = await runSeed(topology!, target, transport);
      expect(cluster.target).toBe(kind);
      expect(failures(cluster)).toEqual([]);
      const lab = await runSeed(topology!, new LabTarget(), transport);
      expect(verdicts(cluster)).toEqual(verdicts(lab));
    });
  }
}
