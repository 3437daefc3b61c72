// The console session against a real terminal: agetty and a login program on a pty (`script`)
// inside a network namespace, as the lab presents a VM's serial console.
import { expect } from '@playwright/test';
import { openConsoleSession } from '../../lib/sessions/console.ts';
import { SessionError } from '../../lib/sessions/session.ts';
import { agettyConsole } from './agetty.ts';
import { test, type NetnsPair } from '../support/netns-fixture.ts';

const PASSWORD = 'pty-Secret-1';

async function loggedIn(netns: NetnsPair, options: { noise?: boolean; noEditing?: boolean; password?: string } = {}) {
  const pty = agettyConsole(netns.b, { user: 'root', password: PASSWORD, noise: options.noise, noEditing: options.noEditing });
  const began = Date.now();
  const session = await openConsoleSession(pty.stream, { vm: 'vm-b', username: 'root', password: options.password ?? PASSWORD, loginTimeoutMs: 10_000 });
  return { pty, session, loginMs: Date.now() - began };
}

test('logs in through agetty and runs commands in the VM namespace', async ({ netns }, testInfo) => {
  const { pty, session, loginMs } = await loggedIn(netns);
  try {
    const addr = await session.run('ip -4 -o addr show');
    expect(addr.exitCode).toBe(0);
    expect(addr.output).toContain(`inet ${netns.ipB}/29`);
    expect(await session.run('exit_with() { return $1; }; exit_with 7')).toMatchObject({ exitCode: 7, output: '' });
    expect((await session.run('ls /nonexistent-vpcheck')).output).toMatch(/No such file or directory\n$/);
    expect((await session.run("printf 'no newline at the end'")).output).toBe('no newline at the end');
    expect((await session.run("echo 'single' \"double $((6*7))\" \\$HOME\nsleep 0.1 &\nwait; echo two lines")).output).toBe('single double 42 $HOME\ntwo lines\n');
    // Longer than the 4095-byte line limit of a terminal in canonical mode.
    const long = `echo ${'x'.repeat(6000)} | wc -c`;
    expect((await session.run(long)).output.trim()).toBe('6001');
    const rounds = 30;
    const began = Date.now();
    for (let i = 0; i < rounds; i++) expect((await session.run(`echo ${i}`)).output).toBe(`${i}\n`);
    const perCommandMs = (Date.now() - began) / rounds;
    // A figure for the report, not a verdict: speed is bench:run's business.
    testInfo.annotations.push({ type: 'measured', description: `console login ${loginMs} ms; per command ${perCommandMs.toFixed(1)} ms` });
  } finally {
    await session.close();
    await pty.close();
  }
});

// The terminal is in canonical mode whenever the shell is not in readline: between commands (the
// window in which the flake above hit) and always for a shell without line editing.
test('commands longer than the terminal keeps of a line reach a shell reading in canonical mode whole', async ({ netns }) => {
  const { pty, session } = await loggedIn(netns, { noEditing: true });
  try {
    expect((await session.run(`echo ${'x'.repeat(6000)} | wc -c`)).output).toBe('6001\n');
    // Far more than the terminal buffers: the lines wait for the shell instead of being dropped.
    const text = Array.from({ length: 400 }, (_, i) => `${i} 'quoted' "double" é ${'y'.repeat(i % 90)}`).join('\n');
    const command = `cat <<'EOF'\n${text}\nEOF`;
    expect((await session.run(command)).output).toBe(`${text}\n`);
    expect((await session.run('echo short')).output).toBe('short\n');
  } finally {
    await session.close();
    await pty.close();
  }
});

test('kernel lines written to the terminal mid-output do not reach the command output', async ({ netns }) => {
  const { pty, session } = await loggedIn(netns, { noise: true });
  try {
    // The writer prints a kernel line every 10 ms: a quiet command sees about 20 of them.
    expect(await session.run('sleep 0.2')).toMatchObject({ exitCode: 0, output: '' });
    const expected = Array.from({ length: 2000 }, (_, i) => `${i + 1}`).join('\n') + '\n';
    for (let i = 0; i < 3; i++) {
      const result = await session.run('for i in $(seq 1 2000); do echo $i; [ $((i % 50)) = 0 ] && sleep 0.01; done');
      expect(result.output).toBe(expected);
    }
  } finally {
    await session.close();
    await pty.close();
  }
});

test('a wrong password on a real login gives SessionError "wrong password"', async ({ netns }) => {
  const pty = agettyConsole(netns.b, { user: 'root', password: PASSWORD });
  try {
    const err = await openConsoleSession(pty.stream, { vm: 'vm-b', username: 'root', password: 'not-it', loginTimeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionError);
    expect((err as SessionError).message).toMatch(/wrong password/);
    expect((err as SessionError).transcript).toContain('Login incorrect');
  } finally {
    await pty.close();
  }
});

test('the VM namespace torn down mid-command: SessionError at once, not a hang', async ({ netns }) => {
  const { pty, session } = await loggedIn(netns);
  try {
    const pending = session.run('sleep 30', { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 300));
    const began = Date.now();
    await netns.destroy(netns.b);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionError);
    expect((err as SessionError).message).toMatch(/console stream (ended|closed|failed)/);
    expect(Date.now() - began).toBeLessThan(3000);
    await expect(session.run('true')).rejects.toBeInstanceOf(SessionError);
  } finally {
    await session.close();
    await pty.close();
  }
});
