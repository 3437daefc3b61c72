// Two network namespaces joined by a veth, private to one test, deleted afterwards together with
// every process started in them. Nothing links them to the root namespace or its uplink.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test as base } from '@playwright/test';

const run = promisify(execFile);

export async function sh(file: string, ...args: string[]): Promise<string> {
  return (await run(file, args)).stdout;
}

export interface NetnsPair {
  /** The "VM" namespaces: a is 10.99.0.1/29, b is 10.99.0.2/29. */
  readonly a: string;
  readonly b: string;
  readonly ipA: string;
  readonly ipB: string;
  /** The veth ends inside a and b. */
  readonly devA: string;
  readonly devB: string;
  /** In the veth's subnet but owned by nobody: pings to it get no answer. */
  readonly unusedIp: string;
  /** Outside every route of a and b: "Network is unreachable". */
  readonly offSubnetIp: string;
  /** A scratch directory removed with the namespaces. */
  readonly dir: string;
  /** Kills the namespace's processes (all started by this test) and deletes it: the VM disappears. */
  destroy(ns: string): Promise<void>;
  /** Deletes the veth: packets vanish with no reset, as when a VM's host goes away. */
  cut(): Promise<void>;
}

async function createPair(): Promise<NetnsPair & { cleanup(): Promise<void> }> {
  const id = randomBytes(3).toString('hex');
  const a = `vpcheck-t-${id}a`;
  const b = `vpcheck-t-${id}b`;
  const dir = await mkdtemp(join(tmpdir(), 'vpcheck-t-'));
  const destroy = async (ns: string): Promise<void> => {
    const pids = await sh('ip', 'netns', 'pids', ns).catch(() => '');
    for (const pid of pids.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sh('ip', 'netns', 'del', ns).catch(() => undefined);
  };
  const cleanup = async (): Promise<void> => {
    await destroy(a);
    await destroy(b);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await sh('ip', 'netns', 'add', a);
    await sh('ip', 'netns', 'add', b);
    await sh('ip', 'link', 'add', `vpt${id}a`, 'netns', a, 'type', 'veth', 'peer', 'name', `vpt${id}b`, 'netns', b);
    for (const [ns, dev, ip] of [[a, `vpt${id}a`, '10.99.0.1/29'], [b, `vpt${id}b`, '10.99.0.2/29']] as const) {
      await sh('ip', '-n', ns, 'addr', 'add', ip, 'dev', dev);
      await sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
      await sh('ip', '-n', ns, 'link', 'set', dev, 'up');
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  const cut = async (): Promise<void> => void (await sh('ip', '-n', a, 'link', 'del', `vpt${id}a`));
  return { a, b, devA: `vpt${id}a`, devB: `vpt${id}b`, ipA: '10.99.0.1', ipB: '10.99.0.2', unusedIp: '10.99.0.5', offSubnetIp: '10.99.1.1', dir, destroy, cut, cleanup };
}

export interface Sshd {
  readonly pid: number;
  /** The client's private key (authorized) and another one (not authorized). */
  readonly clientKey: Buffer;
  readonly otherKey: Buffer;
  /** The host key blob, as ssh2 hands it to hostVerifier. */
  readonly hostKey: Buffer;
  /** `ssh-keygen -lf` of the host key: "SHA256:...". */
  readonly fingerprint: string;
}

/** sshd listening on ip:22 inside ns, root allowed by key only (toolchain-facts: UsePAM yes, StrictModes no). */
export async function startSshd(pair: NetnsPair, ns: string, ip: string): Promise<Sshd> {
  const d = pair.dir;
  for (const key of ['host', 'client', 'other']) await sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'vpcheck-test', '-f', join(d, key));
  await writeFile(join(d, 'authorized_keys'), await readFile(join(d, 'client.pub')));
  await writeFile(
    join(d, 'sshd_config'),
    [`ListenAddress ${ip}:22`, `HostKey ${d}/host`, `PidFile ${d}/sshd.pid`, `AuthorizedKeysFile ${d}/authorized_keys`,
      'PermitRootLogin prohibit-password', 'PubkeyAuthentication yes', 'PasswordAuthentication no',
      'KbdInteractiveAuthentication no', 'UsePAM yes', 'StrictModes no', ''].join('\n'),
  );
  await sh('mkdir', '-p', '/run/sshd');
  // sshd daemonizes; its pid file names it, and destroy() kills it with the namespace.
  await sh('ip', 'netns', 'exec', ns, '/usr/sbin/sshd', '-f', join(d, 'sshd_config'));
  const pid = await waitForPidFile(join(d, 'sshd.pid'));
  const pub = (await readFile(join(d, 'host.pub'), 'utf8')).split(' ');
  return {
    pid,
    clientKey: await readFile(join(d, 'client')),
    otherKey: await readFile(join(d, 'other')),
    hostKey: Buffer.from(pub[1]!, 'base64'),
    fingerprint: (await sh('ssh-keygen', '-lf', join(d, 'host.pub'))).split(' ')[1]!,
  };
}

// The daemon writes its pid file once it listens, a moment after the starting command returns.
async function waitForPidFile(file: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.trim()) return Number(text.trim());
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`sshd did not write ${file}`);
}

export const test = base.extend<{ netns: NetnsPair }>({
  netns: async ({}, use) => {
    const pair = await createPair();
    try {
      await use(pair);
    } finally {
      await pair.cleanup();
    }
  },
});
