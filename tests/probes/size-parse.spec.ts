// The mtu and bulk probes' readings of real fan-out output, captured on the lab (fixtures/): VM b
// behind an OVS-side veth of MTU 1400 (a black hole for frames over 1400 bytes; ovs-vswitchd logs
// "Message too long" and drops them), VM c healthy, VM d with guest MTU 1400, 10.77.0.99 owned by
// nobody, 10.78.0.1 off every route. Both echo services are socat ... EXEC:cat on tcp/7000.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { bulkWaitSec, classifyBulk, classifyTransfer } from '../../lib/probes/bulk.ts';
import { buildFanout, fanoutDurationSec } from '../../lib/probes/fanout.ts';
import { largestPassing } from '../../lib/probes/mtu.ts';
import { parseFanout, readReplies } from '../../lib/probes/parse.ts';
import { DEFAULT_SETTINGS, type Destination } from '../../lib/probes/types.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', `${name}.txt`), 'utf8');
const mtu = (id: string, ip: string, size = 1472): Destination => ({ id, ip, probe: 'mtu', size });
const bulk = (id: string, ip: string, port: number, size: number): Destination => ({ id, ip, probe: 'bulk', port, size });

test('mtu: a black hole times out beside its answered control and bisects to 1372; what fits passes', () => {
  const seen = parseFanout(fixture('mtu-a'), [
    mtu('blackhole', '10.77.0.3'), mtu('fits', '10.77.0.3', 1372), mtu('healthy', '10.77.0.4'), mtu('nobody', '10.77.0.99'), mtu('noroute', '10.78.0.1'),
  ]);
  expect(seen.get('blackhole')).toMatchObject({ outcome: 'timeout', control: 'reachable', largestPayload: 1372, loss: 100 });
  expect(seen.get('blackhole')!.raw).toContain('-- bisection: tried 764+ 1118+ 1295+ 1383- 1339+ 1361+ 1372+ 1377- 1374- 1373-');
  expect(seen.get('fits')).toMatchObject({ outcome: 'reachable', control: 'reachable' });
  expect(seen.get('fits')!.rttMs).toBeGreaterThan(0);
  expect(seen.get('fits')!.largestPayload).toBeUndefined();
  expect(seen.get('healthy')).toMatchObject({ outcome: 'reachable', control: 'reachable' });
  // Silence from an address nobody holds: the small ping is silent too, so it is no size verdict.
  // The small ping got nothing either: the path failed; the judge decides what that proves.
  expect(seen.get('nobody')).toMatchObject({ outcome: 'timeout', control: 'timeout' });
  expect(seen.get('nobody')!.note).toContain('the 56-byte control ping got timeout too: the path failed, not only this size');
  expect(seen.get('noroute')).toMatchObject({ outcome: 'network-unreachable' });
});

test('mtu: a sender whose own MTU is 1400 refuses 1472 locally, and finds 1372 in one step', () => {
  const seen = parseFanout(fixture('mtu-d'), [mtu('toolong', '10.77.0.4')]).get('toolong')!;
  expect(seen).toMatchObject({ outcome: 'message-too-long', note: "the sender's MTU is 1400", control: 'reachable', largestPayload: 1372 });
  expect(seen.raw).toContain('ping: local error: message too long, mtu=1400');
  // The sender's MTU names its largest payload: one step confirms it, one byte more is refused locally.
  expect(seen.raw).toContain('-- bisection: tried 1372+');
});

test("mtu: a ping that cannot set Don't Fragment (busybox's) is an error that says so, never a verdict", () => {
  // busybox 1.35's own words (Debian 12), the usage that follows cut short.
  const busybox = ["ping: invalid option -- 'M'", 'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.', '', 'Usage: ping [OPTIONS] HOST'];
  const tagged = (id: string) => `${busybox.map((l) => `VPCHECK+ ${id} ${l}`).join('\n')}\nVPCHECK ${id} 1\n`;
  const seen = parseFanout(tagged('m:ctl') + tagged('m'), [mtu('m', '10.77.0.4')]).get('m')!;
  expect(seen).toMatchObject({ outcome: 'error', note: "this ping cannot set Don't Fragment (-M do): the mtu probe needs iputils ping" });
});

test('mtu: the bisection line reads to the largest size that passed, the control size when none did', () => {
  const replies = (line: string) => readReplies(`VPCHECK+ x:bisect ${line}\nVPCHECK x:bisect 0\n`).get('x:bisect');
  expect(largestPassing(replies('tried 764- 410- 233- 144- 100- 78- 67- 61- 58- 57-'))).toBe(56);
  expect(largestPassing(replies('tried 764+ 1118+ 1295+ 1384+ 1428+ 1450+ 1461+ 1467+ 1470+ 1471+'))).toBe(1471);
  expect(largestPassing(readReplies('VPCHECK+ x:bisect tried 764+\n').get('x:bisect'))).toBeUndefined();
  expect(largestPassing(undefined)).toBeUndefined();
});

