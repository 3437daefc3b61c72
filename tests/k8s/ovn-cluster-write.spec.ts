// Two runs writing ovn-cluster at once (through the fake API server, which refuses a write whose
// resourceVersion is stale with 409 Conflict as the real one does): both runs' peerings and
// routes survive, because each patch names the version it merged and a refused one is merged
// again from a fresh read; and each run's teardown takes out only its own entries.
import { expect, test } from '@playwright/test';
import { KubeClient, loadKubeConfig } from '../../lib/k8s/client.ts';
import { getObject } from '../../lib/k8s/objects.ts';
import { resourceOf } from '../../lib/k8s/resources.ts';
import { writeOvnCluster } from '../../lib/targets/k8s-common/ovn-cluster-write.ts';
import type { OvnClusterPatch } from '../../lib/targets/k8s-common/render-network.ts';
import { FakeApiServer } from '../support/fake-apiserver/index.ts';

const patchOf = (run: string, octet: number): OvnClusterPatch => ({
  vpcPeerings: [{ remoteVpc: `${run}-vpc`, localConnectIP: `169.254.${octet}.1/30` }],
  staticRoutes: [{ cidr: `10.${octet}.0.0/16`, nextHopIP: `169.254.${octet}.2`, policy: 'policyDst' }],
});

test('two runs patching ovn-cluster at once both keep their entries; a conflict is merged again', async () => {
  const fake = await FakeApiServer.start();
  try {
    const client = new KubeClient(loadKubeConfig({ kubeconfig: fake.kubeconfig }));
    const ovnCluster = () => getObject(client, resourceOf('Vpc'), 'ovn-cluster');
    // Someone else's route, there before either run.
    const before = await ovnCluster();
    await client.call({ method: 'PATCH', path: '/apis/kubeovn.io/v1/vpcs/ovn-cluster', body: { spec: { staticRoutes: [{ cidr: '192.168.0.0/16', nextHopIP: '100.64.0.9', policy: 'policyDst' }] } }, contentType: 'application/merge-patch+json' });
    expect((await ovnCluster())!.metadata.resourceVersion).not.toBe(before!.metadata.resourceVersion);

    const [a, b] = await Promise.all([writeOvnCluster(client, 'run-a', patchOf('run-a', 1)), writeOvnCluster(client, 'run-b', patchOf('run-b', 2))]);
    // Both read the same version; the second patch was refused and merged again.
    expect(a.tries + b.tries).toBeGreaterThan(2);
    const spec = (await ovnCluster())!.spec as OvnClusterPatch;
    expect(spec.vpcPeerings.map((p) => p.remoteVpc).sort()).toEqual(['run-a-vpc', 'run-b-vpc']);
    expect(spec.staticRoutes.map((r) => r.cidr).sort()).toEqual(['10.1.0.0/16', '10.2.0.0/16', '192.168.0.0/16']);

    await Promise.all([writeOvnCluster(client, 'run-a', undefined), writeOvnCluster(client, 'run-b', undefined)]);
    const after = await ovnCluster();
    expect((after!.spec as OvnClusterPatch).staticRoutes.map((r) => r.cidr)).toEqual(['192.168.0.0/16']);
    expect((after!.spec as OvnClusterPatch).vpcPeerings).toEqual([]);
    expect(Object.keys(after!.metadata.annotations ?? {}).filter((k) => k.startsWith('vpcheck/'))).toEqual([]);
  } finally {
    await fake.close();
  }
});

test('a patch with a stale resourceVersion is refused by the fake, not applied over the newer object', async () => {
  const fake = await FakeApiServer.start();
  try {
    const client = new KubeClient(loadKubeConfig({ kubeconfig: fake.kubeconfig }));
    const stale = (await getObject(client, resourceOf('Vpc'), 'ovn-cluster'))!.metadata.resourceVersion!;
    await writeOvnCluster(client, 'run-a', patchOf('run-a', 1));
    await expect(client.call({ method: 'PATCH', path: '/apis/kubeovn.io/v1/vpcs/ovn-cluster', body: { metadata: { resourceVersion: stale }, spec: { staticRoutes: [] } }, contentType: 'application/merge-patch+json' })).rejects.toMatchObject({ code: 409, reason: 'Conflict' });
    await writeOvnCluster(client, 'run-a', undefined);
  } finally {
    await fake.close();
  }
});
