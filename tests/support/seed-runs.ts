// Shared by the seed suites of the cluster targets: the seed files, one run of a topology through
// the engine, and its verdicts in a comparable form (to hold a target against the lab).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import { DEFAULT_RUN_SETTINGS, Runner } from '../../lib/run/runner.ts';
import type { RunResult } from '../../lib/run/result.ts';
import type { Transport } from '../../lib/sessions/session.ts';
import { LabTarget } from '../../lib/targets/lab/lab-target.ts';
import type { Target } from '../../lib/targets/target.ts';
import { clusterLimits } from '../../lib/targets/k8s-common/limits.ts';
import { loadTopology, loadTopologyFile } from '../../lib/topology/load.ts';
import type { Topology } from '../../lib/topology/types.ts';
import { quiet } from '../lab/support.ts';
import { runCli } from './cli.ts';
import { test, type FakeCluster } from './fake-cluster.ts';

export const SEEDS = fileURLToPath(new URL('../../topologies/', import.meta.url));
export const seedFiles = readdirSync(SEEDS).filter((f) => f.endsWith('.yaml'));
/** Seeds no cluster target runs (a phase cuts a tunnel between nodes: a lab fault), each with why. */
export const labOnlySeeds = new Map(seedFiles.flatMap((f) => {
  const limits = clusterLimits(loadTopology(readFileSync(SEEDS + f), f).topology!, 'error');
  return limits.length ? [[f, limits[0]!.message] as const] : [];
}));
/** The seeds a cluster target runs. */
export const clusterSeedFiles = seedFiles.filter((f) => !labOnlySeeds.has(f));

/** One test per lab-only seed: `run --target <kind>` refuses it (exit 2) before any cluster is reached, saying why. */
export function labOnlySuite(kind: string): void {
  for (const [file, why] of labOnlySeeds) {
    test(`seed ${file} on the ${kind} target: refused before any cluster is reached (a lab fault)`, async () => {
      const r = await runCli(['run', SEEDS + file, '--target', kind, '--kubeconfig', '/nonexistent/kubeconfig']);
      expect(r.code).toBe(2);
      expect(r.err).toContain(why);
    });
  }
}

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
 * The lab's verdicts for a seed over a transport, run once per suite run and shared by the tests
 * that compare a cluster target with them (kubeovn's two attachment modes compare with the same
 * lab exec run). Kept in the project's output directory, which Playwright empties at the start of
 * every suite run, keyed by the file's content: a reference is never older than the run using it.
 */
async function labVerdicts(file: string, topology: Topology, transport: Transport): Promise<string[]> {
  const dir = join(test.info().project.outputDir, 'lab-reference');
  const key = createHash('sha256').update(readFileSync(SEEDS + file)).digest('hex').slice(0, 16);
  const path = join(dir, `${file}-${key}-${transport}.json`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as string[];
  } catch {
    const v = verdicts(await runSeed(topology, new LabTarget(), transport));
    mkdirSync(dir, { recursive: true });
    // Written whole, then renamed: a test of another worker reads all of it or nothing.
    writeFileSync(`${path}.${process.pid}`, JSON.stringify(v));
    renameSync(`${path}.${process.pid}`, path);
    return v;
  }
}

/**
 * One test per seed (of `files`, default all): the run on a cluster target (started by `start` on
 * the fakeCluster fixture, which also checks that nothing is left) passes every cell with the
 * lab's own verdicts over the same transport.
 */
export function seedSuite(kind: string, transport: Transport, start: (fakeCluster: FakeCluster) => Promise<{ target: Target }>, files: readonly string[] = clusterSeedFiles, variant = ''): void {
  for (const file of files) {
    test(`seed ${file} on the ${kind} target${variant && ` (${variant})`} (fake API server, ${transport}): same verdicts as the lab, nothing left`, async ({ fakeCluster }) => {
      test.setTimeout(300_000);
      const { topology } = await loadTopologyFile(SEEDS + file);
      expect(topology).toBeDefined();
      const { target } = await start(fakeCluster);
      const cluster = await runSeed(topology!, target, transport);
      expect(cluster.target).toBe(kind);
      expect(failures(cluster)).toEqual([]);
      expect(verdicts(cluster)).toEqual(await labVerdicts(file, topology!, transport));
    });
  }
}
