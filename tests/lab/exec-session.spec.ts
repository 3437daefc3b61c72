// The lab's exec transport: one shell per VM namespace that runs every command of the session.
import { expect } from '@playwright/test';
import { SessionError } from '../../lib/sessions/session.ts';
import { ExecSession } from '../../lib/targets/lab/exec-session.ts';
import { sh, test } from '../support/netns-fixture.ts';

/** Pids of the namespace's processes. */
const pidsIn = async (ns: string) => (await sh('ip', 'netns', 'pids', ns)).split(/\s+/).filter(Boolean);

test('commands run in the namespace with their exit status and exact output, stdout and stderr together', async ({ netns }) => {
  const s = new ExecSession('vm-a', netns.a);
  try {
    const addr = await s.run('ip -4 -o addr show');
    expect(addr.exitCode).toBe(0);
    expect(addr.output).toContain(`inet ${netns.ipA}/29`);
    expect(await s.run("printf 'no newline'; echo err >&2; exit 3")).toMatchObject({ exitCode: 3, output: 'no newline' + 'err\n' });
    expect((await s.run('printf "two\\n\\n"')).output).toBe('two\n\n');
    expect((await s.run('true')).output).toBe('');
    // A command that reads input gets none (the session's own stream is not its stdin).
    expect(await s.run('cat; echo read-done')).toMatchObject({ exitCode: 0, output: 'read-done\n' });
    // A line that looks like the end marker without the session's nonce is output like any other.
    expect((await s.run("printf '\\nVPCHECK-END-000000000000 0\\nafter\\n'")).output).toBe('\nVPCHECK-END-000000000000 0\nafter\n');
  } finally {
    await s.close();
  }
});

test('one shell serves every command: exit, cd and variables in one command leave the next as it was', async ({ netns }) => {
  const s = new ExecSession('vm-a', netns.a);
  try {
    const before = await pidsIn(netns.a);
    await s.run('cd /tmp; X=1; exit 7');
    const shells = (await pidsIn(netns.a)).filter((p) => !before.includes(p));
    expect(shells).toHaveLength(1);
    expect((await s.run('pwd; echo "x=$X"')).output).toBe(`${process.cwd()}\nx=\n`);
    // Commands sent at once run one after the other, each with its own answer.
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => s.run(`echo ${i}; exit ${i % 3}`)));
    expect(all.map((r) => [r.output, r.exitCode])).toEqual(Array.from({ length: 20 }, (_, i) => [`${i}\n`, i % 3]));
    expect((await pidsIn(netns.a)).filter((p) => !before.includes(p))).toEqual(shells);
  } finally {
    await s.close();
  }
  expect(await pidsIn(netns.a)).toEqual([]);
});

test('a command past its timeout is a SessionError, its children end, and the next command gets a new shell', async ({ netns }) => {
  const s = new ExecSession('vm-a', netns.a);
  try {
    const error = await s.run('echo started; sleep 30 & sleep 30', { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toMatchObject({ message: 'vm-a: command timed out after 500 ms', transcript: 'started\n' });
    await expect.poll(() => pidsIn(netns.a)).toEqual([]);
    expect(await s.run('echo again')).toMatchObject({ exitCode: 0, output: 'again\n' });
  } finally {
    await s.close();
  }
});

test('the shell killed under a command (the VM gone) is a SessionError, not a hang', async ({ netns }) => {
  const s = new ExecSession('vm-a', netns.a);
  try {
    await s.run('true');
    const pending = s.run('sleep 30').catch((e: unknown) => e);
    await expect.poll(async () => (await pidsIn(netns.a)).length).toBeGreaterThanOrEqual(2);
    await netns.destroy(netns.a);
    const error = await pending;
    expect(error).toBeInstanceOf(SessionError);
    expect((error as Error).message).toMatch(/^vm-a: could not run the command: the shell (was killed by SIGKILL|exited with \d+)$/);
  } finally {
    await s.close();
  }
});

test('a namespace that does not exist is a SessionError naming why', async () => {
  const s = new ExecSession('vm-x', 'vpcheck-t-no-such-namespace');
  const error = await s.run('true').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SessionError);
  expect((error as SessionError).message).toMatch(/^vm-x: could not run the command: the shell exited with \d+$/);
  expect((error as SessionError).transcript).toContain('vpcheck-t-no-such-namespace');
  await s.close();
});
