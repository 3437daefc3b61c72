// The SSH session against a real sshd in a namespace, reached through a socat relay started in
// the other namespace, as the lab reaches a VM's sshd.
import { expect } from '@playwright/test';
import { spawnStream, type ChildStream } from '../../lib/sessions/child-stream.ts';
import { SessionError } from '../../lib/sessions/session.ts';
import { openSshSession, type SshOptions } from '../../lib/sessions/ssh.ts';
import { startSshd, test, type NetnsPair, type Sshd } from '../support/netns-fixture.ts';

function relay(netns: NetnsPair, port = 22): ChildStream {
  return spawnStream('ip', ['netns', 'exec', netns.a, 'socat', 'STDIO', `TCP:${netns.ipB}:${port}`]);
}

async function connect(netns: NetnsPair, sshd: Sshd, options: Partial<SshOptions> = {}) {
  const link = relay(netns);
  const began = Date.now();
  const session = openSshSession(link.stream, { vm: 'vm-b', username: 'root', privateKey: sshd.clientKey, readyTimeoutMs: 5000, ...options });
  return { link, session, began };
}

async function refusal(promise: Promise<unknown>): Promise<SessionError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SessionError);
  return err as SessionError;
}

test('key auth, host key recorded, one connection for every command', async ({ netns }, testInfo) => {
  const sshd = await startSshd(netns, netns.b, netns.ipB);
  const { link, session: opening, began } = await connect(netns, sshd);
  const session = await opening;
  const connectMs = Date.now() - began;
  try {
    expect(session.transport).toBe('ssh');
    expect(session.hostKey.equals(sshd.hostKey)).toBe(true);
    expect(session.hostKeyFingerprint).toBe(sshd.fingerprint);
    const addr = await session.run('ip -4 -o addr show');
    expect(addr).toMatchObject({ exitCode: 0 });
    expect(addr.output).toContain(`inet ${netns.ipB}/29`);
    expect(await session.run('echo out; echo err >&2; exit 3')).toMatchObject({ exitCode: 3, output: expect.stringMatching(/^(out\nerr\n|err\nout\n)$/) });
    expect((await session.run("sh -c 'kill -KILL $$'")).exitCode).toBe(137);
    const rounds = 20;
    const t0 = Date.now();
    const sshdChildren = new Set<string>();
    for (let i = 0; i < rounds; i++) sshdChildren.add((await session.run('echo $PPID')).output);
    // One sshd session process served every exec: the connection was reused.
    expect(sshdChildren.size).toBe(1);
    testInfo.annotations.push({ type: 'measured', description: `ssh connect ${connectMs} ms; per command ${((Date.now() - t0) / rounds).toFixed(1)} ms` });
    // A second connection trusts the recorded key.
    const again = await connect(netns, sshd, { hostKey: session.hostKey });
    await (await again.session).close();
    await again.link.close();
  } finally {
    await session.close();
    await link.close();
  }
});

test('sshd refusing the key: SessionError, no key material in it', async ({ netns }) => {
  const sshd = await startSshd(netns, netns.b, netns.ipB);
  const { link, session } = await connect(netns, sshd, { privateKey: sshd.otherKey });
  try {
    const err = await refusal(session);
    expect(err.message).toBe('vm-b: ssh refused the key for user root');
    expect(`${err.message}${err.transcript}`).not.toContain('PRIVATE KEY');
  } finally {
    await link.close();
  }
});

test('a host key other than the expected one: SessionError naming both fingerprints', async ({ netns }) => {
  const sshd = await startSshd(netns, netns.b, netns.ipB);
  const expected = Buffer.from(sshd.hostKey);
  expected[expected.length - 1] ^= 1;
  const { link, session } = await connect(netns, sshd, { hostKey: expected });
  try {
    const err = await refusal(session);
    expect(err.message).toMatch(/host key mismatch/);
    expect(err.message).toContain(sshd.fingerprint);
  } finally {
    await link.close();
  }
});

test('nothing listening: the relay fails and the session says so', async ({ netns }) => {
  const sshd = await startSshd(netns, netns.b, netns.ipB);
  const link = relay(netns, 2222);
  try {
    const err = await refusal(openSshSession(link.stream, { vm: 'vm-b', username: 'root', privateKey: sshd.clientKey, readyTimeoutMs: 5000 }));
    expect(err.message).toMatch(/vm-b: ssh connection failed: (ip|socat) exited with status 1: .*Connection refused/);
  } finally {
    await link.close();
  }
});

test('the VM namespace torn down mid-command: SessionError at once, not a hang', async ({ netns }) => {
  const sshd = await startSshd(netns, netns.b, netns.ipB);
  const { link, session: opening } = await connect(netns, sshd);
  const session = await opening;
  try {
    const pending = session.run('sleep 30', { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 300));
    const began = Date.now();
    await netns.destroy(netns.b);
    const err = await refusal(pending);
    expect(Date.now() - began).toBeLessThan(3000);
    expect(err.message).toMatch(/vm-b: ssh connection closed during "sleep 30"/);
    await refusal(session.run('true'));
  } finally {
    await session.close();
    await link.close();
  }
});

test('the VM vanishing without a word (link gone, no RST): the command timeout ends the wait', async ({ netns }) => {
  const sshd = await startSshd(netns, netns.b, netns.ipB);
  const { link, session: opening } = await connect(netns, sshd);
  const session = await opening;
  try {
    await netns.cut();
    const began = Date.now();
    const err = await refusal(session.run('true', { timeoutMs: 1500 }));
    expect(err.message).toBe('vm-b: no end of command "true" within 1500 ms');
    expect(Date.now() - began).toBeLessThan(2500);
  } finally {
    await session.close();
    await link.close();
  }
});
