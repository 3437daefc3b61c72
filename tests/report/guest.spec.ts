// The guest's own view in one line, and where each report puts it: beside the model's reason of
// every failing cell (terminal and HTML) and per VM in the HTML's phase section.
import { expect, test } from '@playwright/test';
import { guestText } from '../../lib/report/guest.ts';
import { renderHtml } from '../../lib/report/html-page.ts';
import { renderRun } from '../../lib/report/terminal.ts';
import { CONTROLS, sampleResult } from './fixtures.ts';

const nic = { name: 'enp1s0', mtu: 1400, state: 'UP' };

test('one line per guest: addresses with MTU, the default route or its absence, other routes, the lease', () => {
  expect(CONTROLS.map((c) => guestText(c.guest!))).toEqual([
    '10.1.0.2/24 on enp1s0 mtu 1400, default via 10.1.0.1',
    '10.1.0.3/24 (dhcp, lease 600 s left) on enp1s0 mtu 1400, default via 10.1.0.1 (dhcp)',
    'unavailable: ip -j addr show failed (exit 1; no JSON output from this ip?): BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.',
  ]);
  expect(guestText({ status: 'observed', interfaces: [{ ...nic, addresses: [{ cidr: '10.0.1.5/24' }] }], routes: [{ dst: '10.0.1.0/24', dev: 'enp1s0', protocol: 'kernel' }] }))
    .toBe('10.0.1.5/24 on enp1s0 mtu 1400, no default route');
  // A DHCP client still waiting; a NIC that is down; a static route beside the default.
  expect(guestText({ status: 'observed', interfaces: [{ ...nic, mtu: 1500, addresses: [] }], routes: [] })).toBe('no address on enp1s0 mtu 1500, no default route');
  expect(guestText({
    status: 'observed',
    interfaces: [{ ...nic, state: 'DOWN', addresses: [{ cidr: '10.0.1.5/24' }] }, { name: 'enp2s0', mtu: 9000, state: 'UP', addresses: [{ cidr: '10.9.0.2/16' }] }],
    routes: [{ dst: 'default', gateway: '10.0.1.1', dev: 'enp1s0' }, { dst: '10.2.0.0/16', gateway: '10.9.0.1', dev: 'enp2s0', protocol: 'static' }],
  })).toBe('10.0.1.5/24 on enp1s0 mtu 1400 (down), 10.9.0.2/16 on enp2s0 mtu 9000, default via 10.0.1.1 dev enp1s0, 10.2.0.0/16 via 10.9.0.1 dev enp2s0');
  expect(guestText({ status: 'observed', interfaces: [], routes: [] })).toBe('no interface besides loopback, no default route');
});

test("the terminal text of a failing cell shows both ends' view after the model's reason; passing phases show none", () => {
  const text = renderRun(sampleResult(), { color: false, vms: ['vm-a1', 'vm-a2', 'vm-b1'], groupOf: (vm) => (vm.startsWith('vm-a') ? 'sub-a' : 'sub-b') });
  const lines = text.split('\n');
  const fail = lines.indexOf('FAIL vm-a1 -> vm-b1 (10.2.0.2) icmp: expected reachable, observed timeout after 1 try');
  expect(fail).toBeGreaterThan(0);
  expect(lines.slice(fail + 1, fail + 4)).toEqual([
    '  model: vpc-b has no route to 10.1.0.2',
    '  vm-a1 guest: 10.1.0.2/24 on enp1s0 mtu 1400, default via 10.1.0.1',
    '  vm-b1 guest: unavailable: ip -j addr show failed (exit 1; no JSON output from this ip?): BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.',
  ]);
  // Three failing cells between VMs, two ends each; the internet has no guest, the passing phase no line.
  expect(text.match(/ guest: /g)).toHaveLength(3 * 2);
  const failed = sampleResult();
  const phase = failed.phases[1]!;
  const broken = { ...failed, phases: [{ ...phase, controls: [{ ...CONTROLS[1]!, ok: false, reason: 'positive control failed: no reply from gateway 10.1.0.1 (timeout)' }] }] };
  const out = renderRun(broken, { color: false, vms: ['vm-a1', 'vm-a2', 'vm-b1'], groupOf: () => 's' }).split('\n');
  const at = out.indexOf('  control failed on vm-a2: positive control failed: no reply from gateway 10.1.0.1 (timeout)');
  expect(out[at + 1]).toBe('    vm-a2 guest: 10.1.0.3/24 (dhcp, lease 600 s left) on enp1s0 mtu 1400, default via 10.1.0.1 (dhcp)');
});

test("the HTML page lists every VM's view per phase and carries both ends' view on failing cells only", () => {
  const html = renderHtml(sampleResult());
  expect(html.match(/<details class="guests">/g)).toHaveLength(1);
  expect(html).toContain('<tr><th>vm-a2</th><td class="mono">10.1.0.3/24 (dhcp, lease 600 s left) on enp1s0 mtu 1400, default via 10.1.0.1 (dhcp)</td></tr>');
  const data = JSON.parse(/<script type="application\/json" id="vpcheck-data">(.*?)<\/script>/s.exec(html)![1]!) as { cells: { from: string; to: string; pass: boolean; phase: string; guests?: { vm: string; view: string }[] }[] };
  const failing = data.cells.filter((c) => !c.pass);
  expect(failing.length).toBeGreaterThan(0);
  expect(data.cells.filter((c) => c.pass).every((c) => c.guests === undefined)).toBe(true);
  expect(failing.find((c) => c.from === 'vm-a2' && c.to === 'vm-b1')!.guests).toEqual([
    { vm: 'vm-a2', view: '10.1.0.3/24 (dhcp, lease 600 s left) on enp1s0 mtu 1400, default via 10.1.0.1 (dhcp)' },
    { vm: 'vm-b1', view: expect.stringMatching(/^unavailable: /) },
  ]);
});
