// Probes run for real from one namespace to the other: every outcome read from real tools.
import { spawn } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { buildControl, parseControl, type ControlObservation, type ControlSpec } from '../../lib/probes/control.ts';
import { runProbes, type ProbedCell } from '../../lib/probes/runner.ts';
import { DEFAULT_SETTINGS, STOCK_TOOLS, type Destination, type ProbeJob, type Tools } from '../../lib/probes/types.ts';
import { openConsoleSession } from '../../lib/sessions/console.ts';
import { SessionError, type Session } from '../../lib/sessions/session.ts';
import { sh, test, type NetnsPair } from '../support/netns-fixture.ts';
import { agettyConsole } from '../sessions/agetty.ts';
import { netnsSession } from './netns-session.ts';

function destinations(n: NetnsPair): Destination[] {
  return [
    { id: 'reply', ip: n.ipB, probe: 'icmp' },
    { id: 'silent', ip: n.unusedIp, probe: 'icmp' },
    { id: 'noroute', ip: n.offSubnetIp, probe: 'icmp' },
    { id: 'open', ip: n.ipB, probe: 'tcp', port: 8080 },
    { id: 'closed', ip: n.ipB, probe: 'tcp', port: 23 },
    { id: 'tcp-noroute', ip: n.offSubnetIp, probe: 'tcp', port: 80 },
  ];
}

const EXPECTED = { reply: 'reachable', silent: 'timeout', noroute: 'network-unreachable', open: 'reachable', closed: 'refused', 'tcp-noroute': 'network-unreachable' };

function outcomes(cells: readonly ProbedCell[]): Record<string, string> {
  return Object.fromEntries(cells.map((c) => [c.destination.id, c.observed.outcome]));
}

async function listen(n: NetnsPair): Promise<void> {
  const listener = spawn('ip', ['netns', 'exec', n.b, 'socat', '-u', 'TCP-LISTEN:8080,fork,reuseaddr', 'OPEN:/dev/null'], { stdio: 'ignore' });
  // destroy() at teardown kills it with the namespace; wait until it accepts.
  for (let i = 0; i < 50 && !(await sh('ip', 'netns', 'exec', n.b, 'ss', '-ltn')).includes(':8080'); i++) await new Promise((r) => setTimeout(r, 20));
  expect(listener.pid).toBeGreaterThan(0);
}

const job = (vm: string, n: NetnsPair, tools: Tools = STOCK_TOOLS): Map<string, ProbeJob> => new Map([[vm, { vm, tools, destinations: destinations(n) }]]);

/** The VM's positive control, as the run engine runs it before probing. */
async function control(session: Session, spec: ControlSpec = {}): Promise<ControlObservation> {
  const c = buildControl(spec);
  return parseControl(c, (await session.run(c.command, { timeoutMs: 30_000 })).output);
}

for (const [name, path] of [['with fping and timeout', process.env.PATH!], ['with ping and nc only', 'nc-only']] as const) {
  test(`every outcome from real tools, ${name}`, async ({ netns }) => {
    await listen(netns);
    let env = process.env;
    if (path === 'nc-only') {
      const bin = join(netns.dir, 'bin');
      await mkdir(bin);
      for (const tool of ['bash', 'ping', 'nc', 'ip']) await symlink(`/usr/bin/${tool}`, join(bin, tool)).catch(() => symlink(`/bin/${tool}`, join(bin, tool)));
      env = { ...process.env, PATH: bin };
    }
    const session = netnsSession(netns.a, env);
    const seen = await control(session, { gateway: netns.ipB });
    expect(seen).toMatchObject({ ok: true, tools: { fping: path !== 'nc-only', timeout: path !== 'nc-only', nc: true } });
    const cells = await runProbes(async () => session, job('vm-a', netns, seen.tools), { concurrency: 4 });
    expect(outcomes(cells)).toEqual(EXPECTED);
    const reply = cells.find((c) => c.destination.id === 'reply')!;
    expect(reply.observed.rttMs).toBeGreaterThan(0);
    expect(reply.observed.command).toContain(path === 'nc-only' ? 'nc -z' : 'fping');
    expect(reply.tries).toHaveLength(1);
  });
}

test('no ping in the VM: icmp cells are error, never timeout, and the gateway control fails', async ({ netns }) => {
  const bin = join(netns.dir, 'bin');
  await mkdir(bin);
  for (const tool of ['bash', 'timeout', 'ip']) await symlink(`/usr/bin/${tool}`, join(bin, tool)).catch(() => symlink(`/bin/${tool}`, join(bin, tool)));
  const session = netnsSession(netns.a, { ...process.env, PATH: bin });
  const seen = await control(session, { gateway: netns.ipB });
  expect(seen).toMatchObject({ ok: false, answered: true, tools: { ping: false, timeout: true } });
  expect(seen.reason).toMatch(/positive control failed: no reply from gateway 10\.99\.0\.2/);
  const cells = await runProbes(async () => session, job('vm-a', netns, seen.tools), { concurrency: 1 });
  const reply = cells.find((c) => c.destination.id === 'reply')!.observed;
  expect(reply).toMatchObject({ outcome: 'error', note: 'ping is not installed' });
  expect(reply.raw).toContain('ping: command not found');
  expect(cells.find((c) => c.destination.id === 'closed')!.observed.outcome).toBe('refused');
});

