// Evidence for a failing cell on a cluster: the VPC's routes and policies and the subnet's ACLs
// read with ovn-nbctl in kube-system's ovn-central pod over the exec API, ovn-trace there and
// ofproto/trace in the node's ovs-ovn pod, the VM's own routes over its console; where exec there
// is forbidden, each item says so and keeps the command to run.
import { expect } from '@playwright/test';
import type { CellResult } from '../../lib/run/result.ts';
import type { Readiness } from '../../lib/targets/target.ts';
import { prefixed } from '../../lib/targets/k8s-common/names.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import { runSeed } from '../support/seed-runs.ts';
import { test, type FakeCluster } from '../support/fake-cluster.ts';

const WRONG = 'tests/fixtures/missing-return-route.yaml';

async function failingCell(fakeCluster: FakeCluster, forbidExec: boolean): Promise<{ cell: CellResult; runId: string; readiness?: Readiness }> {
  const { topology } = await loadTopologyFile(WRONG);
  const { fake, target } = await fakeCluster.harvester();
  if (forbidExec) fake.execs.forbidden.add('kube-system');
  const result = await runSeed(topology!, target, 'console');
  return { cell: result.phases[0]!.results.find((c) => c.from === 'vm-a')!, runId: result.runId, ...(result.phases[0]!.readiness && { readiness: result.phases[0]!.readiness }) };
}

const item = (cell: CellResult, title: string) => {
  const found = cell.diagnostics?.find((d) => d.title === title);
  expect(found, `diagnostic "${title}" among ${cell.diagnostics?.map((d) => d.title).join(', ')}`).toBeDefined();
  return found!;
};

test('a failing cell carries the routes, policies and ACLs read in ovn-central, and the VM routes from its console', async ({ fakeCluster }) => {
  test.setTimeout(180_000);
  const { cell, runId, readiness } = await failingCell(fakeCluster, false);
  expect(cell).toMatchObject({ expected: 'reachable', observed: 'timeout', pass: false });
  // The build was read back from the same database before probing.
  expect(readiness?.kind).toBe('programmed');
  expect(readiness?.checked).toMatch(/^read back from OVN's northbound DB: 2 routers, 2 static routes, /);
  const vpcA = prefixed(runId, 'vpc-a');
  const routes = item(cell, `routes of ${vpcA}`);
  expect(routes.command).toBe(`kubectl ko nbctl lr-route-list ${vpcA}`);
  // vpc-a's own static route, read from the OVN database the run was built in, in cluster names.
  expect(routes.output).toMatch(/10\.2\.0\.0\/16\s+169\.254\.5\.2/);
  expect(routes.output).not.toContain(`${runId}.`);
  expect(item(cell, `policies of ${vpcA}`).output).not.toMatch(/not collected/);
  const acls = item(cell, `ACLs of ${prefixed(runId, 'sa')}`);
  expect(acls.command).toBe(`kubectl ko nbctl acl-list ${prefixed(runId, 'sa')}`);
  expect(acls.output).not.toMatch(/not collected|exited with/);
  // ovn-trace of the first packet, as kubectl ko trace builds it: the forward path reaches vm-b
  // (what is missing is vpc-b's route back, which the routes above and the model name).
  const lspA = `${prefixed(runId, 'vm-a')}.default.${prefixed(runId, 'na')}.default.ovn`;
  const trace = item(cell, 'ovn-trace from vm-a');
  expect(trace.command).toContain(`ovn-trace --ct=new ${prefixed(runId, 'sa')} 'inport == "${lspA}" && ip.ttl == 64 && icmp && eth.src == `);
  expect(trace.output).toContain(`ingress(dp="${prefixed(runId, 'sa')}", inport="${lspA}")`);
  expect(trace.output).toContain(`output to "${prefixed(runId, 'vm-b')}.default.${prefixed(runId, 'nb')}.default.ovn"`);
  expect(trace.output).not.toContain(`${runId}.`);
  expect(item(cell, 'route vm-a picks for 10.2.0.2').output).toMatch(/^10\.2\.0\.2 via 10\.1\.0\.1 dev enp1s0/);
  // kubectl ko trace's OVS half, in the ovs-ovn pod of the VMI's node: the OpenFlow tables of the
  // node's br-int deliver the packet (to a port, not drop), as ovn-trace said.
  const ovs = item(cell, 'OVS trace from vm-a on node fake-node-1');
  expect(ovs.command).toMatch(/^kubectl -n kube-system exec <ovs-ovn pod on fake-node-1> -c openvswitch -- ovs-appctl ofproto\/trace br-int 'in_port=\d+,icmp,icmp_type=8,dl_src=\S+,dl_dst=\S+,nw_src=10\.1\.0\.\d+,nw_dst=10\.2\.0\.2,nw_ttl=64'$/);
  expect(ovs.output).toMatch(/^Flow: icmp,in_port=\d+,/m);
  expect(ovs.output).toContain('bridge("br-int")');
  expect(ovs.output).toMatch(/Datapath actions: \S*\d/);
  expect(ovs.output).not.toContain(`${runId}.`);
});

test('without pods/exec in kube-system every OVN item says why it was not collected and keeps its command', async ({ fakeCluster }) => {
  test.setTimeout(180_000);
  const { cell, runId, readiness } = await failingCell(fakeCluster, true);
  // Nor could readiness read OVN: it watched the objects' status settle instead, and says why.
  expect(readiness?.kind).toBe('observed-stable');
  expect(readiness?.checked).toMatch(/^3 observations 1000 ms apart of \d+ objects, ready and unchanged \(OVN's northbound DB not readable: exec in kube-system\/ovn-central-\S+: 403 pods "ovn-central-\S+" is forbidden/);
  const vpcA = prefixed(runId, 'vpc-a');
  for (const title of [`routes of ${vpcA}`, `policies of ${vpcA}`, `ACLs of ${prefixed(runId, 'sa')}`, 'ovn-trace from vm-a', 'OVS trace from vm-a on node fake-node-1']) {
    const d = item(cell, title);
    expect(d.command).toMatch(/^kubectl ko nbctl /);
    expect(d.output).toMatch(/^not collected: exec in kube-system\/ovn-central-\S+: 403 pods "ovn-central-\S+" is forbidden: User "fake" cannot create resource "pods\/exec" in API group "" in the namespace "kube-system"; run the command/);
  }
  // The VM's own view needs nothing beyond its console.
  expect(item(cell, 'ip route in vm-a').output).toMatch(/^default via 10\.1\.0\.1 dev enp1s0/m);
});
