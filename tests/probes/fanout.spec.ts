import { expect, test } from '@playwright/test';
import { buildControl, parseControl } from '../../lib/probes/control.ts';
import { defaultRouteCommand, parseDefaultRoute } from '../../lib/probes/default-route.ts';
import { buildFanout } from '../../lib/probes/fanout.ts';
import { parseFanout } from '../../lib/probes/parse.ts';
import { STOCK_TOOLS, type Destination } from '../../lib/probes/types.ts';

const dests: Destination[] = [
  { id: '0', ip: '10.99.7.2', probe: 'icmp' },
  { id: '1', ip: '10.99.7.5', probe: 'icmp' },
  { id: '2', ip: '10.99.7.2', probe: 'tcp', port: 23 },
];

test('one bash command probes every destination in the background and waits', () => {
  const cmd = buildFanout(dests);
  expect(cmd.startsWith("bash -c 'export LC_ALL=C;")).toBe(true);
  expect(cmd).toContain('i 0 10.99.7.2 & i 1 10.99.7.5 & t 2 10.99.7.2 23 & wait');
  expect(cmd).toContain('ping -n -c 1 -W 1 "$2"');
  expect(cmd).not.toContain('fping');
  const fping = buildFanout(dests, { ...STOCK_TOOLS, fping: true });
  expect(fping).toContain('f 10.99.7.2 10.99.7.5 &');
  expect(fping).not.toContain('i 0');
  const nc = buildFanout(dests, { ...STOCK_TOOLS, timeout: false, nc: true });
  expect(nc).toContain('nc -z -v -w 2 "$2" "$3"');
});

test('ids, addresses and ports that could break the shell are refused', () => {
  expect(() => buildFanout([{ id: 'a b', ip: '10.0.0.1', probe: 'icmp' }])).toThrow(/probe id/);
  expect(() => buildFanout([{ id: 'x', ip: '10.0.0.1; reboot', probe: 'icmp' }])).toThrow(/not an IPv4/);
  expect(() => buildFanout([{ id: 'x', ip: '10.0.0.1', probe: 'tcp' }])).toThrow(/needs a port/);
  expect(() => defaultRouteCommand('10.0.0.1 dev x; reboot')).toThrow(/not an IPv4/);
});

test('fan-out output with noise and interleaving parses per destination; a missing line is error', () => {
  const output = [
    'VPCHECK+ 1 PING 10.99.7.5 (10.99.7.5) 56(84) bytes of data.',
    'VPCHECK+ 0 PING 10.99.7.2 (10.99.7.2) 56(84) bytes of data.',
    'some unrelated console line',
    'VPCHECK+ 0 1 packets transmitted, 1 received, 0% packet loss, time 0ms',
    'VPCHECK+ 0 rtt min/avg/max/mdev = 0.023/0.023/0.023/0.000 ms',
    'VPCHECK 0 0',
    'VPCHECK+ 1 1 packets transmitted, 0 received, 100% packet loss, time 0ms',
    'VPCHECK 1 1',
  ].join('\n');
  const seen = parseFanout(output, dests);
  expect(seen.get('0')).toMatchObject({ outcome: 'reachable', rttMs: 0.023 });
  expect(seen.get('1')).toMatchObject({ outcome: 'timeout', loss: 100 });
  expect(seen.get('2')).toMatchObject({ outcome: 'error', note: 'the probe printed no result line' });
});

test('control: alive nonce, tools, gateway; a stale or missing answer fails', () => {
  const control = buildControl({ gateway: '10.0.0.1' });
  const gw = 'VPCHECK+ gateway 3 packets transmitted, 3 received, 0% packet loss, time 400ms\nVPCHECK gateway 0';
  const good = parseControl(control, `VPCHECK-ALIVE ${control.nonce}\nVPCHECK-TOOL ping\nVPCHECK-TOOL timeout\n${gw}\n`);
  expect(good).toMatchObject({ ok: true, tools: { ping: true, fping: false, timeout: true, nc: false } });
  expect(parseControl(control, `VPCHECK-ALIVE deadbeef\n${gw}\n`)).toMatchObject({ ok: false, reason: 'the VM did not answer the control command' });
  const noGw = parseControl(control, `VPCHECK-ALIVE ${control.nonce}\nVPCHECK+ gateway 3 packets transmitted, 0 received, 100% packet loss, time 2000ms\nVPCHECK gateway 1\n`);
  expect(noGw).toMatchObject({ ok: false, reason: 'positive control failed: no reply from gateway 10.0.0.1 (timeout)' });
  expect(buildControl().command).not.toContain('ping -n');
});

test('control where no gateway answers: the address on the NIC; listening ports from ss or netstat, loopback left out', () => {
  const control = buildControl({ address: { ip: '10.0.0.5', nic: 'enp1s0' }, listen: [443, 80] });
  expect(control.command).toContain('ip -o -4 addr show dev enp1s0');
  expect(control.command).not.toContain('ping -n');
  const alive = `VPCHECK-ALIVE ${control.nonce}\n`;
  const addr = (ip: string) => `VPCHECK+ address 2: enp1s0    inet ${ip}/24 brd 10.0.0.255 scope global enp1s0\\       valid_lft forever\nVPCHECK address 0\n`;
  const ss = [
    'State  Recv-Q Send-Q Local Address:Port Peer Address:Port',
    'LISTEN 0      5            0.0.0.0:443       0.0.0.0:*',
    'LISTEN 0      4096   127.0.0.53%lo:53        0.0.0.0:*',
    'LISTEN 0      5          127.0.0.1:80        0.0.0.0:*',
    'LISTEN 0      128             [::]:22           [::]:*',
  ].map((l) => `VPCHECK+ listen ${l}`).join('\n') + '\nVPCHECK listen 0\n';
  expect(parseControl(control, alive + addr('10.0.0.5') + ss)).toMatchObject({ ok: true, answered: true, listening: [22, 443] });
  expect(parseControl(control, alive + addr('10.0.0.50') + ss)).toMatchObject({ ok: false, answered: true, reason: expect.stringMatching(/^positive control failed: 10\.0\.0\.5 is not on enp1s0 \(2: enp1s0 +inet 10\.0\.0\.50\/24/) });
  const netstat = 'VPCHECK+ listen tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN\nVPCHECK listen 0\n';
  expect(parseControl(control, alive + addr('10.0.0.5') + netstat).listening).toEqual([80]);
  expect(() => buildControl({ address: { ip: '10.0.0.5', nic: 'enp1s0; reboot' } })).toThrow(/not an address on an interface/);
});

test('default route: the docs command, skipped when present, failure reported', () => {
  expect(defaultRouteCommand('10.0.0.1')).toContain('ip route add default via 10.0.0.1 dev enp1s0;');
  expect(parseDefaultRoute({ exitCode: 0, output: 'VPCHECK-ROUTE added\n', durationMs: 1 })).toEqual({ status: 'added', output: '' });
  expect(parseDefaultRoute({ exitCode: 0, output: 'default via 10.0.0.1 dev enp1s0\nVPCHECK-ROUTE present\n', durationMs: 1 })).toEqual({ status: 'present', output: 'default via 10.0.0.1 dev enp1s0' });
  expect(parseDefaultRoute({ exitCode: 0, output: 'Error: Nexthop has invalid gateway.\nVPCHECK-ROUTE failed\n', durationMs: 1 })).toEqual({ status: 'failed', output: 'Error: Nexthop has invalid gateway.' });
  expect(parseDefaultRoute({ exitCode: 127, output: 'bash: ip: command not found\n', durationMs: 1 }).status).toBe('failed');
});
