// --transport ssh on the Harvester target: what cloud-init gets (the console user's authorized
// key, the VM's host key), the host key checked strictly through KubeVirt's port-forward,
// port-forwards refused while the VM boots retried, and the CLI accepting ssh (not exec).
import { readFileSync } from 'node:fs';
import type { RunResult } from '../../lib/run/result.ts';
import { expect } from '@playwright/test';
import { test, type FakeCluster } from '../support/fake-cluster.ts';
import { parse, stringify } from 'yaml';
import { KubeClient, loadKubeConfig } from '../../lib/k8s/client.ts';
import { openKubevirtPortForward } from '../../lib/k8s/kubevirt-portforward.ts';
import { SubresourceRefused } from '../../lib/k8s/kubevirt-stream.ts';
import type { KubeObject } from '../../lib/k8s/resources.ts';
import { SessionError } from '../../lib/sessions/session.ts';
import { generateSshKeyPair, publicKeyBlob } from '../../lib/sessions/ssh-keys.ts';
import { fingerprint } from '../../lib/sessions/ssh.ts';
import { cloudInitSecret, userData } from '../../lib/targets/harvester/cloud-init.ts';
import { DEFAULT_IMAGE, render } from '../../lib/targets/harvester/render.ts';
import type { Realized } from '../../lib/targets/target.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import type { Topology } from '../../lib/topology/types.ts';
import { runCli, tempFile } from '../support/cli.ts';
import type { FakeApiServer } from '../support/fake-apiserver/index.ts';
import { FAKE_VERSIONS } from '../support/fake-apiserver/versions.ts';
import { LAB_INTERNET, expectGuestsObserved } from './support.ts';
import { leftovers } from '../support/leftovers.ts';

const quiet = { info: () => undefined, warn: () => undefined };
let oneVm: Topology;

test.beforeAll(async () => {
  oneVm = (await loadTopologyFile(tempFile(`apiVersion: vpcheck/v1
kind: Topology
name: one-vm
networks: [ { name: vswitch1 } ]
subnets: [ { name: subnet1, cidrBlock: 10.9.0.0/24, provider: vswitch1 } ]
vms: [ { name: vm1, network: vswitch1, listen: [ tcp/8080 ] } ]
`))).topology!;
});

/** `oneVm` up on a fake for the body, then down again. */
async function withOneVm(fakeCluster: FakeCluster, runId: string, body: (fake: FakeApiServer, realized: Realized) => Promise<void>, options: { sessionTimeoutMs?: number } = {}): Promise<void> {
  const { fake, target } = await fakeCluster.harvester(options);
  const realized = await target.up(oneVm, { runId, log: quiet });
  try {
    await body(fake, realized);
  } finally {
    await realized.down();
  }
}

const userDataOf = (secret: KubeObject) => (secret.stringData as { userdata: string }).userdata;
/** The base64 lines of an OpenSSH private key that are its own (the first is the same header in every key). */
const keyLines = (privateKey: string) => privateKey.trim().split('\n').slice(2, -1);

test('cloud-init: the console user authorizes the run\'s public key, the VM gets its host key, and only the Secret holds a private key', () => {
  const credentials = { username: 'vpcheck', password: 'console-pw-1', clientKey: generateSshKeyPair(), hostKey: generateSshKeyPair() };
  const text = userData(credentials, oneVm.vms[0]!.listen);
  expect(text.startsWith('#cloud-config\n')).toBe(true);
  const config = parse(text) as { users: Record<string, unknown>[]; ssh_keys: Record<string, string>; ssh_pwauth: boolean };
  expect(config.users).toEqual([expect.objectContaining({ name: 'vpcheck', plain_text_passwd: 'console-pw-1', ssh_authorized_keys: [credentials.clientKey.publicKey] })]);
  expect(config.ssh_keys).toEqual({ ed25519_private: credentials.hostKey.privateKey, ed25519_public: credentials.hostKey.publicKey });
  expect(config.ssh_pwauth).toBe(false);
  // vpcheck's own key never leaves vpcheck: its private half is in no object.
  for (const line of keyLines(credentials.clientKey.privateKey)) expect(text).not.toContain(line);
  const rendered = render(oneVm, { runId: 'hv-ci', namespace: 'default', image: DEFAULT_IMAGE });
  const vm = rendered.objects.find((o) => o.kind === 'VirtualMachine')!;
  const secret = cloudInitSecret(vm, oneVm.name, 'hv-ci', text);
  expect(JSON.stringify(rendered.objects)).not.toContain('PRIVATE KEY');
  expect(secret.kind).toBe('Secret');
  for (const line of keyLines(credentials.hostKey.privateKey)) expect(userDataOf(secret)).toContain(line);
});

test('a VM presenting another host key than cloud-init installed: SessionError naming both fingerprints', async ({ fakeCluster }) => {
  await withOneVm(fakeCluster, 'hv-hostkey', async (fake, realized) => {
    const secret = fake.store.list({ kind: 'Secret', labelSelector: 'vpcheck/run=hv-hostkey' })[0]!;
    const config = parse(userDataOf(secret)) as { ssh_keys: { ed25519_public: string } };
    const installed = generateSshKeyPair();
    // As if the image ignored ssh_keys, or something else answered on the VM's address.
    fake.store.update({ ...secret, stringData: { userdata: `#cloud-config\n${stringify({ ...config, ssh_keys: { ed25519_private: installed.privateKey, ed25519_public: installed.publicKey } })}` } });
    const error = await realized.openSession('vm1', 'ssh').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    const expected = fingerprint(publicKeyBlob(config.ssh_keys.ed25519_public));
    expect((error as Error).message).toBe(`vm1: host key mismatch: expected ${expected}, the VM presented ${fingerprint(publicKeyBlob(installed.publicKey))}`);
    expect(fake.portForwards.accepted).toBe(1);
  });
});

