// The stand-in's VPC NAT gateway: it admits the NAT kinds under Kube-OVN's schema, hands the lab
// the gateways, EIPs, rules and external network read from Kubernetes fields alone (the external
// Subnet's cidrBlock and gateway, the objects' specs), keeps what Kube-OVN would not build pending
// with its reason, and writes the status Kube-OVN writes (EIP ready and ip, rules ready and v4ip),
// which a cluster run waits for and tears down in dependency order.
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import { test } from '../support/fake-cluster.ts';
import type { KubeObject } from '../../lib/k8s/resources.ts';
import { resourceOf } from '../../lib/k8s/resources.ts';
import { render } from '../../lib/targets/harvester/render.ts';
import { KubeOvnTarget } from '../../lib/targets/kubeovn/kubeovn-target.ts';
import { renderPods } from '../../lib/targets/kubeovn/render.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import { admit } from '../support/fake-apiserver/admission.ts';
import { ApiError } from '../support/fake-apiserver/status.ts';
import { runView } from '../support/fake-apiserver/cluster-view.ts';
import { KubeOvnIpam } from '../support/fake-apiserver/kube-ovn-ipam.ts';
import { natStatusOf } from '../support/fake-apiserver/nat-view.ts';
import { Store } from '../support/fake-apiserver/store.ts';

const FIXTURE = fileURLToPath(new URL('../k8s/fixtures/nat-render.yaml', import.meta.url));
const RUN = 'standin-nat';
const quiet = { info: () => undefined, warn: () => undefined };

/** A store as the fake starts it (Harvester's NAT ConfigMaps), then the objects admitted in order. */
function storeWith(objects: readonly KubeObject[], enabled = 'true'): Store {
  const store = new Store();
  store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ovn-vpc-nat-config', namespace: 'kube-system' }, data: { image: 'docker.io/kubeovn/vpc-nat-gateway:v1.15.0' } });
  store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ovn-vpc-nat-gw-config', namespace: 'kube-system' }, data: { 'enable-vpc-nat-gw': enabled } });
  store.create({ apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name: 'ovn-cluster' }, spec: {} });
  for (const o of objects) {
    if (o.kind === 'ConfigMap' && store.get('ConfigMap', o.metadata.namespace, o.metadata.name)) continue;
    store.create(admit(resourceOf(o.kind), o, store, true).object);
  }
  return store;
}

async function rendered(target: 'harvester' | 'kubeovn'): Promise<readonly KubeObject[]> {
  const { topology } = await loadTopologyFile(FIXTURE);
  return target === 'harvester' ? render(topology!, { runId: RUN, namespace: 'default', image: 'x' }).objects : renderPods(topology!, { runId: RUN, image: 'x' }).objects;
}

for (const target of ['harvester', 'kubeovn'] as const) {
  test(`${target}: the rendered NAT objects are admitted, and the lab gets the gateway, EIPs, rules and external network from their Kubernetes fields`, async () => {
    const view = runView(storeWith(await rendered(target)), RUN, new KubeOvnIpam());
    expect([...view.pending.entries()].filter(([o]) => o.kind !== 'VirtualMachine' && o.kind !== 'Pod').map(([o, r]) => `${o.kind} ${o.metadata.name}: ${r}`)).toEqual([]);
    const p = (n: string) => `${RUN}-${n}`;
    expect(view.spec.externalNetwork).toEqual({ name: p('ovn-vpc-external-network'), cidrBlock: '192.0.2.0/24', gateway: '192.0.2.1' });
    // The external Subnet is no VPC subnet of the lab.
    expect(view.spec.subnets.map((s) => s.name)).toEqual([p('subnetinternal')]);
    expect(view.spec.natGateways).toEqual([{ name: p('gw1'), vpc: p('custom-vpc'), subnet: p('subnetinternal'), lanIp: '172.20.10.254', externalSubnets: [p('ovn-vpc-external-network')] }]);
    expect(view.spec.eips).toEqual([
      { name: p('my-eip'), natGwDp: p('gw1'), v4ip: '192.0.2.200', externalSubnet: p('ovn-vpc-external-network') },
      { name: p('fip-eip'), natGwDp: p('gw1'), v4ip: '192.0.2.201', externalSubnet: p('ovn-vpc-external-network') },
    ]);
    expect(view.spec.snatRules).toEqual([{ name: p('my-snat'), eip: p('my-eip'), internalCIDR: '172.20.10.0/24' }]);
    expect(view.spec.dnatRules).toEqual([{ name: p('dnat01'), eip: p('my-eip'), externalPort: 8888, internalIp: '172.20.10.2', internalPort: 80, protocol: 'tcp' }]);
    expect(view.spec.fipRules).toEqual([{ name: p('fip01'), eip: p('fip-eip'), internalIp: '172.20.10.3' }]);
  });
}

