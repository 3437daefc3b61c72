// The guest's own view, parsed from what the control command printed on a console: iproute2's
// JSON as the kernel gives it (a pinned address, a DHCP lease), and every way a console or an
// older `ip` can spoil it, which must read as "unavailable" with the reason, never as a failure.
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildControl, parseControl } from '../../lib/probes/control.ts';
import { GUEST_COMMAND, GUEST_READS, parseGuest, type GuestView } from '../../lib/probes/guest.ts';
import { readReplies } from '../../lib/probes/parse.ts';

// Printed by iproute2 6.1 in a lab namespace: lo, and enp1s0 with a pinned address.
const LO = '{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295}]}';
const nic = (addrInfo: string, mtu = 1400, state = 'UP') =>
  `{"ifindex":3,"link":"d1","ifname":"enp1s0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":${mtu},"qdisc":"noqueue","operstate":"${state}","group":"default","txqlen":1000,"link_type":"ether","address":"76:f2:d1:15:e7:fb","broadcast":"ff:ff:ff:ff:ff:ff","addr_info":[${addrInfo}]}`;
const PINNED = '{"family":"inet","local":"10.0.1.5","prefixlen":24,"scope":"global","label":"enp1s0","valid_life_time":4294967295,"preferred_life_time":4294967295}';
// `ip addr add 10.9.1.5/24 dev d0 valid_lft 600 preferred_lft 600`, as a DHCP client adds its lease.
const LEASED = '{"family":"inet","local":"10.0.1.5","prefixlen":24,"scope":"global","dynamic":true,"label":"enp1s0","valid_life_time":597,"preferred_life_time":597}';
const LINK_LOCAL = '{"family":"inet6","local":"fe80::74f2:d1ff:fe15:e7fb","prefixlen":64,"scope":"link","valid_life_time":4294967295,"preferred_life_time":4294967295}';
const ROUTES = '[{"dst":"default","gateway":"10.0.1.1","dev":"enp1s0","protocol":"dhcp","flags":[]},{"dst":"10.0.1.0/24","dev":"enp1s0","protocol":"kernel","scope":"link","prefsrc":"10.0.1.5","flags":[]}]';

/** The console text of the two reads as GUEST_COMMAND prints them: the first line tagged, then the status. */
function printed(addr: string | null, addrRc: number | null, route: string | null, routeRc: number | null): string {
  const tag = (id: string, text: string | null, rc: number | null) => `${text === null ? '' : `VPCHECK+ ${id} ${text}\n`}${rc === null ? '' : `\nVPCHECK ${id} ${rc}\n`}`;
  return tag('guest-addr', addr, addrRc) + tag('guest-route', route, routeRc);
}
const guestOf = (text: string): GuestView => parseGuest(readReplies(text));

test('a pinned address, its MTU and the default route; loopback, IPv6 and connected routes are kept out of the view', () => {
  expect(guestOf(printed(`[${LO},${nic(`${PINNED},${LINK_LOCAL}`)}]`, 0, ROUTES.replace('"protocol":"dhcp",', ''), 0))).toEqual({
    status: 'observed',
    interfaces: [{ name: 'enp1s0', mtu: 1400, state: 'UP', addresses: [{ cidr: '10.0.1.5/24' }] }],
    routes: [{ dst: 'default', gateway: '10.0.1.1', dev: 'enp1s0' }, { dst: '10.0.1.0/24', dev: 'enp1s0', protocol: 'kernel' }],
  });
});

test('a DHCP lease: the dynamic address carries the seconds it has left; a route from DHCP keeps its protocol', () => {
  const state = guestOf(printed(`[${LO},${nic(LEASED)}]`, 0, ROUTES, 0));
  expect(state).toMatchObject({ status: 'observed', interfaces: [{ addresses: [{ cidr: '10.0.1.5/24', lease: { remainingSec: 597 } }] }] });
  expect(state.status === 'observed' && state.routes[0]).toEqual({ dst: 'default', gateway: '10.0.1.1', dev: 'enp1s0', protocol: 'dhcp' });
  // A client still waiting for its lease: the NIC with no address, no route at all.
  expect(guestOf(printed(`[${LO},${nic('', 1500, 'UP')}]`, 0, '[]', 0))).toEqual({
    status: 'observed', interfaces: [{ name: 'enp1s0', mtu: 1500, state: 'UP', addresses: [] }], routes: [],
  });
});

test('the guest tags the first line of each read only: console noise and untagged lines around it are ignored', () => {
  const text = `login: noise\n${printed(`[${LO},${nic(PINNED)}]`, 0, ROUTES, 0)}more noise\n`;
  expect(guestOf(text)).toMatchObject({ status: 'observed', interfaces: [{ name: 'enp1s0', addresses: [{ cidr: '10.0.1.5/24' }] }] });
  // An ip that pretty-prints: its JSON's first line alone is no JSON.
  const pretty = JSON.stringify(JSON.parse(`[${LO},${nic(PINNED)}]`), null, 4);
  expect(guestOf(printed(pretty, 0, ROUTES, 0))).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^ip -j addr show printed no JSON \(.*\): \[$/) });
});

