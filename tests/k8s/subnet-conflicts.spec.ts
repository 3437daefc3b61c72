// A run's Subnet that overlaps one already on the cluster (another run's, Kube-OVN's own join or
// ovn-default, a user's) in the same VPC: Kube-OVN would refuse it, so the cluster target
// refuses the run before it applies anything, naming both Subnets.
import { expect, test } from '@playwright/test';
import type { KubeObject } from '../../lib/k8s/resources.ts';
import { HarvesterTarget } from '../../lib/targets/harvester/harvester-target.ts';
import { subnetConflicts } from '../../lib/targets/k8s-common/subnet-conflicts.ts';
import { TargetError } from '../../lib/targets/target.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import { FakeApiServer } from '../support/fake-apiserver/index.ts';
import { quiet } from '../lab/support.ts';
import { leftovers } from '../support/leftovers.ts';

const subnet = (name: string, cidrBlock: string, vpc?: string, run?: string): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name, ...(run && { labels: { 'vpcheck/run': run } }) },
  spec: { cidrBlock, ...(vpc !== undefined && { vpc }) },
});

test('conflicts: same VPC (empty means ovn-cluster) and overlapping, never the run\'s own', () => {
  const mine = [subnet('r1-a', '10.16.5.0/24', 'ovn-cluster', 'r1'), subnet('r1-b', '10.0.1.0/24', 'r1-vpc', 'r1')];
  const existing = [
    subnet('ovn-default', '10.16.0.0/16'),
    subnet('join', '100.64.0.0/16', 'ovn-cluster'),
    subnet('r1-a', '10.16.5.0/24', 'ovn-cluster', 'r1'),
    subnet('other-vpc', '10.0.0.0/16', 'tenant-vpc'),
    subnet('dual', '10.16.5.128/25,fd00::/120', 'ovn-cluster', 'r2'),
  ];
  expect(subnetConflicts(mine, existing, 'r1')).toEqual([
    "Subnet r1-a (10.16.5.0/24) overlaps the cluster's Subnet ovn-default (10.16.0.0/16) in VPC ovn-cluster; Kube-OVN would refuse it",
    "Subnet r1-a (10.16.5.0/24) overlaps the cluster's Subnet dual (10.16.5.128/25,fd00::/120) in VPC ovn-cluster; Kube-OVN would refuse it",
  ]);
  expect(subnetConflicts(mine, existing.filter((o) => o.metadata.name !== 'ovn-default' && o.metadata.name !== 'dual'), 'r1')).toEqual([]);
});

test('the cluster target refuses an overlapping subnet before applying anything', async () => {
  const fake = await FakeApiServer.start();
  try {
    // Kube-OVN's default subnet, installed here with a CIDR the seed's ovn-cluster subnet falls in.
    fake.store.create(subnet('ovn-default', '172.20.0.0/16', 'ovn-cluster'));
    const { topology } = await loadTopologyFile('topologies/nat-outgoing.yaml');
    const target = new HarvesterTarget({ kubeconfig: fake.kubeconfig, internetIP: '192.0.2.1', readyTimeoutMs: 10_000 });
    const created: string[] = [];
    fake.store.subscribe((e) => {
      if (e.type === 'ADDED') created.push(`${e.object.kind} ${e.object.metadata.name}`);
    });
    const error = await target.up(topology!, { runId: 'conflict-1', log: quiet }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TargetError);
    expect((error as Error).message).toMatch(/Subnet conflict-1-external-subnet \(172\.20\.30\.0\/24\) overlaps the cluster's Subnet ovn-default \(172\.20\.0\.0\/16\) in VPC ovn-cluster/);
    expect(created).toEqual([]);
    expect(leftovers(fake)).toEqual([]);
  } finally {
    await fake.close();
  }
});
