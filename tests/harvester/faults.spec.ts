// Each fault switch of the fake API server, survived the way client-go would (retry with
// backoff, re-list after a dropped watch, reconnect a dropped console) or failed clearly
// (TargetError, exit 3) when no retry helps; and in every case nothing is left behind.
import { expect } from '@playwright/test';
import { test } from '../support/fake-cluster.ts';
import { readFileSync } from 'node:fs';
import type { RunResult } from '../../lib/run/result.ts';
import { DEFAULT_RUN_SETTINGS, Runner } from '../../lib/run/runner.ts';
import { isReady } from '../../lib/targets/k8s-common/ready.ts';
import { LabDaemons } from '../../lib/targets/lab/daemons.ts';
import { DEFAULT_LAB_DIR, RunNames } from '../../lib/targets/lab/names.ts';
import { TargetError } from '../../lib/targets/target.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import type { Topology, TopologySpec } from '../../lib/topology/types.ts';
import { runCli, tempFile } from '../support/cli.ts';
import { LAB_INTERNET, expectGuestsObserved } from './support.ts';

const quiet = { info: () => undefined, warn: () => undefined };
let topology: Topology;

test.beforeAll(async () => {
  topology = (await loadTopologyFile('topologies/same-vpc-subnets.yaml')).topology!;
});

async function passes(target: Parameters<typeof Runner.start>[1]): Promise<void> {
  const runner = await Runner.start(topology, target, { ...DEFAULT_RUN_SETTINGS, transport: 'console' }, quiet);
  await runner.runAll();
  const result = await runner.finish();
  expect(result.summary.failed).toBe(0);
  expect(result.summary.errors).toBe(0);
  expect(result.summary.passed).toBeGreaterThan(0);
}

test('5xx bursts are retried with backoff', async ({ fakeCluster }) => {
  const { fake, target } = await fakeCluster.harvester();
  fake.faults.serverErrors = 4;
  await passes(target);
  expect(fake.faults.serverErrors).toBe(0);
});

test('409 conflicts are retried', async ({ fakeCluster }) => {
  const { fake, target } = await fakeCluster.harvester();
  fake.faults.conflicts = 4;
  await passes(target);
  expect(fake.faults.conflicts).toBe(0);
});

test('Subnet deletes refused by Kube-OVN\'s webhook while IPs are still counted are retried', async ({ fakeCluster }) => {
  const { fake, target } = await fakeCluster.harvester();
  fake.faults.subnetDeleteDenied = 3;
  await passes(target);
  expect(fake.faults.subnetDeleteDenied).toBe(0);
});

test('dropped watches are resumed by listing again', async ({ fakeCluster }) => {
  const { fake, target } = await fakeCluster.harvester();
  fake.faults.dropWatches = 6;
  fake.faults.readinessDelayMs = 300;
  await passes(target);
  expect(fake.faults.dropWatches).toBe(0);
});

test('a console that closes mid-command is reopened, logged into again, and the command re-run', async ({ fakeCluster }) => {
  const { fake, target } = await fakeCluster.harvester();
  fake.faults.dropConsoles = 2;
  await passes(target);
  expect(fake.faults.dropConsoles).toBe(0);
  // Three VMs, two of whose first consoles dropped: five connections.
  expect(fake.consoles.accepted).toBe(topology.vms.length + 2);
});

test('a console refused with 400 while the VMI starts is retried', async ({ fakeCluster }) => {
  const { fake, target } = await fakeCluster.harvester();
  fake.faults.consoleNotReady = 2;
  await passes(target);
  expect(fake.faults.consoleNotReady).toBe(0);
});

test('slow readiness is waited out', async ({ fakeCluster }) => {
  const { fake, target } = await fakeCluster.harvester();
  fake.faults.readinessDelayMs = 1500;
  await passes(target);
});

test('readiness past the timeout fails with the object and its conditions, and cleans up', async ({ fakeCluster }) => {
  const { fake, target } = await fakeCluster.harvester({ readyTimeoutMs: 2000 });
  fake.faults.readinessDelayMs = 4000;
  const error = await target.up(topology, { runId: 'hv-slow', log: quiet }).catch((e: Error) => e);
  fake.faults.readinessDelayMs = 0;
  expect(error).toBeInstanceOf(TargetError);
  expect((error as Error).message).toMatch(/waited 2 s for Vpc hv-slow-vpc-1 to become ready; (no status yet|status: )/);
});

/** vpc-1 of same-vpc-subnets with one more static route. */
function withRoute(cidr: string): TopologySpec {
  return { ...topology, vpcs: topology.vpcs.map((v) => (v.name === 'vpc-1' ? { ...v, staticRoutes: [...v.staticRoutes, { cidr, nextHopIP: '172.20.10.254', policy: 'policyDst' as const }] } : v)) };
}