test('busybox ip, truncated or malformed output: unavailable, with the reason and what was printed', () => {
  // Busybox 1.35's ip, as it answers -j (usage on several lines, exit 1).
  const busybox = 'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\nUsage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]\n\nOPTIONS := -f[amily] inet|inet6|link | -o[neline]';
  expect(guestOf(printed(busybox, 1, busybox, 1))).toEqual({
    status: 'unavailable',
    reason: 'ip -j addr show failed (exit 1; no JSON output from this ip?): BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.',
  });
  // An ip that ignores -j and prints its text layout with exit 0.
  expect(guestOf(printed('1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue', 0, ROUTES, 0))).toEqual({
    status: 'unavailable', reason: expect.stringMatching(/^ip -j addr show printed no JSON \(.+\): 1: lo: <LOOPBACK/),
  });
  const json = `[${LO},${nic(PINNED)}]`;
  // Cut short: half the line and no status line; or the route read missing altogether.
  expect(guestOf(printed(json.slice(0, 300), null, null, null))).toEqual({
    status: 'unavailable', reason: expect.stringMatching(/^ip -j addr show did not finish \(the console output was cut short\): \[\{"ifindex".{149}\.\.\.$/),
  });
  expect(guestOf(printed(json, 0, null, null))).toEqual({ status: 'unavailable', reason: 'ip -j -4 route show printed nothing (the console output was cut short)' });
  expect(guestOf(printed(json.slice(0, 300), 0, ROUTES, 0))).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^ip -j addr show printed no JSON/) });
  // A console message without timestamp (the session strips timestamped ones) inside the line:
  // between tokens it breaks the JSON, inside a value it leaves valid JSON with a wrong value.
  const noise = 'random: crng init done';
  const between = json.replace('"mtu":1400', `"mtu":1400${noise}`);
  expect(guestOf(printed(between, 0, ROUTES, 0))).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^ip -j addr show printed no JSON/) });
  const inside = json.replace('"local":"10.0.1.', `"local":"10.0.${noise}1.`);
  expect(guestOf(printed(inside, 0, ROUTES, 0))).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^ip -j addr show printed an IPv4 address that is not one on enp1s0: \{"family":"inet","local":"10\.0\.random/) });
  expect(guestOf(printed(json.replace('"ifname":"enp1s0"', `"ifname":"enp1s0${noise}"`), 0, ROUTES, 0))).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^ip -j addr show printed an interface without a valid ifname or mtu/) });
  expect(guestOf(printed(json, 0, ROUTES.replace('"10.0.1.1"', `"10.0.${noise}1.1"`), 0))).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^ip -j -4 route show printed a route without a valid dst or gateway/) });
  expect(guestOf(printed('{"ifname":"enp1s0"}', 0, ROUTES, 0))).toEqual({ status: 'unavailable', reason: 'ip -j addr show printed JSON that is not a list: {"ifname":"enp1s0"}' });
  expect(guestOf(printed('[{"ifname":"enp1s0"}]', 0, ROUTES, 0))).toEqual({ status: 'unavailable', reason: 'ip -j addr show printed an interface without a valid ifname or mtu: {"ifname":"enp1s0"}' });
  expect(guestOf(printed(json, 0, '[{"gateway":"10.0.1.1"}]', 0))).toEqual({ status: 'unavailable', reason: 'ip -j -4 route show printed a route without a valid dst or gateway: {"gateway":"10.0.1.1"}' });
  // A host route's dst is a bare address.
  expect(guestOf(printed(json, 0, '[{"dst":"10.0.1.9","dev":"enp1s0","scope":"link","flags":[]}]', 0))).toMatchObject({ status: 'observed', routes: [{ dst: '10.0.1.9', dev: 'enp1s0' }] });
});

test('the control command carries both reads; its answer carries the guest state, which never fails the control', () => {
  const control = buildControl({ gateway: '10.0.1.1' });
  for (const read of GUEST_READS) expect(control.command).toContain(`printf 'VPCHECK+ ${read.id} '; ${read.command} 2>&1; printf '\\nVPCHECK ${read.id} %s\\n' $?`);
  const alive = `VPCHECK-ALIVE ${control.nonce}\n`;
  const gateway = 'VPCHECK+ gateway 1 packets transmitted, 1 received, 0% packet loss, time 0ms\nVPCHECK+ gateway rtt min/avg/max/mdev = 0.3/0.3/0.3/0.0 ms\nVPCHECK gateway 0\n';
  const seen = parseControl(control, `${alive}${printed(`[${LO},${nic(PINNED)}]`, 0, ROUTES, 0)}\n${gateway}`);
  expect(seen).toMatchObject({ ok: true, guest: { status: 'observed', interfaces: [{ name: 'enp1s0' }] } });
  const busybox = parseControl(control, `${alive}${printed('BusyBox v1.35.0 multi-call binary.', 1, 'BusyBox v1.35.0 multi-call binary.', 1)}\n${gateway}`);
  expect(busybox).toMatchObject({ ok: true, guest: { status: 'unavailable', reason: expect.stringContaining('BusyBox') } });
  expect(parseControl(control, `VPCHECK-ALIVE deadbeef\n${gateway}`).guest).toEqual({ status: 'unavailable', reason: 'the VM did not answer the control command' });
});

test("the command itself, run by sh: this machine's iproute2 reads as observed, busybox's ip (set-up installs it) as unavailable", async () => {
  const iproute2 = guestOf((await execa('sh', ['-c', GUEST_COMMAND])).stdout);
  expect(iproute2).toMatchObject({ status: 'observed' });
  expect(iproute2.status === 'observed' && iproute2.routes.length).toBeGreaterThan(0);
  const bin = mkdtempSync(join(tmpdir(), 'vpcheck-busybox-'));
  try {
    const { stdout: busybox } = await execa('sh', ['-c', 'command -v busybox']);
    symlinkSync(busybox, join(bin, 'ip'));
    const out = await execa('sh', ['-c', GUEST_COMMAND], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(guestOf(out.stdout)).toEqual({ status: 'unavailable', reason: expect.stringMatching(/^ip -j addr show failed \(exit 1; no JSON output from this ip\?\): BusyBox v[\d.]+ .*multi-call binary\.$/) });
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
