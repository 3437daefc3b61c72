// --transport ssh --ssh-jump on the Harvester target: the VMs' own sshd reached through a real
// OpenSSH jump host (tests/support/bastion.ts) on the VPC, not through KubeVirt's port-forward;
// the jump host's key checked against known_hosts; its failures named, and a dropped jump
// connection survived.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { test, type FakeCluster } from '../support/fake-cluster.ts';
import { parseJumpHost } from '../../lib/sessions/ssh-jump.ts';
import { SessionError } from '../../lib/sessions/session.ts';
import { generateSshKeyPair } from '../../lib/sessions/ssh-keys.ts';
import { sshJumpOptions, type SshJumpFlags } from '../../lib/sessions/ssh-jump-flags.ts';
import type { HarvesterTarget } from '../../lib/targets/harvester/harvester-target.ts';
import type { Realized } from '../../lib/targets/target.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import type { Topology } from '../../lib/topology/types.ts';
import { Bastion } from '../support/bastion.ts';
import { runCli, tempFile } from '../support/cli.ts';
import type { FakeApiServer } from '../support/fake-apiserver/index.ts';
import { LAB_INTERNET } from './support.ts';

const quiet = { info: () => undefined, warn: () => undefined };

// A custom VPC: the overlay a runner cannot route to, which is why a jump host is needed.
const BEHIND_JUMP = `apiVersion: vpcheck/v1
kind: Topology
name: behind-jump
networks: [ { name: vswitch1 } ]
vpcs: [ { name: vpc-a, cidr: 10.20.0.0/16 } ]
subnets: [ { name: subnet1, vpc: vpc-a, cidrBlock: 10.20.1.0/24, provider: vswitch1 } ]
vms:
  - { name: bastion, network: vswitch1 }
  - { name: vm1, network: vswitch1 }
  - { name: vm2, network: vswitch1 }
probes: { mesh: true, internet: false }
`;
let topology: Topology;
let file: string;

test.beforeAll(async () => {
  file = tempFile(BEHIND_JUMP);
  topology = (await loadTopologyFile(file)).topology!;
});

/** A bastion, a fake (VMs' sshd up at boot unless told) and a target given the `flags` for it. */
async function withBastion(fakeCluster: FakeCluster, flags: (bastion: Bastion, spec: string) => SshJumpFlags, body: (fake: FakeApiServer, bastion: Bastion, target: HarvesterTarget) => Promise<void>, { sessionTimeoutMs = 30_000, sshdAtBoot = true, env = {} as NodeJS.ProcessEnv } = {}): Promise<void> {
  const bastion = new Bastion('bastion');
  try {
    const spec = await bastion.start();
    const sshJump = sshJumpOptions(flags(bastion, spec), env)!;
    const { fake, target } = await fakeCluster.harvester({ sessionTimeoutMs, sshJump }, { sshdAtBoot });
    bastion.attach(fake);
    await body(fake, bastion, target);
  } finally {
    await bastion.close();
  }
}

const asUser = (b: Bastion, spec: string) => ({ sshJump: spec, sshJumpIdentity: b.identityFile, sshJumpKnownHosts: b.knownHostsFile });

test('vpcheck run --transport ssh --ssh-jump: every VM through one jump connection, no port-forward, all cells as the model says', async ({ fakeCluster }) => {
  const { fake } = await fakeCluster.harvester({}, { sshdAtBoot: true });
  const bastion = new Bastion('bastion');
  bastion.attach(fake);
  const spec = await bastion.start();
  try {
    const json = tempFile('', 'jump-run.json');
    const r = await runCli(['run', file, '--target', 'harvester', '--transport', 'ssh', '--kubeconfig', fake.kubeconfig, '--internet-ip', LAB_INTERNET,
      '--ssh-jump', spec, '--ssh-jump-identity', bastion.identityFile, '--ssh-jump-known-hosts', bastion.knownHostsFile, '--json', json]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/behind-jump: 6 passed, 0 failed — run \S+ on harvester over ssh/);
    // One SSH connection to the jump host carried all three VMs' sessions; KubeVirt was not asked.
    expect(bastion.accepted).toBe(1);
    expect(fake.portForwards.accepted).toBe(0);
  } finally {
    await bastion.close();
  }
});

test('the VM behind the jump host is the one cloud-init keyed: its host key is checked, commands run on it', async ({ fakeCluster }) => {
  await withBastion(fakeCluster, asUser, async (_fake, _bastion, target) => {
    const realized: Realized = await target.up(topology, { runId: 'hv-jump-a', log: quiet });
    try {
      const session = await realized.openSession('vm2', 'ssh');
      const addr = await session.run('ip -4 -o addr show dev enp1s0');
      expect(addr.output).toContain(`inet ${realized.vm('vm2').ip}/24`);
      expect((await session.run('exit_with() { return $1; }; exit_with 4')).exitCode).toBe(4);
    } finally {
      await realized.down();
    }
  });
});