test('the control sees a listener and the address on the NIC', async ({ netns }) => {
  await listen(netns);
  const seen = await control(netnsSession(netns.b), { address: { ip: netns.ipB, nic: netns.devB }, listen: [8080, 23] });
  expect(seen).toMatchObject({ ok: true, listening: [8080] });
  const elsewhere = await control(netnsSession(netns.b), { address: { ip: netns.ipA, nic: netns.devB } });
  expect(elsewhere.ok).toBe(false);
  expect(elsewhere.reason).toContain(`${netns.ipA} is not on ${netns.devB}`);
});

test('a VM whose session fails gets error cells with the reason; the others are still probed', async ({ netns }) => {
  const sessions = async (vm: string): Promise<Session> => {
    if (vm === 'vm-gone') throw new SessionError('vm-gone: no login prompt on the console within 100 ms');
    return netnsSession(netns.a);
  };
  const jobs = new Map([...job('vm-a', netns), ...job('vm-gone', netns)]);
  const cells = await runProbes(sessions, jobs, { concurrency: 2 });
  expect(outcomes(cells.filter((c) => c.vm === 'vm-a'))).toMatchObject({ reply: 'reachable', closed: 'refused' });
  const gone = cells.filter((c) => c.vm === 'vm-gone');
  expect(gone).toHaveLength(6);
  for (const c of gone) expect(c.observed).toMatchObject({ outcome: 'error', note: 'session: vm-gone: no login prompt on the console within 100 ms' });
});

test('cells the caller wants re-probed get bounded extra tries, each recorded', async ({ netns }) => {
  const session = netnsSession(netns.a);
  const retried: string[] = [];
  const cells = await runProbes(async () => session, job('vm-a', netns), {
    concurrency: 1,
    maxTries: 3,
    retry: (cell) => (retried.push(cell.destination.id), cell.observed.outcome === 'timeout'),
  });
  const silent = cells.find((c) => c.destination.id === 'silent')!;
  expect(silent.tries.map((t) => t.outcome)).toEqual(['timeout', 'timeout', 'timeout']);
  expect(silent.tries[1]!.startedAt).toBeGreaterThan(silent.tries[0]!.startedAt);
  expect(cells.find((c) => c.destination.id === 'reply')!.tries).toHaveLength(1);
  expect(retried.filter((id) => id === 'silent')).toHaveLength(2);
});

test('fan-out of 100 destinations from one VM over its console', async ({ netns }, testInfo) => {
  // 100 addresses on b's side, on-link for a: 10.99.2.1-100.
  const batch = Array.from({ length: 100 }, (_, i) => `address add 10.99.2.${i + 1}/24 dev ${netns.devB}`).join('\n');
  await sh('bash', '-c', `printf '%s\\n' "${batch}" | ip -n ${netns.b} -batch -`);
  await sh('ip', '-n', netns.a, 'route', 'add', '10.99.2.0/24', 'dev', netns.devA);
  const many: Destination[] = Array.from({ length: 100 }, (_, i) => ({ id: `d${i}`, ip: `10.99.2.${i + 1}`, probe: 'icmp' }));
  const pty = agettyConsole(netns.a, { user: 'root', password: 'bench-pw' });
  try {
    const t0 = Date.now();
    const session = await openConsoleSession(pty.stream, { vm: 'vm-a', username: 'root', password: 'bench-pw' });
    const loginMs = Date.now() - t0;
    const { tools } = await control(session);
    const timings: string[] = [`console login ${loginMs} ms`];
    for (const fping of [true, false]) {
      const settings = { ...DEFAULT_SETTINGS, fpingFrom: fping ? 2 : Infinity };
      const began = Date.now();
      const cells = await runProbes(async () => session, new Map([['vm-a', { vm: 'vm-a', tools, destinations: many }]]), { concurrency: 1, settings });
      timings.push(`${fping ? 'fping' : 'ping per destination'}: ${Date.now() - began} ms (fan-out)`);
      expect(cells.filter((c) => c.observed.outcome === 'reachable')).toHaveLength(100);
    }
    const floor = Date.now();
    await sh('ip', 'netns', 'exec', netns.a, 'fping', '-e', '-r', '0', '-t', '1000', '-i', '1', ...many.map((d) => d.ip));
    timings.push(`fping run directly in the namespace: ${Date.now() - floor} ms`);
    testInfo.annotations.push({ type: 'measured', description: timings.join('; ') });
    await session.close();
  } finally {
    await pty.close();
  }
});