test('Kube-OVN\'s gate and references: a disabled NAT gateway builds nothing; an EIP outside the external network, a rule on a pending EIP and a lanIp outside its subnet stay pending with the reason', async () => {
  const objects = await rendered('harvester');
  const off = runView(storeWith(objects, 'false'), RUN, new KubeOvnIpam());
  expect(off.spec.natGateways).toEqual([]);
  expect([...off.pending].filter(([o]) => o.kind === 'VpcNatGateway').map(([, r]) => r)).toEqual(['iptables nat gw not enable']);

  const edit = (kind: string, name: string, spec: Record<string, unknown>) => objects.map((o) => (o.kind === kind && o.metadata.name === `${RUN}-${name}` ? { ...o, spec: { ...(o.spec as object), ...spec } } : o));
  const outside = runView(storeWith(edit('IptablesEIP', 'my-eip', { v4ip: '198.51.100.7' })), RUN, new KubeOvnIpam());
  const reasons = (v: typeof outside) => Object.fromEntries([...v.pending].filter(([o]) => o.kind.startsWith('Iptables') || o.kind === 'VpcNatGateway').map(([o, r]) => [o.metadata.name, r]));
  expect(reasons(outside)).toEqual({
    [`${RUN}-my-eip`]: `198.51.100.7 is not in external subnet ${RUN}-ovn-vpc-external-network (192.0.2.0/24)`,
    [`${RUN}-my-snat`]: `eip ${RUN}-my-eip not ready`,
    [`${RUN}-dnat01`]: `eip ${RUN}-my-eip not ready`,
  });
  expect(outside.spec.eips.map((e) => e.name)).toEqual([`${RUN}-fip-eip`]);
  const lan = runView(storeWith(edit('VpcNatGateway', 'gw1', { lanIp: '172.20.11.254' })), RUN, new KubeOvnIpam());
  expect(reasons(lan)[`${RUN}-gw1`]).toBe(`lanIp 172.20.11.254 is not an address of subnet ${RUN}-subnetinternal (172.20.10.0/24)`);
  expect(lan.spec.eips).toEqual([]);
});

