// Outage windows for real: pingers started and stopped by the commands the runner sends, between
// two namespaces, with an outage of known length made by dropping ICMP in the destination.
import { existsSync } from 'node:fs';
import { expect } from '@playwright/test';
import { parseOutage, parseOutageStart, startOutageCommand, stopOutageCommand } from '../../lib/probes/outage.ts';
import { sh, test } from '../support/netns-fixture.ts';
import { netnsSession } from './netns-session.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a path that stays up has only the ping interval between replies; a silent one is not up at the start', async ({ netns }) => {
  const session = netnsSession(netns.a);
  const token = `t-${netns.a}`;
  const started = await session.run(startOutageCommand(token, [{ id: 'up', ip: netns.ipB }, { id: 'silent', ip: netns.unusedIp }]));
  expect([...parseOutageStart(started.output)]).toEqual(['up']);
  await sleep(500);
  const readings = parseOutage((await session.run(stopOutageCommand(token))).output);
  const up = readings.get('up')!;
  expect(up.received).toBeGreaterThan(5);
  expect(up.sent - up.received).toBeLessThanOrEqual(1);
  // 10 ms apart; a loaded 2-core machine stretches that, never to a quarter second.
  expect(up.longestGapMs).toBeLessThan(250);
  expect(up.firstReplyMs).toBeDefined();
  const silent = readings.get('silent')!;
  expect(silent.received).toBe(0);
  expect(silent.firstReplyMs).toBeUndefined();
  expect(silent.longestGapMs).toBeGreaterThanOrEqual(500);
  expect(existsSync(`/tmp/vpcheck-outage-${token}`)).toBe(false);
  // The pingers are gone: nothing of theirs is left running in the namespace.
  expect((await sh('ip', 'netns', 'pids', netns.a)).trim()).toBe('');
});

test('dropping ICMP for 600 ms in the destination shows as a gap of about that length, with the packets lost', async ({ netns }) => {
  const session = netnsSession(netns.a);
  const token = `t-${netns.a}`;
  expect([...parseOutageStart((await session.run(startOutageCommand(token, [{ id: 'd0', ip: netns.ipB }]))).output)]).toEqual(['d0']);
  await sleep(300);
  await sh('ip', 'netns', 'exec', netns.b, 'iptables', '-I', 'INPUT', '-p', 'icmp', '-j', 'DROP');
  await sleep(600);
  await sh('ip', 'netns', 'exec', netns.b, 'iptables', '-D', 'INPUT', '-p', 'icmp', '-j', 'DROP');
  await sleep(400);
  const r = parseOutage((await session.run(stopOutageCommand(token))).output).get('d0')!;
  expect(r.longestGapMs).toBeGreaterThanOrEqual(550);
  expect(r.longestGapMs).toBeLessThan(2000);
  expect(r.sent - r.received).toBeGreaterThanOrEqual(10);
  // Replies came back after the drop ended: the gap is not the window's tail.
  expect(r.sinceLastReplyMs!).toBeLessThan(r.longestGapMs);
});

test('the summary line parser reads only complete lines; ids and addresses are checked before any command is built', () => {
  const out = 'noise\nVPCHECK-OUTAGE d0 120 118 34 12 8\r\nVPCHECK-OUTAGE d1 50 0 612 - -\nVPCHECK-OUTAGE d2 12\n';
  expect(parseOutage(out)).toEqual(new Map([
    ['d0', { id: 'd0', sent: 120, received: 118, longestGapMs: 34, firstReplyMs: 12, sinceLastReplyMs: 8 }],
    ['d1', { id: 'd1', sent: 50, received: 0, longestGapMs: 612 }],
  ]));
  expect(() => startOutageCommand('ok', [{ id: 'a;b', ip: '10.0.0.1' }])).toThrow(/may hold only/);
  expect(() => startOutageCommand('ok', [{ id: 'a', ip: '10.0.0.1; rm -rf /' }])).toThrow(/not an IPv4 address/);
  expect(() => stopOutageCommand('../x')).toThrow(/may hold only/);
});
