// The fake API server as an independent stand-in for Kube-OVN and KubeVirt: it reads only what
// they read (no lib/import, no vpcheck annotation), refuses what a cluster would not run
// (userDataSecretRef, cloud-init it does not understand, an SG member without a path to its
// gateway), boots the guest's cloud-init and a Pod's command in the lab VM, and gives addresses
// from its own Kube-OVN IPAM, so vpcheck's pinned-address check can fire.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import { test } from '../support/fake-cluster.ts';
import { stringify } from 'yaml';
import { KubeClient, KubeError, loadKubeConfig } from '../../lib/k8s/client.ts';
import { applyObject, deleteObject, getObject, mergePatchObject } from '../../lib/k8s/objects.ts';
import { collectionPath, resourceOf, type KubeObject } from '../../lib/k8s/resources.ts';
import { RunNames } from '../../lib/targets/lab/names.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import { FakeApiServer } from '../support/fake-apiserver/index.ts';
import { expectNoLeak } from '../lab/support.ts';
import { leftovers } from '../support/leftovers.ts';

const FAKE_DIR = fileURLToPath(new URL('../support/fake-apiserver/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Relative imports of a TypeScript file, resolved. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => resolve(dirname(file), m[1]!));
}

test('the stand-in reaches no lib/import module and reads no vpcheck annotation or label but the run label', () => {
  const fakeFiles = readdirSync(FAKE_DIR).filter((f) => f.endsWith('.ts')).map((f) => join(FAKE_DIR, f));
  expect(fakeFiles.length).toBeGreaterThan(10);
  // Every module the fake loads, transitively: none is the product's import mapping.
  const seen = new Set<string>();
  const queue = [...fakeFiles];
  while (queue.length) {
    const f = queue.shift()!;
    if (seen.has(f)) continue;
    seen.add(f);
    queue.push(...importsOf(f).filter((g) => g.startsWith(ROOT) && existsSync(g)));
  }
  expect([...seen].filter((f) => f.startsWith(join(ROOT, 'lib/import/'))).map((f) => f.slice(ROOT.length))).toEqual([]);
  expect(seen.size, 'the walk reached the product modules the fake builds on').toBeGreaterThan(fakeFiles.length);
  for (const f of fakeFiles) {
    const text = readFileSync(f, 'utf8');
    expect(text, f).not.toContain('lib/import');
    // No literal vpcheck/... key, and from labels.ts only the run label.
    expect(text.match(/['"`]vpcheck\/[^'"`]*/g) ?? [], f).toEqual([]);
    const fromLabels = /import\s*\{([^}]*)\}\s*from\s*'[./]*lib\/k8s\/labels\.ts'/.exec(text)?.[1];
    if (fromLabels) expect(fromLabels.split(',').map((s) => s.trim()).filter(Boolean), f).toEqual(['RUN_LABEL']);
  }
});

const RUN = 'standin-1';
const labels = { 'vpcheck/run': RUN };
const CIDR = '10.9.0.0/24';

const nad = (name: string): KubeObject => ({
  apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition',
  metadata: { name, namespace: 'default', labels: { ...labels, 'network.harvesterhci.io/type': 'OverlayNetwork' } },
  spec: { config: JSON.stringify({ cniVersion: '0.3.1', name, type: 'kube-ovn', server_socket: '/run/openvswitch/kube-ovn-daemon.sock', provider: `${name}.default.ovn` }) },
});
const subnet = (spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name: 's1', labels }, spec: { cidrBlock: CIDR, provider: 'n1.default.ovn', ...spec } });
const ingressOnly: KubeObject = {
  apiVersion: 'kubeovn.io/v1', kind: 'SecurityGroup', metadata: { name: 'web', labels },
  spec: { ingressRules: [{ ipVersion: 'ipv4', protocol: 'tcp', portRangeMin: 80, portRangeMax: 80, remoteType: 'address', remoteAddress: '0.0.0.0/0', policy: 'allow', priority: 10 }], egressRules: [] },
};
const USER = { name: 'guest', lock_passwd: false, plain_text_passwd: 'pw-standin', ssh_authorized_keys: [] };
const secret = (name: string, config: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default', labels }, type: 'Opaque', stringData: { userdata: `#cloud-config\n${stringify(config)}` },
});