test('a jump host missing from known_hosts, or presenting another key, is refused at once with its fingerprint and what to do', async ({ fakeCluster }) => {
  const other = generateSshKeyPair();
  await withBastion(fakeCluster, (b, spec) => ({ ...asUser(b, spec), sshJumpKnownHosts: tempFile(`# nothing for it\nexample.org ${b.hostKey.publicKey}\n`, 'kh-unknown') }), async (_fake, bastion, target) => {
    const realized = await target.up(topology, { runId: 'hv-jump-b', log: quiet });
    try {
      const err = await realized.openSession('vm1', 'ssh').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SessionError);
      expect((err as SessionError).refused).toBe(true);
      expect((err as Error).message).toContain(`jump host root@[127.0.0.1]:${bastion.port}: [127.0.0.1]:${bastion.port} is not in`);
      expect((err as Error).message).toMatch(/presented ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}\); check that fingerprint, then add the host: ssh-keyscan -p \d+ 127\.0\.0\.1 >> /);
      // Refused, not retried: one connection to the jump host.
      expect(bastion.accepted).toBe(1);
    } finally {
      await realized.down();
    }
  });
  await withBastion(fakeCluster, (b, spec) => {
    writeFileSync(b.knownHostsFile, `[127.0.0.1]:${b.port} ${other.publicKey}\n`);
    return asUser(b, spec);
  }, async (_fake, _bastion, target) => {
    const realized = await target.up(topology, { runId: 'hv-jump-c', log: quiet });
    try {
      const err = await realized.openSession('vm1', 'ssh').catch((e: unknown) => e);
      expect((err as SessionError).refused).toBe(true);
      expect((err as Error).message).toMatch(/presented ssh-ed25519 SHA256:\S+, which .* does not list for \[127\.0\.0\.1\]:\d+: its host key changed, or someone is in between/);
    } finally {
      await realized.down();
    }
  });
});

test('a key the jump host does not accept: refused, naming the user', async ({ fakeCluster }) => {
  const stranger = tempFile(generateSshKeyPair().privateKey, 'stranger-key');
  await withBastion(fakeCluster, (b, spec) => ({ ...asUser(b, spec), sshJumpIdentity: stranger }), async (_fake, _bastion, target) => {
    const realized = await target.up(topology, { runId: 'hv-jump-d', log: quiet });
    try {
      const err = await realized.openSession('vm1', 'ssh').catch((e: unknown) => e);
      expect((err as SessionError).refused).toBe(true);
      expect((err as Error).message).toContain('refused the key of user root');
    } finally {
      await realized.down();
    }
  });
});

test('VMs whose sshd never answers: the jump host\'s reason, after retrying for the ready timeout, and not a refusal', async ({ fakeCluster }) => {
  // Without sshd at boot the fake starts a VM's sshd only for a port-forward, which never comes.
  await withBastion(fakeCluster, asUser, async (_fake, _bastion, target) => {
    const realized = await target.up(topology, { runId: 'hv-jump-e', log: quiet });
    try {
      const err = await realized.openSession('vm1', 'ssh').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SessionError);
      expect((err as SessionError).refused).toBe(false);
      expect((err as Error).message).toMatch(new RegExp(`^vm1: jump host root@\\[127\\.0\\.0\\.1\\]:\\d+ could not open a connection to ${realized.vm('vm1').ip.replace(/\./g, '\\.')}:22 within 3 s: .*(refused|failed)`, 'i'));
    } finally {
      await realized.down();
    }
  }, { sessionTimeoutMs: 3000, sshdAtBoot: false });
});

test('the key in a real ssh-agent, no identity file: the jump host lets vpcheck in', async ({ fakeCluster }) => {
  const dir = mkdtempSync(join(tmpdir(), 'vpcheck-agent-'));
  const socket = join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 200 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 10));
    const env = { SSH_AUTH_SOCK: socket };
    await withBastion(fakeCluster, (b, spec) => {
      const added = spawnSync('ssh-add', [b.identityFile], { env: { ...process.env, ...env }, encoding: 'utf8' });
      expect(added.status, added.stderr).toBe(0);
      return { sshJump: spec, sshJumpKnownHosts: b.knownHostsFile };
    }, async (_fake, _bastion, target) => {
      const realized = await target.up(topology, { runId: 'hv-jump-g', log: quiet });
      try {
        const session = await realized.openSession('vm1', 'ssh');
        expect((await session.run('echo through the agent')).output).toBe('through the agent\n');
      } finally {
        await realized.down();
      }
    }, { env });
  } finally {
    agent.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a jump connection that drops mid-run: the session reconnects through a new one and the command runs', async ({ fakeCluster }) => {
  await withBastion(fakeCluster, asUser, async (_fake, bastion, target) => {
    const realized = await target.up(topology, { runId: 'hv-jump-f', log: quiet });
    try {
      const session = await realized.openSession('vm1', 'ssh');
      expect((await session.run('echo before')).output).toBe('before\n');
      const pending = session.run('sleep 1; echo after');
      await new Promise((r) => setTimeout(r, 300));
      bastion.dropConnections();
      expect((await pending).output).toBe('after\n');
      expect(bastion.accepted).toBe(2);
    } finally {
      await realized.down();
    }
  });
});

test('--ssh-jump specs as ssh -J takes them', () => {
  expect(parseJumpHost('admin@10.0.0.5:2222', 'me')).toEqual({ user: 'admin', host: '10.0.0.5', port: 2222 });
  expect(parseJumpHost('bastion.lab', 'me')).toEqual({ user: 'me', host: 'bastion.lab', port: 22 });
  expect(parseJumpHost('root@[fd00::1]:22', 'me')).toEqual({ user: 'root', host: 'fd00::1', port: 22 });
  for (const bad of ['', 'root@', 'host:0', 'host:99999', 'a b', 'fd00::1', 'user@host:port']) expect(() => parseJumpHost(bad, 'me'), bad).toThrow(/is not \[user@\]host\[:port\]/);
});
