// A phase that moves a VM to another network: every target rebuilds it (lab: a new namespace;
// Harvester: the VirtualMachine deleted and created again; kube-ovn: the Pod), and the engine
// opens a new session to it and sets its default route again. Before, the engine kept the dead
// session and every cell from the moved VM was an error.
import { expect } from '@playwright/test';
import { test } from '../support/fake-cluster.ts';
import type { RunResult } from '../../lib/run/result.ts';
import type { Transport } from '../../lib/sessions/session.ts';
import { HarvesterTarget } from '../../lib/targets/harvester/harvester-target.ts';
import { KubeOvnTarget } from '../../lib/targets/kubeovn/kubeovn-target.ts';
import { LabTarget } from '../../lib/targets/lab/lab-target.ts';
import type { Target } from '../../lib/targets/target.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import { runSeed } from '../support/seed-runs.ts';
import type { ClusterOptions } from '../../lib/targets/k8s-common/cluster-target.ts';

const FILE = 'tests/fixtures/vm-moves-in-phase.yaml';

async function run(target: Target, transport: Transport): Promise<RunResult> {
  const { topology } = await loadTopologyFile(FILE);
  return runSeed(topology!, target, transport);
}

function expectMoved(result: RunResult): void {
  const [initial, moved] = result.phases;
  expect(initial!.results.find((c) => c.from === 'vm-a' && c.to === 'vm-b')!.toIp).toMatch(/^10\.30\.1\./);
  expect(moved!.results.find((c) => c.from === 'vm-a' && c.to === 'vm-b')!.toIp).toMatch(/^10\.30\.2\./);
  expect(result.phases.flatMap((p) => p.results.filter((c) => !c.pass).map((c) => `${p.name}: ${c.from} -> ${c.to}: ${c.observed} ${c.detail.note ?? ''}`))).toEqual([]);
  // The moved VM's own probes ran from its new address, through its new gateway.
  expect(moved!.results.filter((c) => c.from === 'vm-b').map((c) => c.observed)).toEqual(['reachable', 'timeout']);
}

test('lab: the moved VM gets a new session and its default route again', async () => {
  expectMoved(await run(new LabTarget(), 'console'));
});

const clusters: [string, Transport, (c: ClusterOptions) => Target][] = [
  ['harvester', 'console', (c) => new HarvesterTarget(c)],
  ['kubeovn', 'exec', (c) => new KubeOvnTarget(c)],
];
for (const [kind, transport, make] of clusters) {
  test(`${kind} (fake API server): the changed VM is deleted and created again, then probed from its new address`, async ({ fakeCluster }) => {
    test.setTimeout(180_000);
    const { fake, target } = await fakeCluster.start(make);
    const uids: string[] = [];
    const unsubscribe = fake.store.subscribe((e) => {
      if (e.type === 'ADDED' && ['VirtualMachine', 'Pod'].includes(e.object.kind) && e.object.metadata.annotations?.['vpcheck/name'] === 'vm-b') uids.push(e.object.metadata.uid!);
    });
    try {
      expectMoved(await run(target, transport));
    } finally {
      unsubscribe();
    }
    expect(new Set(uids).size).toBe(2);
  });
}