test('bulk: a stall beside an answered control is a timeout with the bytes counted; a healthy pair moves 10 MB', () => {
  const seen = parseFanout(fixture('bulk-a'), [
    bulk('stall', '10.77.0.3', 7000, 10_000_000), bulk('healthy', '10.77.0.4', 7000, 10_000_000), bulk('closed', '10.77.0.4', 7001, 1000), bulk('nobody', '10.77.0.99', 7000, 1000),
  ]);
  const stall = seen.get('stall')!;
  expect(stall).toMatchObject({ outcome: 'timeout', control: 'reachable', bytes: 0, note: 'connected; 0 of 10000000 bytes came back within the time limit' });
  // The time limit of 10 MB (10 s), measured by the VM's own clock.
  expect(stall.transferMs).toBeGreaterThanOrEqual(10_000);
  expect(stall.transferMs).toBeLessThan(11_000);
  const healthy = seen.get('healthy')!;
  expect(healthy).toMatchObject({ outcome: 'reachable', control: 'reachable', bytes: 10_000_000, transferMs: 1043 });
  expect(seen.get('closed')).toMatchObject({ outcome: 'refused', control: 'refused', bytes: 0 });
  // ARP unanswered: no answer at all, and the control got none either.
  expect(seen.get('nobody')).toMatchObject({ outcome: 'timeout', control: 'timeout' });
  expect(seen.get('nobody')!.note).toContain('the 64-byte control transfer got timeout');
  expect(seen.get('nobody')!.note).toContain('too: the path failed, not only this volume');
});

test('bulk: fewer bytes from a service that closes, a missing count, a missing control', () => {
  const reply = (lines: string[]) => readReplies(`${lines.map((l) => `VPCHECK+ x ${l}`).join('\n')}\nVPCHECK x 0\n`).get('x')!;
  expect(classifyTransfer(reply(['connected', '512', 'status 0', 'clock 1000000000 3000000000']), 1000)).toMatchObject({ outcome: 'error', bytes: 512, transferMs: 2000 });
  expect(classifyTransfer(reply(['connected', 'status 0']), 1000)).toMatchObject({ outcome: 'error', note: 'the transfer printed no byte count' });
  expect(classifyTransfer(reply(['bash: timeout: command not found', '0', 'status 127']), 1000)).toMatchObject({ outcome: 'error' });
  // busybox wc pads the count; a date without %N leaves the time out.
  expect(classifyTransfer(reply(['connected', '     1000', 'status 0', 'clock 17962197N 17962198N']), 1000)).toEqual(expect.objectContaining({ outcome: 'reachable', bytes: 1000 }));
  expect(classifyTransfer(reply(['connected', '1000', 'status 0', 'clock 17962197N 17962198N']), 1000).transferMs).toBeUndefined();
  const stalled = reply(['connected', '65536', 'status 124', 'clock 0 5000000000']);
  expect(classifyBulk(stalled, undefined, 1_000_000)).toMatchObject({ outcome: 'error', bytes: 65536, note: 'observed timeout, but the 64-byte control transfer printed no result: not a volume verdict' });
});

test('the fan-out runs mtu with the other probes and bulk after them, within a bounded time', () => {
  const dests = [{ id: 'i', ip: '10.0.0.2', probe: 'icmp' } as const, mtu('m', '10.0.0.2'), bulk('b', '10.0.0.3', 7000, 10_000_000)];
  const cmd = buildFanout(dests);
  expect(cmd).toContain('i i 10.0.0.2 & m m 10.0.0.2 1472 & wait; b b 10.0.0.3 7000 10000000 10 2 & wait');
  expect(cmd).toContain('ping -n -M do -c 1 -W 1 -s 56 "$2"');
  expect(bulkWaitSec(10_000_000, DEFAULT_SETTINGS)).toBe(10);
  expect(bulkWaitSec(1000, DEFAULT_SETTINGS)).toBe(5);
  // 11 bisection steps and the one at the sender's MTU, up to 1.2 s each, after two 1-s pings;
  // then the control and the 10-s transfer.
  expect(fanoutDurationSec(DEFAULT_SETTINGS, dests)).toBe(Math.ceil(2 + 12 * 1.2 + 2 + 10) + 1);
  expect(() => buildFanout([mtu('m', '10.0.0.2', 56)])).toThrow(/above the 56-byte control/);
  expect(() => buildFanout([{ id: 'b', ip: '10.0.0.2', probe: 'bulk', size: 10 }])).toThrow(/bulk needs a port/);
  expect(() => buildFanout([{ id: 'b', ip: '10.0.0.2', probe: 'bulk', port: 7000 }])).toThrow(/bulk needs a size/);
});
