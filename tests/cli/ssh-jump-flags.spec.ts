// --ssh-jump and friends are checked before anything is built: exit 2 naming the flag and file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { externalHostOptions, sshJumpOptions } from '../../lib/sessions/ssh-jump-flags.ts';
import { generateSshKeyPair } from '../../lib/sessions/ssh-keys.ts';
import { runCli, tempFile } from '../support/cli.ts';

const TOPOLOGY = 'topologies/same-vpc-subnets.yaml';

test('--ssh-jump is refused where it means nothing, and its companions without it', async () => {
  for (const args of [['--target', 'lab', '--transport', 'ssh'], ['--target', 'harvester', '--transport', 'console']]) {
    const r = await runCli(['run', TOPOLOGY, ...args, '--ssh-jump', 'root@10.0.0.5']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--ssh-jump is for --target harvester --transport ssh');
  }
  const r = await runCli(['run', TOPOLOGY, '--target', 'harvester', '--transport', 'ssh', '--ssh-jump-identity', '/nonexistent']);
  expect(r.code).toBe(2);
  expect(r.err).toContain('--ssh-jump-identity needs --ssh-jump');
});

test('a bad spec, a missing identity file, a file that is no key, an encrypted key: exit 2 before any cluster work', async () => {
  const run = (...extra: string[]) => runCli(['run', TOPOLOGY, '--target', 'harvester', '--transport', 'ssh', '--kubeconfig', '/nonexistent/kubeconfig', ...extra]);
  let r = await run('--ssh-jump', 'root@');
  expect([r.code, r.err]).toEqual([2, expect.stringContaining('--ssh-jump "root@" is not [user@]host[:port]')]);
  r = await run('--ssh-jump', 'root@10.0.0.5', '--ssh-jump-identity', '/nonexistent/id');
  expect([r.code, r.err]).toEqual([2, expect.stringContaining('--ssh-jump-identity /nonexistent/id: no such file')]);
  r = await run('--ssh-jump', 'root@10.0.0.5', '--ssh-jump-identity', tempFile('not a key\n', 'not-a-key'));
  expect([r.code, r.err]).toEqual([2, expect.stringMatching(/--ssh-jump-identity \S+not-a-key: not a usable private key \(/)]);
  const dir = mkdtempSync(join(tmpdir(), 'vpcheck-jump-key-'));
  const keygen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'a passphrase', '-f', join(dir, 'id')], { encoding: 'utf8' });
  expect(keygen.status, keygen.stderr).toBe(0);
  r = await run('--ssh-jump', 'root@10.0.0.5', '--ssh-jump-identity', join(dir, 'id'));
  expect(r.code).toBe(2);
  expect(r.err).toContain('add the key to ssh-agent (ssh-add) and leave out --ssh-jump-identity');
  // None of these got as far as the kubeconfig.
  expect(r.err).not.toContain('kubeconfig');
});

test('the identity: the flag, else ssh-agent, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa; else say all three ways', () => {
  const home = mkdtempSync(join(tmpdir(), 'vpcheck-home-'));
  const flags = { sshJump: '10.0.0.5:2222' };
  expect(() => sshJumpOptions(flags, {}, home)).toThrow(/no key to log in with: give --ssh-jump-identity FILE, run an ssh-agent \(SSH_AUTH_SOCK\), or keep a key at ~\/\.ssh\/id_ed25519, id_ecdsa, id_rsa/);
  const viaAgent = sshJumpOptions(flags, { SSH_AUTH_SOCK: '/run/agent.sock', USER: 'ops' }, home)!;
  expect(viaAgent).toMatchObject({ jump: { user: 'ops', host: '10.0.0.5', port: 2222 }, agent: '/run/agent.sock', knownHosts: '', knownHostsFile: join(home, '.ssh', 'known_hosts') });
  expect(viaAgent.privateKey).toBeUndefined();
  const key = generateSshKeyPair();
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh', 'id_rsa'), key.privateKey, { mode: 0o600 });
  writeFileSync(join(home, '.ssh', 'known_hosts'), `[10.0.0.5]:2222 ${key.publicKey}\n`);
  const viaFile = sshJumpOptions(flags, { USER: 'ops' }, home)!;
  expect(viaFile.privateKey?.toString()).toBe(key.privateKey);
  expect(viaFile.knownHosts).toContain('[10.0.0.5]:2222 ssh-ed25519 ');
  // The flag wins over both.
  const other = tempFile(generateSshKeyPair().privateKey, 'flag-key');
  expect(sshJumpOptions({ ...flags, sshJumpIdentity: other }, { SSH_AUTH_SOCK: '/run/agent.sock' }, home)!.privateKey?.toString()).toContain('OPENSSH PRIVATE KEY');
  expect(sshJumpOptions({ ...flags, sshJumpIdentity: other }, { SSH_AUTH_SOCK: '/run/agent.sock' }, home)!.agent).toBeUndefined();
});

test('--external-host is for cluster targets: on the lab, exit 2 saying why', async () => {
  const r = await runCli(['run', TOPOLOGY, '--target', 'lab', '--external-host', 'ops@203.0.113.9']);
  expect([r.code, r.err]).toEqual([2, expect.stringContaining('--external-host is for cluster targets (the lab\'s external host is its own upstream host)')]);
});

test('--external-host follows the same rules under its own flag names', () => {
  const home = mkdtempSync(join(tmpdir(), 'vpcheck-home-'));
  expect(externalHostOptions({}, {}, home)).toBeUndefined();
  expect(() => externalHostOptions({ externalHostKnownHosts: '/k' }, {}, home)).toThrow('--external-host-known-hosts needs --external-host');
  expect(() => externalHostOptions({ externalHost: 'ops@' }, {}, home)).toThrow('--external-host "ops@" is not [user@]host[:port]');
  expect(() => externalHostOptions({ externalHost: '203.0.113.9' }, {}, home)).toThrow(/no key to log in with: give --external-host-identity FILE/);
  expect(() => externalHostOptions({ externalHost: '203.0.113.9', externalHostIdentity: '/nonexistent/id' }, {}, home)).toThrow('--external-host-identity /nonexistent/id: no such file');
  const key = tempFile(generateSshKeyPair().privateKey, 'external-key');
  expect(externalHostOptions({ externalHost: 'ops@203.0.113.9', externalHostIdentity: key }, {}, home)).toMatchObject({ jump: { user: 'ops', host: '203.0.113.9', port: 22 }, flag: '--external-host' });
  expect(sshJumpOptions({ sshJump: '10.0.0.5' }, { SSH_AUTH_SOCK: '/a' }, home)).toMatchObject({ flag: '--ssh-jump' });
});