test('port-forwards refused while the VMI has no interface (400) and while nothing listens (500) are retried; one SSH connection serves every command', async ({ fakeCluster }) => {
  await withOneVm(fakeCluster, 'hv-pfretry', async (fake, realized) => {
    fake.faults.portForwardNotReady = 2;
    fake.faults.portForwardRefused = 1;
    const session = await realized.openSession('vm1', 'ssh');
    expect([fake.faults.portForwardNotReady, fake.faults.portForwardRefused]).toEqual([0, 0]);
    expect(session.transport).toBe('ssh');
    const addr = await session.run('ip -4 -o addr show dev enp1s0');
    expect(addr.exitCode).toBe(0);
    expect(addr.output).toContain(`inet ${realized.vm('vm1').ip}/24`);
    // The VM's listen: port answers from inside it, over the same connection.
    expect((await session.run(`echo probe | socat -T2 - TCP:${realized.vm('vm1').ip}:8080`)).output).toBe('probe\n');
    expect(fake.portForwards.accepted).toBe(1);
    // A port nothing listens on fails as virt-api's dial does; with no time left, at once.
    const client = new KubeClient(loadKubeConfig({ kubeconfig: fake.kubeconfig }));
    const discovery = await client.call<{ resources: { name: string }[] }>({ method: 'GET', path: '/apis/subresources.kubevirt.io/v1' });
    expect(discovery.resources.map((r) => r.name)).toEqual(['virtualmachineinstances/console', 'virtualmachineinstances/portforward']);
    const closed = await openKubevirtPortForward(client, 'default', 'hv-pfretry-vm1', 9, 0).catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(SubresourceRefused);
    expect(closed).toMatchObject({ status: 500, message: expect.stringMatching(/dialing VM: dial tcp 10\.9\.0\.\d+:9: .*Connection refused/) });
  });
});

test('a port-forward still refused at the deadline is a SessionError with virt-api\'s answer', async ({ fakeCluster }) => {
  await withOneVm(fakeCluster, 'hv-pfgiveup', async (fake, realized) => {
    fake.faults.portForwardNotReady = 1000;
    const error = await realized.openSession('vm1', 'ssh').catch((e: unknown) => e);
    fake.faults.portForwardNotReady = 0;
    expect(error).toBeInstanceOf(SessionError);
    expect((error as Error).message).toBe('vm1: portforward/22/tcp of default/hv-pfgiveup-vm1: 400 no network interfaces are present');
    expect(fake.portForwards.accepted).toBe(0);
  }, { sessionTimeoutMs: 2000 });
});

test('vpcheck run --target harvester --transport ssh passes against the fake; --transport exec is refused before anything is built', async ({ fakeCluster }) => {
  const { fake } = await fakeCluster.harvester();
  const cluster = ['--target', 'harvester', '--kubeconfig', fake.kubeconfig, '--internet-ip', LAB_INTERNET];
  const exec = await runCli(['run', 'topologies/same-vpc-subnets.yaml', ...cluster, '--transport', 'exec']);
  expect(exec.code).toBe(2);
  expect(exec.err).toContain('--target harvester reaches its VMs with --transport console or ssh only (not exec)');
  expect(leftovers(fake)).toEqual([]);
  const json = tempFile('', 'ssh-run.json');
  const ssh = await runCli(['run', 'topologies/same-vpc-subnets.yaml', ...cluster, '--transport', 'ssh', '--json', json]);
  expect(ssh.code, ssh.err).toBe(0);
  expect(ssh.out).toMatch(/same-vpc-subnets: \d+ passed, 0 failed/);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  expect(result).toMatchObject({ target: 'harvester', transport: 'ssh', summary: { failed: 0, errors: 0 }, versions: FAKE_VERSIONS });
  expectGuestsObserved(result);
  expect(fake.portForwards.accepted).toBe(3);
  expect(fake.consoles.accepted).toBe(0);
});

test('a port-forward that closes mid-command is noticed at once, reopened, logged into again, and the command re-run', async ({ fakeCluster }) => {
  const { fake, target } = await fakeCluster.harvester();
  const warnings: string[] = [];
  const realized = await target.up(oneVm, { runId: 'hv-pfdrop', log: { info: () => undefined, warn: (m) => warnings.push(m) } });
  try {
    fake.faults.dropPortForwards = 1;
    const session = await realized.openSession('vm1', 'ssh');
    // Long enough to carry the byte count past the drop mark while the command runs.
    const outputs = [];
    for (let i = 0; i < 6; i++) outputs.push((await session.run(`echo ${'x'.repeat(300)} ${i} | wc -c`)).output);
    expect(outputs).toEqual(Array.from({ length: 6 }, (_, i) => `${302 + String(i).length}\n`));
    expect(fake.faults.dropPortForwards).toBe(0);
    expect(fake.portForwards.accepted).toBe(2);
    // The end of the stream, not the command timeout, is what ended the first connection.
    expect(warnings).toEqual([expect.stringMatching(/^vm1: ssh dropped during a command \(vm1: ssh connection closed during "echo x+/)]);
  } finally {
    await realized.down();
  }
});
