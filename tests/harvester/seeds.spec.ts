// Every seed topology through the engine on the Harvester target against the fake API server,
// over the KubeVirt console websocket: every cell passes, the observed outcomes are the lab's
// own for the same topology, and nothing is left behind on the fake or in the lab.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { DEFAULT_RUN_SETTINGS, Runner } from '../../lib/run/runner.ts';
import type { RunResult } from '../../lib/run/result.ts';
import { LabTarget } from '../../lib/targets/lab/lab-target.ts';
import type { Target } from '../../lib/targets/target.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import type { Topology } from '../../lib/topology/types.ts';
import { withFake } from './support.ts';

const dir = fileURLToPath(new URL('../../topologies/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const quiet = { info: () => undefined, warn: () => undefined };

async function run(topology: Topology, target: Target): Promise<RunResult> {
  const runner = await Runner.start(topology, target, { ...DEFAULT_RUN_SETTINGS, transport: 'console' }, quiet);
  await runner.runAll().catch(async (e: Error) => {
    await runner.finish();
    throw e;
  });
  return runner.finish();
}

const verdicts = (r: RunResult) => r.phases.flatMap((p) => p.results.map((c) => `${p.name}: ${c.from} -> ${c.to} ${c.probe}${c.port ? `/${c.port}` : ''} = ${c.observed}`));

for (const file of files) {
  test(`seed ${file} on the harvester target (fake API server, console): same verdicts as the lab, nothing left`, async () => {
    test.setTimeout(300_000);
    const { topology } = await loadTopologyFile(dir + file);
    expect(topology).toBeDefined();
    let harvester: RunResult | undefined;
    await withFake(topology!.platform, async (_fake, target) => {
      harvester = await run(topology!, target);
    });
    expect(harvester!.target).toBe('harvester');
    expect(harvester!.phases.flatMap((p) => p.results.filter((c) => !c.pass).map((c) => `${p.name}: ${c.from} -> ${c.to}: expected ${c.expected}, observed ${c.observed} (${c.detail.note ?? ''})`))).toEqual([]);
    const lab = await run(topology!, new LabTarget());
    expect(verdicts(harvester!)).toEqual(verdicts(lab));
  });
}