test('a phase patch is declared ready only once its new route is in OVN\'s northbound DB, and a route that never arrives is named at the deadline', async ({ fakeCluster }) => {
  const { fake, target } = await fakeCluster.harvester({ readyTimeoutMs: 10_000 });
  const runId = 'hv-programmed';
  const realized = await target.up(topology, { runId, log: quiet });
  expect(realized.readiness.kind).toBe('programmed');
  const labRoutes = async () => (await new LabDaemons(DEFAULT_LAB_DIR).nbctl(['lr-route-list', new RunNames(runId).router(`${runId}-vpc-1`)])).stdout;
  try {
    // Kube-OVN keeps a patched Vpc's standby true while it reprograms OVN: status alone says "ready" at once.
    fake.faults.programDelayMs = 2500;
    const began = Date.now();
    const update = realized.update(withRoute('10.99.0.0/16'));
    await new Promise((r) => setTimeout(r, 1000));
    expect(isReady(fake.store.get('Vpc', undefined, `${runId}-vpc-1`))).toBe(true);
    expect(await labRoutes()).not.toContain('10.99.0.0/16');
    const result = await update;
    expect(Date.now() - began).toBeGreaterThanOrEqual(2500);
    expect(await labRoutes()).toContain('10.99.0.0/16');
    expect(result.readiness.kind).toBe('programmed');
    expect(result.readiness.checked).toMatch(/^read back from OVN's northbound DB: 1 router, 1 static route, /);
    expect(result.readiness.waitedMs).toBeGreaterThan(500);

    // Past the ready timeout the error names the row that is still missing.
    fake.faults.programDelayMs = 15_000;
    const error = await realized.update(withRoute('10.98.0.0/16')).catch((e: Error) => e);
    fake.faults.programDelayMs = 0;
    expect(error).toBeInstanceOf(TargetError);
    expect((error as Error).message).toBe(`harvester: waited 10 s for the change to be in place; OVN's northbound DB: missing static route dst-ip 10.98.0.0/16 via 172.20.10.254 on ${runId}-vpc-1; still there static route dst-ip 10.99.0.0/16 via 172.20.10.254 on ${runId}-vpc-1`);
  } finally {
    fake.faults.programDelayMs = 0;
    await fake.reconciler.idle();
    await realized.down();
  }
});

// One network: the first request is a single apply, so the burst outlasts exactly its retries.
const ONE_VM = `apiVersion: vpcheck/v1
kind: Topology
name: one-vm
networks: [ { name: vswitch1 } ]
subnets: [ { name: subnet1, cidrBlock: 10.9.0.0/24, provider: vswitch1 } ]
vms: [ { name: vm1, network: vswitch1 } ]
`;

test('a 5xx burst longer than the retries fails the run with exit 3 and leaves nothing', async ({ fakeCluster }) => {
  const { fake } = await fakeCluster.harvester();
  fake.faults.serverErrors = 6;
  const r = await runCli(['run', tempFile(ONE_VM), '--target', 'harvester', '--kubeconfig', fake.kubeconfig, '--internet-ip', LAB_INTERNET]);
  expect(r.code, r.err).toBe(3);
  // The run's first request after the versions: the Subnets it checks for overlaps.
  expect(r.err).toMatch(/the harvester target failed: harvester: listing the cluster's Subnets \(to check for overlaps\): GET \/apis\/kubeovn.io\/v1\/subnets: 503 the server is currently unable to handle the request/);
});

test('vpcheck run --target harvester passes against the fake and down --all finds nothing left', async ({ fakeCluster }) => {
  const { fake } = await fakeCluster.harvester();
  const json = tempFile('', 'harvester-run.json');
  const r = await runCli(['run', 'topologies/same-vpc-subnets.yaml', '--target', 'harvester', '--kubeconfig', fake.kubeconfig, '--internet-ip', LAB_INTERNET, '--json', json]);
  expect(r.code, r.err).toBe(0);
  expectGuestsObserved(JSON.parse(readFileSync(json, 'utf8')) as RunResult);
  expect(r.out).toMatch(/same-vpc-subnets: \d+ passed, 0 failed/);
  expect(r.out).toMatch(/^same-vpc-subnets — phase initial: .*, programmed\)\n  readiness: programmed after [\d.]+ s: read back from OVN's northbound DB: 1 router, /m);
  const down = await runCli(['down', '--all', '--target', 'harvester', '--kubeconfig', fake.kubeconfig]);
  expect(down.out.trim()).toBe('nothing to remove');
});

test('an unreachable cluster is exit 3', async () => {
  const r = await runCli(['down', '--all', '--target', 'harvester', '--kubeconfig', '/nonexistent/kubeconfig']);
  expect(r.code).toBe(3);
  expect(r.err).toMatch(/cannot load the kubeconfig/);
});
