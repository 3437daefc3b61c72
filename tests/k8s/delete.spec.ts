// A Subnet delete that Kube-OVN's webhook refuses while status.v4usingIPs still counts the run's
// VMs (the fake's subnetDeleteDenied switch answers its 403) is retried with backoff until the
// deadline; past it, or for any other kind, the refusal stands.
import { expect, test } from '@playwright/test';
import { KubeClient, loadKubeConfig } from '../../lib/k8s/client.ts';
import { getObject } from '../../lib/k8s/objects.ts';
import { resourceOf, type KubeObject } from '../../lib/k8s/resources.ts';
import { deleteRunObject } from '../../lib/targets/k8s-common/delete.ts';
import { FakeApiServer } from '../support/fake-apiserver/index.ts';

const subnet: KubeObject = { apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name: 'd-s1' }, spec: { cidrBlock: '10.9.0.0/24', vpc: 'ovn-cluster' } };

test('a Subnet delete refused by the webhook is retried until it passes, within the deadline only', async () => {
  const fake = await FakeApiServer.start();
  try {
    const client = new KubeClient(loadKubeConfig({ kubeconfig: fake.kubeconfig }));
    fake.store.create(subnet);
    fake.faults.subnetDeleteDenied = 2;
    await deleteRunObject(client, subnet, 10_000);
    expect(fake.faults.subnetDeleteDenied).toBe(0);
    expect(await getObject(client, resourceOf('Subnet'), subnet.metadata.name)).toBeUndefined();

    fake.store.create(subnet);
    fake.faults.subnetDeleteDenied = 50;
    const started = Date.now();
    await expect(deleteRunObject(client, subnet, 1_000)).rejects.toMatchObject({ code: 403, message: /can't delete subnet when any IPs in Using/ });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await getObject(client, resourceOf('Subnet'), subnet.metadata.name)).toBeDefined();
    fake.faults.subnetDeleteDenied = 0;
    await deleteRunObject(client, subnet, 1_000);
  } finally {
    await fake.close();
  }
});
