// The pure parts of external cells and of the source the upstream saw: which VM an external cell
// lands on behind its EIP, the far end a verdict needs, the NAT object that names a source
// address, the comparison with the model's seenAs; the who-am-I command against a real local
// listener; the control's neighbour check read from a host's output.
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { buildModel } from '../../lib/model/index.ts';
import { buildControl, parseControl } from '../../lib/probes/control.ts';
import { parseSeenAs, seenAsCommand } from '../../lib/probes/seen-as.ts';
import { behindEip, eipDestination, natSourceName } from '../../lib/run/controls.ts';
import { judgeSeenAs } from '../../lib/run/judge.ts';
import { subnet, topology, vm, vpc } from '../lab/support.ts';

const EXT = 'ovn-vpc-external-network';
const spec = topology({
  vpcs: [vpc('v1', { staticRoutes: [{ cidr: '0.0.0.0/0', nextHopIP: '10.5.0.254', policy: 'policyDst' }] })],
  subnets: [subnet('s1', '10.5.0.0/24', { vpc: 'v1' })],
  vms: [vm('web', 's1', { ip: '10.5.0.10', listen: [{ protocol: 'tcp', port: 80 }] }), vm('fip', 's1', { ip: '10.5.0.11' }), vm('other', 's1', { ip: '10.5.0.12' })],
  natGateways: [{ name: 'gw', vpc: 'v1', subnet: 's1', lanIp: '10.5.0.254', externalSubnets: [EXT] }],
  eips: [
    { name: 'e-shared', natGwDp: 'gw', v4ip: '192.0.2.100', externalSubnet: EXT },
    { name: 'e-fip', natGwDp: 'gw', v4ip: '192.0.2.101', externalSubnet: EXT },
  ],
  snatRules: [{ name: 'snat-all', eip: 'e-shared', internalCIDR: '10.5.0.0/24' }],
  dnatRules: [{ name: 'web80', eip: 'e-shared', externalPort: 8080, internalIp: '10.5.0.10', internalPort: 80, protocol: 'tcp' }],
  // The second FIP on e-fip is one nat-gateway.sh never installs (floating-ip-add exits 0).
  fipRules: [{ name: 'fip1', eip: 'e-fip', internalIp: '10.5.0.11' }, { name: 'fip-late', eip: 'e-fip', internalIp: '10.5.0.12' }],
});
const model = buildModel(spec, { internetIP: '192.0.2.1' });

test('behind an EIP: the first FIP for every probe, else the DNAT rule of the port, else nobody', () => {
  expect(behindEip(model, 'e-fip', 'icmp')).toEqual({ vm: 'fip' });
  expect(behindEip(model, 'e-fip', 'tcp', 22)).toEqual({ vm: 'fip', port: 22 });
  expect(behindEip(model, 'e-shared', 'tcp', 8080)).toEqual({ vm: 'web', port: 80 });
  expect(behindEip(model, 'e-shared', 'tcp', 9090)).toBeUndefined();
  expect(behindEip(model, 'e-shared', 'icmp')).toBeUndefined();
  // A bulk transfer is TCP on the wire: the DNAT rule carries it; an mtu ping is ICMP: it does not.
  expect(behindEip(model, 'e-shared', 'bulk', 8080)).toEqual({ vm: 'web', port: 80 });
  expect(behindEip(model, 'e-shared', 'mtu')).toBeUndefined();
  expect(behindEip(model, 'no-such-eip', 'icmp')).toBeUndefined();
});

test('the far end of an external cell: the EIP must answer ARP, the VM behind it must pass its control, its port is seen under the cell\'s', () => {
  const eip = { name: 'e-shared', ip: '192.0.2.100' };
  const ok = { status: 'ok' as const, listening: [80] };
  expect(eipDestination(eip, undefined, undefined, 9090)).toEqual({
    control: { status: 'failed', reason: 'EIP e-shared (192.0.2.100) did not answer ARP on the external host: no NAT gateway holds it' }, listen: [],
  });
  expect(eipDestination(eip, 'lladdr x', undefined, 9090)).toEqual({ control: { status: 'ok', listening: [] }, listen: [] });
  expect(eipDestination(eip, 'lladdr x', { vm: 'web', port: 80, listens: true, control: ok }, 8080)).toEqual({ control: { status: 'ok', listening: [8080] }, listen: [8080] });
  expect(eipDestination(eip, 'lladdr x', { vm: 'web', port: 80, listens: true, control: { status: 'ok', listening: [] } }, 8080)).toEqual({ control: { status: 'ok', listening: [] }, listen: [8080] });
  // A port the VM does not declare: no listener check (a RST from the VM is its own answer).
  expect(eipDestination(eip, 'lladdr x', { vm: 'web', port: 81, listens: false, control: ok }, 8081)).toEqual({ control: { status: 'ok', listening: [] }, listen: [] });
  expect(eipDestination(eip, 'lladdr x', { vm: 'web', port: 80, listens: true, control: { status: 'failed', reason: 'no reply from gateway 10.5.0.1 (timeout)' } }, 8080).control)
    .toEqual({ status: 'failed', reason: 'web behind EIP e-shared failed its positive control (no reply from gateway 10.5.0.1 (timeout))' });
});

