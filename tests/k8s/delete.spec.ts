// A Subnet delete that Kube-OVN's webhook refuses while status.v4usingIPs still counts the run's
// VMs (the fake's subnetDeleteDenied switch answers its 403) is retried with backoff until the
// deadline; past it, or for any other kind, the refusal stands.
import { expect, test } from '@playwright/test';
import { KubeClient, loadKubeConfig } from '../../lib/k8s/client.ts';
import { getObject } from '../../lib/k8s/objects.ts';
import { resourceOf, type KubeObject } from '../../lib/k8s/resources.ts';
import { deleteRunObject } from '../../lib/targets/k8s-common/delete.ts';
import { teardownOrder, teardownRun } from '../../lib/targets/k8s-common/teardown.ts';
import { APPLY_ORDER } from '../../lib/targets/harvester/render.ts';
import { RUN_LABEL } from '../../lib/k8s/labels.ts';
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

test('teardown goes on past an object that stays: the run\'s other kinds are deleted and the one that stayed is named', async () => {
  const fake = await FakeApiServer.start();
  try {
    const client = new KubeClient(loadKubeConfig({ kubeconfig: fake.kubeconfig }));
    const labels = { [RUN_LABEL]: 'td1' };
    fake.store.create({ ...subnet, metadata: { ...subnet.metadata, labels } });
    fake.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'td1-vm1', namespace: 'default', labels }, data: {} });
    fake.store.create({ apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'td1-n1', namespace: 'default', labels }, spec: { config: '{}' } });
    fake.faults.subnetDeleteDenied = 1000;
    await expect(teardownRun(client, 'td1', 1_000, teardownOrder(APPLY_ORDER))).rejects.toThrow(/run td1: 1 objects left: Subnet d-s1: .*can't delete subnet/);
    expect(await getObject(client, resourceOf('Secret'), 'td1-vm1', 'default')).toBeUndefined();
    expect(await getObject(client, resourceOf('NetworkAttachmentDefinition'), 'td1-n1', 'default')).toBeUndefined();
    fake.faults.subnetDeleteDenied = 0;
    await teardownRun(client, 'td1', 10_000, teardownOrder(APPLY_ORDER));
    expect(await getObject(client, resourceOf('Subnet'), subnet.metadata.name)).toBeUndefined();
  } finally {
    await fake.close();
  }
});
