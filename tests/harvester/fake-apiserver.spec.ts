// The fake API server speaks the protocol the target relies on, with the real server's answers:
// auth, discovery, create/get/conflicts, schema rejections and pruning, webhooks, label
// selectors, status subresource, watches; and `vpcheck render` output applies to it cleanly.
import { readdirSync } from 'node:fs';
import { expect } from '@playwright/test';
import { test } from '../support/fake-cluster.ts';
import { parseAllDocuments } from 'yaml';
import { KubeClient, KubeError, loadKubeConfig } from '../../lib/k8s/client.ts';
import { applyObject, getObject, listObjects, mergePatchObject } from '../../lib/k8s/objects.ts';
import { collectionPath, objectPath, resourceOf, type KubeObject } from '../../lib/k8s/resources.ts';
import { waitUntil } from '../../lib/k8s/watch.ts';
import { runCli } from '../support/cli.ts';
import { FakeApiServer } from '../support/fake-apiserver/index.ts';

const vpc = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name, labels: { app: 'proto' } }, spec });
// (Objects without vpcheck/run: the fake's controllers leave them alone, as these tests want.)
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: KubeError) => ({ code: e.code, reason: e.reason, message: e.message }));

test.describe('fake API server protocol', () => {
  let fake: FakeApiServer;
  let client: KubeClient;
  test.beforeEach(async () => {
    fake = await FakeApiServer.start();
    client = new KubeClient(loadKubeConfig({ kubeconfig: fake.kubeconfig }));
  });
  test.afterEach(async () => {
    await fake.close();
  });

  test('requests without the bearer token are 401; discovery lists the groups vpcheck uses', async () => {
    const res = await fetch(`${fake.url}/apis`);
    expect(res.status).toBe(401);
    expect((await res.json()).reason).toBe('Unauthorized');
    const groups = await client.call<{ groups: { name: string }[] }>({ method: 'GET', path: '/apis' });
    expect(groups.groups.map((g) => g.name)).toEqual(['k8s.cni.cncf.io', 'kubeovn.io', 'kubevirt.io', 'harvesterhci.io', 'subresources.kubevirt.io']);
    const kubeovn = await client.call<{ resources: { name: string }[] }>({ method: 'GET', path: '/apis/kubeovn.io/v1' });
    expect(kubeovn.resources.map((r) => r.name)).toEqual(['vpcs', 'subnets', 'security-groups', 'provider-networks', 'vlans', 'vpc-nat-gateways', 'iptables-eips', 'iptables-fip-rules', 'iptables-snat-rules', 'iptables-dnat-rules'].flatMap((p) => [p, `${p}/status`]));
  });

  test('create, AlreadyExists, stale resourceVersion Conflict, NotFound, status only through /status', async () => {
    const r = resourceOf('Vpc');
    const created = await client.call<KubeObject>({ method: 'POST', path: collectionPath(r), body: { ...vpc('a'), status: { standby: true } } });
    expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(created.status).toBeUndefined();
    expect(await failure(client.call({ method: 'POST', path: collectionPath(r), body: vpc('a') }))).toMatchObject({ code: 409, reason: 'AlreadyExists' });
    const stale = { ...created, metadata: { ...created.metadata, resourceVersion: '1' } };
    expect(await failure(client.call({ method: 'PUT', path: objectPath(r, 'a'), body: stale }))).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(await failure(client.call({ method: 'GET', path: objectPath(r, 'nope') }))).toMatchObject({ code: 404, reason: 'NotFound', message: expect.stringContaining('vpcs.kubeovn.io "nope" not found') });
    const written = await client.call<KubeObject>({ method: 'PUT', path: `${objectPath(r, 'a')}/status`, body: { ...created, status: { standby: true } } });
    expect(written.status).toEqual({ standby: true });
    const patched = await mergePatchObject(client, r, 'a', undefined, { spec: { namespaces: ['x'] }, status: { standby: false } });
    expect(patched.status).toEqual({ standby: true });
    expect(patched.metadata.generation).toBe(2);
  });

  test('schema violations are 422, unknown fields 400 under Strict or pruned with a warning', async () => {
    const r = resourceOf('Vpc');
    expect(await failure(client.call({ method: 'POST', path: collectionPath(r), body: vpc('b', { vpcPeerings: [{ remoteVpc: 'x', localConnectIP: 7 }] }) })))
      .toMatchObject({ code: 422, reason: 'Invalid', message: expect.stringContaining('spec.vpcPeerings[0].localConnectIP: Invalid value: must be string') });
    expect(await failure(applyObject(client, vpc('b', { vpcPeering: [] })))).toMatchObject({ code: 400, message: expect.stringContaining('strict decoding error: unknown field "spec.vpcPeering"') });
    const res = await client.open({ method: 'POST', path: collectionPath(r), body: vpc('b', { vpcPeering: [], staticRoutes: [] }) });
    expect(res.statusCode).toBe(201);
    expect(res.headers.warning).toBe('299 - "unknown field \\"spec.vpcPeering\\""');
    res.resume();
    expect((await getObject(client, r, 'b'))!.spec).toEqual({ staticRoutes: [] });
  });

  test('webhooks reject what Kube-OVN and Harvester would: bad localConnectIP, subnet without its NAD, second subnet on a provider', async () => {
    expect(await failure(applyObject(client, vpc('c', { vpcPeerings: [{ remoteVpc: 'd', localConnectIP: '169.254.0.1' }] })))).toMatchObject({ code: 400, message: expect.stringContaining('169.254.0.1 is not a valid CIDR') });
    const subnet = (name: string): KubeObject => ({ apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name }, spec: { cidrBlock: '10.0.0.0/24', gateway: '10.0.0.1', provider: 'n1.default.ovn', vpc: 'ovn-cluster' } });
    expect(await failure(applyObject(client, subnet('s1')))).toMatchObject({ code: 400, message: expect.stringContaining('NAD default/n1 of provider n1.default.ovn is not an OverlayNetwork') });
    const nad: KubeObject = { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'n1', namespace: 'default', labels: { 'network.harvesterhci.io/type': 'OverlayNetwork' } }, spec: { config: '{"cniVersion":"0.3.1","name":"n1","type":"kube-ovn","server_socket":"/run/openvswitch/kube-ovn-daemon.sock","provider":"n1.default.ovn"}' } };
    await applyObject(client, nad);
    await applyObject(client, subnet('s1'));
    expect(await failure(applyObject(client, subnet('s2')))).toMatchObject({ code: 400, message: expect.stringContaining('subnet s1 is using the provider n1.default.ovn already') });
    expect(await failure(applyObject(client, { ...nad, metadata: { ...nad.metadata, namespace: 'missing' } }))).toMatchObject({ code: 404, message: expect.stringContaining('namespaces "missing" not found') });
  });

  test('label selectors filter lists; a watch from a resourceVersion streams the changes after it', async () => {
    const r = resourceOf('Vpc');
    const first = await applyObject(client, vpc('w1'));
    await applyObject(client, { ...vpc('w2'), metadata: { name: 'w2', labels: { other: 'x' } } });
    expect((await listObjects(client, r, 'app=proto')).map((o) => o.metadata.name)).toEqual(['w1']);
    expect((await listObjects(client, r, 'app')).map((o) => o.metadata.name)).toEqual(['w1']);
    expect((await listObjects(client, r, '!app')).map((o) => o.metadata.name)).toEqual(['ovn-cluster', 'w2']);
    expect((await listObjects(client, r, 'app in (x,proto),other!=y')).map((o) => o.metadata.name)).toEqual(['w1']);
    const ready = waitUntil(client, r, 'w1', undefined, (o) => (o?.status as { standby?: boolean } | undefined)?.standby === true, 10_000);
    await client.call({ method: 'PATCH', path: `${objectPath(r, 'w1')}/status`, body: { status: { standby: true } }, contentType: 'application/merge-patch+json' });
    expect(Number((await ready)!.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
  });
});

