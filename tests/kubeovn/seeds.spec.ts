// Every seed topology through the engine on the kubeovn target against the fake API server: Pods
// for VMs, commands over the exec websocket; every cell passes, the outcomes are the lab's own
// (over its exec transport), and nothing (Pods and the run's Namespace included) is left behind.
// Both attachment modes: multus attachment networks (enp1s0), and Kube-OVN as the primary CNI
// (no NADs, Subnets of provider ovn, pods on eth0). A seed with managedtap VMs is one `run
// --target kubeovn` refuses (pods have no KubeVirt binding): it is checked to be refused instead.
import { readFileSync } from 'node:fs';
import { expect } from '@playwright/test';
import { KubeOvnTarget } from '../../lib/targets/kubeovn/kubeovn-target.ts';
import { podLimits } from '../../lib/targets/kubeovn/limits.ts';
import { loadTopology } from '../../lib/topology/load.ts';
import { clusterSeedFiles, labOnlySuite, SEEDS, seedSuite } from '../support/seed-runs.ts';
import { runCli } from '../support/cli.ts';
import { test } from '../support/fake-cluster.ts';

const refused = clusterSeedFiles.filter((f) => podLimits(loadTopology(readFileSync(SEEDS + f), f).topology!, 'error').length > 0);
const runnable = clusterSeedFiles.filter((f) => !refused.includes(f));
labOnlySuite('kubeovn');

// scale-100vms (two to three minutes on a stand-in) runs on the harvester stand-in only: the
// 100-VM work of a cluster run (applying, waiting, sessions) is ClusterRealized's, shared by both
// targets; what differs here (Pods, exec, attachment) every other seed covers.
const unscaled = runnable.filter((f) => f !== 'scale-100vms.yaml');

seedSuite('kubeovn', 'exec', (c) => c.start((connect) => new KubeOvnTarget(connect)), unscaled);

// The primary mode differs from the first in how pods are attached and addressed.
seedSuite('kubeovn', 'exec', (c) => c.start((connect) => new KubeOvnTarget({ ...connect, primary: true })), unscaled, 'Kube-OVN as primary CNI');

for (const file of refused) {
  test(`seed ${file} on the kubeovn target: refused before any cluster is reached (managedtap VMs; pods have no binding)`, async () => {
    const r = await runCli(['run', SEEDS + file, '--target', 'kubeovn', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error: [^\n]*binding: binding managedtap: the kubeovn target runs VM/);
  });
}