test('a source address is named by the FIP of the VM, else the SNAT rule holding it, else its EIP', () => {
  expect(natSourceName(model, 'fip', '192.0.2.101')).toBe('fip1');
  expect(natSourceName(model, 'web', '192.0.2.100')).toBe('snat-all');
  expect(natSourceName(model, 'web', '192.0.2.101')).toBe('EIP e-fip');
  expect(natSourceName(model, 'web', '10.5.0.10')).toBeUndefined();
});

test('the source the upstream saw fails a cell only when the model names another', () => {
  const name = (ip: string) => (ip === '192.0.2.100' ? 'snat1' : undefined);
  expect(judgeSeenAs('192.0.2.100', '192.0.2.100', name)).toEqual({ mismatch: false });
  expect(judgeSeenAs('10.0.1.12', undefined, name)).toEqual({ mismatch: false });
  expect(judgeSeenAs('10.0.1.12', '192.0.2.100', name)).toEqual({ mismatch: true, note: 'the upstream saw 10.0.1.12 as the source, the model expects 192.0.2.100 (snat1)' });
  expect(judgeSeenAs(undefined, '192.0.2.100', name)).toEqual({ mismatch: false, note: "the upstream's who-am-I service did not answer: the source address it saw is unknown" });
});

test('the who-am-I command reads the address a socat service printed, and nothing from a closed port', async () => {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const service = spawn('socat', [`TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr`, 'SYSTEM:echo $SOCAT_PEERADDR'], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && !(await execa('ss', ['-Hltn', `sport = :${port}`])).stdout.includes(`:${port}`); i++) await new Promise((r) => setTimeout(r, 20));
    for (const hasTimeout of [true, false]) {
      const r = await execa('bash', ['-c', seenAsCommand('127.0.0.1', port, hasTimeout)], { reject: false });
      expect(parseSeenAs(r.stdout)).toBe('127.0.0.1');
    }
  } finally {
    service.kill();
  }
  const closed = await execa('bash', ['-c', seenAsCommand('127.0.0.1', port, true)], { reject: false });
  expect(closed.stdout).toContain('Connection refused');
  expect(parseSeenAs(closed.stdout)).toBeUndefined();
  // The command's own text, echoed by a console, is no answer.
  expect(parseSeenAs(seenAsCommand('127.0.0.1', port, true))).toBeUndefined();
  expect(() => seenAsCommand('192.0.2.1; reboot', 1, true)).toThrow();
});

test('the control asks each neighbour once and reads whether the host resolved it', () => {
  const control = buildControl({ neighbours: ['192.0.2.100', '192.0.2.101'] });
  expect(control.command).toContain('ping -n -c 1 -W 1 192.0.2.100 >/dev/null 2>&1');
  expect(control.command).toContain('ip -4 neigh show 192.0.2.101');
  const output = [
    `VPCHECK-ALIVE ${control.nonce}`,
    'VPCHECK+ neigh:192.0.2.100 192.0.2.100 dev ext lladdr 0a:0b:a3:ad:e2:f6 REACHABLE',
    'VPCHECK neigh:192.0.2.100 0',
    'VPCHECK+ neigh:192.0.2.101 192.0.2.101 dev ext FAILED',
    'VPCHECK neigh:192.0.2.101 0',
  ].join('\n');
  const seen = parseControl(control, output);
  expect(seen.ok).toBe(true);
  expect([...seen.neighbours!]).toEqual([['192.0.2.100', '192.0.2.100 dev ext lladdr 0a:0b:a3:ad:e2:f6 REACHABLE'], ['192.0.2.101', undefined]]);
  expect(() => buildControl({ neighbours: ['eip1'] })).toThrow('neighbour "eip1" is not an IPv4 address');
});