function vm(name: string, options: { annotations?: Record<string, string>; noCloud?: Record<string, unknown>; interfaceName?: string } = {}): KubeObject {
  return {
    apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name, namespace: 'default', labels },
    spec: {
      runStrategy: 'Always',
      template: {
        metadata: { annotations: options.annotations ?? {} },
        spec: {
          domain: { devices: { disks: [{ name: 'rootdisk', disk: { bus: 'virtio' } }, { name: 'cloudinitdisk', disk: { bus: 'virtio' } }], interfaces: [{ name: options.interfaceName ?? 'nic-1', bridge: {} }] } },
          networks: [{ name: 'nic-1', multus: { networkName: 'default/n1' } }],
          volumes: [{ name: 'rootdisk', containerDisk: { image: 'example/cloud-image' } }, { name: 'cloudinitdisk', cloudInitNoCloud: options.noCloud ?? { secretRef: { name } } }],
        },
      },
    },
  };
}

const pin = (ip: string) => ({ 'n1.default.ovn.kubernetes.io/ip_address': ip });

/** A fake with a client, the objects applied in order; everything deleted again and nothing left. */
async function withObjects(objects: readonly KubeObject[], body: (fake: FakeApiServer, client: KubeClient) => Promise<void>): Promise<void> {
  const fake = await FakeApiServer.start();
  const client = new KubeClient(loadKubeConfig({ kubeconfig: fake.kubeconfig }));
  try {
    for (const o of objects) await applyObject(client, o);
    await fake.reconciler.idle();
    await body(fake, client);
    for (const o of fake.store.all().filter((x) => x.metadata.labels?.['vpcheck/run'] === RUN && x.kind !== 'VirtualMachineInstance').reverse()) await deleteObject(client, o);
    await fake.reconciler.idle();
    expect(leftovers(fake).map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([]);
  } finally {
    await fake.close();
  }
  await expectNoLeak(RUN);
}

const failure = (o: KubeObject | undefined) => ((o?.status as { conditions?: { type: string; message: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Failure')?.message;
const vmiIp = async (client: KubeClient, name: string) => ((await getObject(client, resourceOf('VirtualMachineInstance'), name, 'default'))?.status as { interfaces: { ipAddress: string }[] } | undefined)?.interfaces[0]!.ipAddress;

test('userDataSecretRef: rejected under Strict by KubeVirt\'s schema; pruned without Strict, and then the guest has no user-data and does not start', async () => {
  await withObjects([nad('n1'), subnet()], async (fake, client) => {
    const wrong = vm('vm-old', { noCloud: { userDataSecretRef: { name: 'vm-old' } } });
    const err = await applyObject(client, wrong).then(() => undefined, (e: KubeError) => e);
    expect(err).toMatchObject({ code: 400, message: expect.stringContaining('unknown field "spec.template.spec.volumes[1].cloudInitNoCloud.userDataSecretRef"') });
    const res = await client.open({ method: 'POST', path: collectionPath(resourceOf('VirtualMachine'), 'default'), body: wrong });
    expect(res.statusCode).toBe(201);
    expect(res.headers.warning).toContain('cloudInitNoCloud.userDataSecretRef');
    res.resume();
    await fake.reconciler.idle();
    expect(failure(await getObject(client, resourceOf('VirtualMachine'), 'vm-old', 'default'))).toMatch(/^cloud-init: cloudInitNoCloud has no user-data/);
    expect(await getObject(client, resourceOf('VirtualMachineInstance'), 'vm-old', 'default')).toBeUndefined();
  });
});

test('KubeVirt\'s admission: an interface without a network of its name is denied', async () => {
  await withObjects([], async (_fake, client) => {
    const err = await applyObject(client, vm('vm-x', { interfaceName: 'nic-2' })).then(() => undefined, (e: KubeError) => e);
    expect(err).toMatchObject({ code: 400, message: expect.stringContaining("spec.template.spec.domain.devices.interfaces[0].name 'nic-2' not found.") });
  });
});

test('cloud-init the guest does not understand keeps the VM from starting, with the reason', async () => {
  await withObjects([nad('n1'), subnet(), secret('vm-a', { users: [USER], runcmd: [['bash', '-c', 'nc -l 80']] }), vm('vm-a'), secret('vm-b', { users: [USER], bootcmd: ['true'] }), vm('vm-b')], async (_fake, client) => {
    expect(failure(await getObject(client, resourceOf('VirtualMachine'), 'vm-a', 'default'))).toContain('runcmd[0] ["bash","-c","nc -l 80"] not understood');
    expect(failure(await getObject(client, resourceOf('VirtualMachine'), 'vm-b', 'default'))).toContain('user-data: bootcmd not understood');
    expect(await getObject(client, resourceOf('VirtualMachineInstance'), 'vm-a', 'default')).toBeUndefined();
  });
});

test('a security-group member without a path to its gateway stays down, as kube-ovn-cni keeps it; disableGatewayCheck or an egress rule to the gateway lets it start', async () => {
  test.setTimeout(120_000);
  const sgAnnotation = { 'n1.default.ovn.kubernetes.io/security_groups': 'web' };
  const pod: KubeObject = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod-a', namespace: 'default', labels, annotations: { 'k8s.v1.cni.cncf.io/networks': 'default/n1@enp1s0', ...sgAnnotation } },
    spec: { containers: [{ name: 'vm', image: 'example/netshoot', command: ['sleep', 'infinity'] }] },
  };
  await withObjects([nad('n1'), subnet(), ingressOnly, secret('vm-a', { users: [USER] }), vm('vm-a', { annotations: sgAnnotation }), pod], async (fake, client) => {
    const why = /^FailedCreatePodSandBox: network not ready after 200 ping to gateway 10\.9\.0\.1: security groups web allow no egress to it/;
    expect(failure(await getObject(client, resourceOf('VirtualMachine'), 'vm-a', 'default'))).toMatch(why);
    expect(await getObject(client, resourceOf('VirtualMachineInstance'), 'vm-a', 'default')).toBeUndefined();
    const podStatus = (await getObject(client, resourceOf('Pod'), 'pod-a', 'default'))!.status as { phase: string; containerStatuses: { state: { waiting: { reason: string } } }[]; conditions: { message: string }[] };
    expect(podStatus).toMatchObject({ phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] });
    expect(podStatus.conditions[0]!.message).toMatch(why);
    expect(fake.reconciler.vmTarget('Pod', 'default', 'pod-a')).toBeUndefined();
    // An egress rule to the gateway: the ping gets out (and its reply back through conntrack).
    await mergePatchObject(client, resourceOf('SecurityGroup'), 'web', undefined, { spec: { egressRules: [{ ipVersion: 'ipv4', protocol: 'icmp', remoteType: 'address', remoteAddress: '10.9.0.1/32', policy: 'allow', priority: 20 }] } });
    await fake.reconciler.idle();
    expect(await vmiIp(client, 'vm-a')).toBe('10.9.0.2');
    expect(((await getObject(client, resourceOf('Pod'), 'pod-a', 'default'))!.status as { phase: string }).phase).toBe('Running');
    // Without it again, the Subnet's disableGatewayCheck is the other way (the VM runs already; a new one shows it).
    await mergePatchObject(client, resourceOf('SecurityGroup'), 'web', undefined, { spec: { egressRules: [] } });
    await mergePatchObject(client, resourceOf('Subnet'), 's1', undefined, { spec: { disableGatewayCheck: true } });
    await applyObject(client, secret('vm-b', { users: [USER] }));
    await applyObject(client, vm('vm-b', { annotations: sgAnnotation }));
    await fake.reconciler.idle();
    expect(await vmiIp(client, 'vm-b')).toBe('10.9.0.4');
  });
});

test('Kube-OVN IPAM: a pinned address is honoured, an unpinned NIC gets the lowest free one past excludeIps, a taken pin keeps its VM down', async () => {
  const objects = [nad('n1'), subnet({ excludeIps: ['10.9.0.2..10.9.0.4'] }), ...['vm-a', 'vm-b', 'vm-c'].map((n) => secret(n, { users: [USER] })), vm('vm-a'), vm('vm-b', { annotations: pin('10.9.0.9') }), vm('vm-c', { annotations: pin('10.9.0.9') })];
  await withObjects(objects, async (_fake, client) => {
    expect(await vmiIp(client, 'vm-a')).toBe('10.9.0.5');
    expect(await vmiIp(client, 'vm-b')).toBe('10.9.0.9');
    expect(failure(await getObject(client, resourceOf('VirtualMachine'), 'vm-c', 'default'))).toMatch(/^AddressConflict: 10\.9\.0\.9/);
    // formatSubnet: the gateway defaults to the first address and joins excludeIps.
    const sub = await getObject(client, resourceOf('Subnet'), 's1');
    expect((sub!.status as { conditions: { status: string }[] }).conditions[0]!.status).toBe('True');
  });
});

test('the guest boots its cloud-init in the lab VM: runcmd listener, write_files, networkData default route; a Pod\'s command runs there too', async () => {
  test.setTimeout(120_000);
  const networkData = stringify({ version: 2, ethernets: { enp1s0: { addresses: ['10.9.0.2/24'], gateway4: '10.9.0.1' } } });
  const pod: KubeObject = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod-a', namespace: 'default', labels, annotations: { 'k8s.v1.cni.cncf.io/networks': 'default/n1@enp1s0', ...{ 'n1.default.ovn.kubernetes.io/ip_address': '10.9.0.7' } } },
    spec: { containers: [{ name: 'vm', image: 'example/netshoot', command: ['sh', '-c', 'ip addr add 10.77.0.1/32 dev lo; exec sleep infinity'] }] },
  };
  const config = { users: [USER], runcmd: [['systemd-run', '--unit=listen-8080', 'python3', '-c', 'import socketserver  # an echo', '8080']], write_files: [{ path: '/etc/motd', content: 'hello from cloud-init\n' }] };
  await withObjects([nad('n1'), subnet(), secret('vm-a', config), vm('vm-a', { annotations: pin('10.9.0.2'), noCloud: { secretRef: { name: 'vm-a' }, networkData } }), pod], async (fake, client) => {
    expect(await vmiIp(client, 'vm-a')).toBe('10.9.0.2');
    const target = fake.reconciler.vmTarget('VirtualMachineInstance', 'default', 'vm-a')!;
    expect((await target.lab.exec('vm-a', ['ss', '-Hltn'])).stdout).toContain('10.9.0.2:8080');
    expect((await target.lab.exec('vm-a', ['ip', 'route', 'show', 'default'])).stdout).toMatch(/^default via 10\.9\.0\.1 dev enp1s0/);
    expect(readFileSync(join(new RunNames(RUN).runDir, 'guest-root', 'vm-a', 'etc/motd'), 'utf8')).toBe('hello from cloud-init\n');
    // The container's command, in the pod's network namespace.
    const podTarget = fake.reconciler.vmTarget('Pod', 'default', 'pod-a')!;
    await expect.poll(async () => (await podTarget.lab.exec('pod-a', ['ip', '-o', 'addr', 'show', 'dev', 'lo'])).stdout, { timeout: 10_000 }).toContain('10.77.0.1/32');
    expect((await getObject(client, resourceOf('Pod'), 'pod-a', 'default'))!.status).toMatchObject({ phase: 'Running', podIP: '10.9.0.7' });
  });
});

test('a VMI address other than the pin, from the stand-in\'s IPAM, fails the run\'s pinned-address check', async ({ fakeCluster }) => {
  test.setTimeout(120_000);
  const { topology } = await loadTopologyFile('topologies/same-vpc-subnets.yaml');
  const { fake, target } = await fakeCluster.harvester();
  // As if a mutating webhook between vpcheck and Kube-OVN changed vm1-vswitch1's pin: the
  // stand-in's IPAM follows the object it stores.
  const create = fake.store.create.bind(fake.store);
  fake.store.create = (o: KubeObject) => {
    const annotations = (o.spec as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined)?.template?.metadata?.annotations ?? {};
    const key = Object.keys(annotations).find((k) => k.endsWith('.kubernetes.io/ip_address'));
    if (o.kind === 'VirtualMachine' && key && annotations[key] === '172.20.10.6') annotations[key] = '172.20.10.66';
    return create(o);
  };
  try {
    const err = await target.up(topology!, { runId: 'standin-pin', log: { info: () => undefined, warn: () => undefined } }).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/runs with 172\.20\.10\.66, not the pinned 172\.20\.10\.6/);
  } finally {
    fake.store.create = create;
  }
});
