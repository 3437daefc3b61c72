// The kubeovn target's pods add NET_ADMIN and NET_RAW, which only Pod Security level privileged
// admits: the namespace a run creates carries the privileged admission labels, and a namespace
// the user names that enforces a stricter level is refused before anything is applied.
import { expect, test } from '@playwright/test';
import { KubeOvnTarget } from '../../lib/targets/kubeovn/kubeovn-target.ts';
import { DEFAULT_POD_IMAGE, renderPods } from '../../lib/targets/kubeovn/render.ts';
import { TargetError } from '../../lib/targets/target.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import { FakeApiServer } from '../support/fake-apiserver/index.ts';
import { quiet } from '../lab/support.ts';

test('the run\'s own namespace enforces, audits and warns at privileged', async () => {
  const { topology } = await loadTopologyFile('topologies/same-vpc-subnets.yaml');
  const [ns] = renderPods(topology!, { runId: 'r1', image: DEFAULT_POD_IMAGE }).objects;
  expect(ns).toMatchObject({ kind: 'Namespace', metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/audit': 'privileged', 'pod-security.kubernetes.io/warn': 'privileged', 'vpcheck/run': 'r1' } } });
  expect(renderPods(topology!, { runId: 'r1', image: DEFAULT_POD_IMAGE, namespace: 'mine' }).objects.some((o) => o.kind === 'Namespace')).toBe(false);
});

test('a named namespace that enforces baseline is refused before anything is applied', async () => {
  const fake = await FakeApiServer.start({ namespaces: ['tenant'] });
  try {
    const tenant = fake.store.get('Namespace', undefined, 'tenant')!;
    fake.store.update({ ...tenant, metadata: { ...tenant.metadata, labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } });
    const { topology } = await loadTopologyFile('topologies/same-vpc-subnets.yaml');
    const created: string[] = [];
    fake.store.subscribe((e) => {
      if (e.type === 'ADDED') created.push(`${e.object.kind} ${e.object.metadata.name}`);
    });
    const target = new KubeOvnTarget({ kubeconfig: fake.kubeconfig, internetIP: '192.0.2.1', readyTimeoutMs: 10_000, namespace: 'tenant' });
    const error = await target.up(topology!, { runId: 'psa-1', log: quiet }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TargetError);
    expect((error as Error).message).toMatch(/namespace tenant enforces Pod Security level "baseline".*pod-security\.kubernetes\.io\/enforce=privileged/);
    const missing = await new KubeOvnTarget({ kubeconfig: fake.kubeconfig, namespace: 'nowhere' }).up(topology!, { runId: 'psa-2', log: quiet }).then(() => undefined, (e: unknown) => e);
    expect((missing as Error).message).toBe('kubeovn: namespace nowhere does not exist');
    expect(created).toEqual([]);
  } finally {
    await fake.close();
  }
});