test('vpcheck render output of every seed applies cleanly to the fake (Strict), and down removes it all', async ({ fakeCluster }) => {
  test.setTimeout(240_000);
  const seeds = readdirSync('topologies').filter((f) => f.endsWith('.yaml') && f !== 'scale-100vms.yaml');
  const { fake, target } = await fakeCluster.harvester();
  const client = new KubeClient(loadKubeConfig({ kubeconfig: fake.kubeconfig }));
  for (const [i, file] of seeds.entries()) {
    const runId = `render-${i}`;
    const r = await runCli(['render', `topologies/${file}`, '--target', 'harvester', '--run-id', runId]);
    expect(r.code, r.err).toBe(0);
    // What `kubectl apply` does: create what is missing, merge into what exists (ovn-cluster).
    for (const doc of parseAllDocuments(r.out).map((d) => d.toJS() as KubeObject)) {
      const existing = await getObject(client, resourceOf(doc.kind), doc.metadata.name, doc.metadata.namespace);
      if (existing) await mergePatchObject(client, resourceOf(doc.kind), doc.metadata.name, doc.metadata.namespace, { metadata: { annotations: doc.metadata.annotations }, spec: doc.spec });
      else await applyObject(client, doc);
    }
    await fake.reconciler.idle();
    expect(fake.reconciler.errors.get(runId), file).toBeUndefined();
    expect(await target.down({ runId })).toEqual([runId]);
  }
});
