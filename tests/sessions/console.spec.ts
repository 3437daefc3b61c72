import { expect, test } from '@playwright/test';
import { openConsoleSession } from '../../lib/sessions/console.ts';
import { SessionError } from '../../lib/sessions/session.ts';
import { FakeConsole, type FakeVm } from './fake-console.ts';

const PASSWORD = 'S3cret-pw';
const ROUTES = { output: 'default via 10.0.0.1 dev enp1s0\n10.0.0.0/24 dev enp1s0 proto kernel scope link src 10.0.0.2', rc: 0 };
const login = { vm: 'vm1', username: 'root', password: PASSWORD, loginTimeoutMs: 5000, commandTimeoutMs: 3000 };

async function open(vm: FakeVm, options: Partial<typeof login> = {}) {
  const fake = new FakeConsole({ password: PASSWORD, ...vm });
  const session = await openConsoleSession(fake.stream, { ...login, ...options });
  return { fake, session };
}

async function failure(promise: Promise<unknown>): Promise<SessionError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SessionError);
  return err as SessionError;
}

test('logs in at the login prompt and returns output and exit status', async () => {
  const { fake, session } = await open({ commands: { 'ip route': ROUTES, false: { output: '', rc: 1 } } });
  expect(session.transport).toBe('console');
  expect(await session.run('ip route')).toMatchObject({ exitCode: 0, output: ROUTES.output });
  expect(await session.run('false')).toMatchObject({ exitCode: 1, output: '' });
  expect(fake.written.split(PASSWORD).length - 1).toBe(1);
  await session.close();
  expect(fake.written).toContain('exit\n');
});

const noisy: Record<string, FakeVm> = {
  'echo on and CR/LF': { echo: true },
  'ANSI colours, title OSC and bracketed paste': { ansi: true },
  'kernel messages in the middle of output': { kernelNoise: true },
  'one byte at a time with everything at once': { slow: true, echo: true, ansi: true, kernelNoise: true },
};
for (const [name, knobs] of Object.entries(noisy)) {
  test(`output is exact despite ${name}`, async () => {
    const pings = { output: "PING 10.0.0.3 (10.0.0.3) 56(84) bytes of data.\n64 bytes from 10.0.0.3: icmp_seq=1 ttl=64 time=0.4 ms\nit's done", rc: 0 };
    const { session } = await open({ ...knobs, commands: { 'ip route': ROUTES, "echo it's; ping -c1 10.0.0.3": pings } });
    expect(await session.run('ip route')).toMatchObject({ exitCode: 0, output: ROUTES.output });
    expect(await session.run("echo it's; ping -c1 10.0.0.3")).toMatchObject({ exitCode: 0, output: pings.output });
    await session.close();
  });
}

test('a console already at a shell prompt is used without logging in', async () => {
  const { fake, session } = await open({ loggedIn: true, ansi: true, commands: { hostname: { output: 'vm1', rc: 0 } } });
  expect((await session.run('hostname')).output).toBe('vm1');
  expect(fake.written).not.toContain(PASSWORD);
  expect(fake.written).not.toMatch(/^root\n/m);
});

test('commands sent together run one at a time, each with its own output', async () => {
  const commands = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`echo ${i}`, { output: `out ${i}`, rc: i }]));
  const { session } = await open({ slow: true, commands });
  const results = await Promise.all(Object.keys(commands).map((c) => session.run(c)));
  expect(results.map((r) => [r.output, r.exitCode])).toEqual([0, 1, 2, 3, 4].map((i) => [`out ${i}`, i]));
});

test('no login prompt: SessionError naming it, with the last screen', async () => {
  const fake = new FakeConsole({ loginPrompt: false });
  fake.show('BIOS boot...\nLoading kernel\n');
  const began = Date.now();
  const err = await failure(openConsoleSession(fake.stream, { ...login, loginTimeoutMs: 1200 }));
  expect(Date.now() - began).toBeLessThan(3000);
  expect(err.message).toMatch(/vm1: no login prompt .* within 1200 ms/);
  expect(err.transcript).toContain('Loading kernel');
});

test('wrong password: SessionError "wrong password", password never in message or transcript', async () => {
  const fake = new FakeConsole({ password: 'the-right-one', echo: true });
  const err = await failure(openConsoleSession(fake.stream, login));
  expect(err.message).toMatch(/wrong password/);
  expect(err.transcript).toContain('Login incorrect');
  expect(`${err.message}${err.transcript}${err.stack}`).not.toContain(PASSWORD);
});

test('the password is redacted even from a console that echoes it', async () => {
  const fake = new FakeConsole({ password: PASSWORD, loginPrompt: false });
  fake.show(`Password: ${PASSWORD}\n`);
  const err = await failure(openConsoleSession(fake.stream, { ...login, loginTimeoutMs: 800 }));
  expect(err.transcript).toContain('Password: ********');
  expect(err.transcript).not.toContain(PASSWORD);
});

test('a command that never returns: timeout SessionError, then the session refuses further commands', async () => {
  const { session } = await open({ commands: { 'sleep infinity': 'hang' } });
  const err = await failure(session.run('sleep infinity', { timeoutMs: 500 }));
  expect(err.message).toMatch(/vm1: no end of command "sleep infinity" within 500 ms/);
  expect(err.transcript).toContain('_S__');
  expect((await failure(session.run('true'))).message).toMatch(/console unusable/);
});

test('the console dropping mid-command: SessionError at once, not a timeout', async () => {
  const { session } = await open({ commands: { 'reboot': 'drop' } });
  const began = Date.now();
  const err = await failure(session.run('reboot', { timeoutMs: 10_000 }));
  expect(Date.now() - began).toBeLessThan(1000);
  expect(err.message).toMatch(/console stream (ended|closed)/);
  expect(err.transcript).toContain('partial out');
  await failure(session.run('true'));
});

test('control characters in a command are refused before anything is sent', async () => {
  const { fake, session } = await open({});
  const before = fake.written;
  await expect(session.run('echo a\tb')).rejects.toThrow(/control characters/);
  expect(fake.written).toBe(before);
});