test('the status Kube-OVN writes: an EIP ready with its ip and the rule kinds on it, a rule ready with its EIP\'s address; a DNAT port as a number is refused by the CRD', async () => {
  const objects = await rendered('harvester');
  const store = storeWith(objects);
  const view = runView(store, RUN, new KubeOvnIpam());
  const get = (kind: string, name: string) => store.get(kind, undefined, `${RUN}-${name}`)!;
  expect(natStatusOf(get('IptablesEIP', 'my-eip'), view.nat, store, `vpcheck/run=${RUN}`)).toEqual({ ready: true, ip: '192.0.2.200', nat: 'dnat,snat', redo: '', qosPolicy: '' });
  expect(natStatusOf(get('IptablesEIP', 'fip-eip'), view.nat, store, `vpcheck/run=${RUN}`)).toMatchObject({ ready: true, ip: '192.0.2.201', nat: 'fip' });
  expect(natStatusOf(get('IptablesDnatRule', 'dnat01'), view.nat, store, `vpcheck/run=${RUN}`)).toMatchObject({ ready: true, v4ip: '192.0.2.200', natGwDp: `${RUN}-gw1`, externalPort: '8888', internalPort: '80' });
  const dnat = structuredClone(objects.find((o) => o.kind === 'IptablesDnatRule')!);
  (dnat.spec as Record<string, unknown>).externalPort = 8888;
  const refused = (() => {
    try {
      admit(resourceOf('IptablesDnatRule'), dnat, new Store(), true);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  expect(refused).toBeInstanceOf(ApiError);
  expect((refused as ApiError).code).toBe(422);
  expect((refused as ApiError).message).toContain('spec.externalPort: Invalid value: must be string');
});

test('a Harvester run waits for the EIPs and rules to be ready, and takes them down before the gateway and the external network', async ({ fakeCluster }) => {
  test.setTimeout(180_000);
  const { topology } = await loadTopologyFile(FIXTURE);
  const { fake, target } = await fakeCluster.harvester();
  const deleted: string[] = [];
  const unsubscribe = fake.store.subscribe((e) => {
    if (e.type === 'DELETED' && e.object.metadata.labels?.['vpcheck/run'] === RUN) deleted.push(e.object.kind);
  });
  try {
    const realized = await target.up(topology!, { runId: RUN, log: quiet });
    const eip = fake.store.get('IptablesEIP', undefined, `${RUN}-my-eip`)!;
    expect(eip.status).toMatchObject({ ready: true, ip: '192.0.2.200' });
    expect(fake.store.get('IptablesSnatRule', undefined, `${RUN}-my-snat`)!.status).toMatchObject({ ready: true, v4ip: '192.0.2.200' });
    // The phase moves the SNAT EIP: the run waits for the new address in status.ip ...
    await realized.update(topology!.phases[0]!.topology);
    expect(fake.store.get('IptablesEIP', undefined, `${RUN}-my-eip`)!.status).toMatchObject({ ready: true, ip: '192.0.2.202' });
    // ... and for the moved DNAT rule's status to mirror its new port.
    expect(fake.store.get('IptablesDnatRule', undefined, `${RUN}-dnat01`)).toMatchObject({ spec: { externalPort: '8080' }, status: { ready: true, externalPort: '8080' } });
    await realized.down();
  } finally {
    unsubscribe();
  }
  const last = (kind: string) => deleted.lastIndexOf(kind);
  const first = (kind: string) => deleted.indexOf(kind);
  for (const rule of ['IptablesFIPRule', 'IptablesSnatRule']) expect(last(rule)).toBeLessThan(first('IptablesEIP'));
  expect(last('IptablesEIP')).toBeLessThan(first('VpcNatGateway'));
  expect(last('VpcNatGateway')).toBeLessThan(first('Subnet'));
  expect(last('Subnet')).toBeLessThan(first('Vlan'));
  expect(last('Vlan')).toBeLessThan(first('ProviderNetwork'));
  // Harvester's NAT ConfigMaps are the operator's: untouched.
  expect(fake.store.get('ConfigMap', 'kube-system', 'ovn-vpc-nat-gw-config')!.metadata.labels).toBeUndefined();
});

test('a run on a cluster whose NAT gateway is disabled fails at once, naming the ConfigMap and the operator setting', async ({ fakeCluster }) => {
  test.setTimeout(120_000);
  const { topology } = await loadTopologyFile(FIXTURE);
  const { target } = await fakeCluster.harvester({}, { natGateway: false });
  const started = Date.now();
  const err = await target.up(topology!, { runId: 'standin-nat-off', log: quiet }).then(() => undefined, (e: Error) => e);
  expect(err?.message).toMatch(/kube-system\/ovn-vpc-nat-gw-config has enable-vpc-nat-gw: "false": Kube-OVN builds no VPC NAT gateway \(Harvester: set enableNATGateway/);
  // Said before any EIP wait (30 s in these tests) ran out.
  expect(Date.now() - started).toBeLessThan(25_000);
});

test('kubeovn: a run creates Kube-OVN\'s NAT ConfigMaps where the cluster has none and removes them with the run; a cluster\'s own stay as they are', async ({ fakeCluster }) => {
  test.setTimeout(240_000);
  const { topology } = await loadTopologyFile(FIXTURE);
  const { fake, target } = await fakeCluster.start((connect) => new KubeOvnTarget({ ...connect, natGatewayImage: 'registry.example/vpc-nat-gateway:v1.15.4' }));
  const configMap = (name: string) => fake.store.get('ConfigMap', 'kube-system', name);
  // The cluster's own: a run uses them and leaves them.
  const own = configMap('ovn-vpc-nat-config')!;
  const kept = await target.up(topology!, { runId: 'standin-nat-own', log: quiet });
  expect(configMap('ovn-vpc-nat-config')).toEqual(own);
  await kept.down();
  expect(configMap('ovn-vpc-nat-config')).toEqual(own);
  // None on the cluster: the run's, with its image, gone with the run.
  for (const name of ['ovn-vpc-nat-config', 'ovn-vpc-nat-gw-config']) fake.store.remove(configMap(name)!);
  const made = await target.up(topology!, { runId: 'standin-nat-made', log: quiet });
  expect(configMap('ovn-vpc-nat-config')).toMatchObject({ metadata: { labels: { 'vpcheck/run': 'standin-nat-made' } }, data: { image: 'registry.example/vpc-nat-gateway:v1.15.4' } });
  expect(configMap('ovn-vpc-nat-gw-config')!.data).toEqual({ 'enable-vpc-nat-gw': 'true' });
  expect(fake.store.get('IptablesEIP', undefined, 'standin-nat-made-my-eip')!.status).toMatchObject({ ready: true, ip: '192.0.2.200' });
  await made.down();
  expect(configMap('ovn-vpc-nat-config')).toBeUndefined();
  expect(configMap('ovn-vpc-nat-gw-config')).toBeUndefined();
});
