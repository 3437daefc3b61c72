// OVN native DHCP in the lab (Harvester v1.7/v1.8's flow): managedtap guests boot without an
// address, lease address, router and MTU from OVN's DHCP_Options row of their subnet, and reach
// other subnets with no route step; a bridge guest beside them does not. Phases converge, and
// teardown leaves no DHCP rows or clients.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { expect, test } from '@playwright/test';
import { awaitLease } from '../../lib/targets/lab/dhcp.ts';
import { LabTarget } from '../../lib/targets/lab/lab-target.ts';
import { RunNames } from '../../lib/targets/lab/names.ts';
import { run } from '../../lib/targets/lab/proc.ts';
import type { TopologySpec } from '../../lib/topology/types.ts';
import { context, expectNoLeak, expectNoReply, expectReply, subnet, topology, vm, vpc } from './support.ts';

const NB = '--db=unix:/run/vpcheck/lab/nb.sock';

function spec(enableDHCP: boolean): TopologySpec {
  return topology({
    vpcs: [vpc('vpc-1')],
    subnets: [
      subnet('s1', '10.71.1.0/24', { vpc: 'vpc-1', enableDHCP, mtu: 1300, dhcpV4Options: 'lease_time=600' }),
      subnet('s2', '10.71.2.0/24', { vpc: 'vpc-1' }),
    ],
    vms: [
      vm('tap', 's1', { binding: 'managedtap', defaultRoute: false }),
      vm('br', 's1', { defaultRoute: false }),
      vm('far', 's2'),
    ],
  });
}

/** What a console prints up to its login prompt. */
function consoleUntilLogin(stream: Duplex): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no login prompt; got: ${text}`)), 10_000);
    stream.on('data', (b: Buffer) => {
      text += b.toString().replace(/\r/g, '');
      if (/login: $/.test(text)) {
        clearTimeout(timer);
        stream.destroy();
        resolve(text);
      }
    });
  });
}

async function dhcpRows(runId: string): Promise<string> {
  return (await run('ovn-nbctl', [NB, '--bare', '--columns=cidr,options', 'find', 'DHCP_Options', `external_ids:vpcheck-run=${runId}`])).stdout;
}

test('managedtap leases from OVN and reaches another subnet without a route step; DHCP off leaves it without an address', async () => {
  const ctx = context('dhcp');
  const first = spec(true);
  const lab = await new LabTarget().up(first, ctx);
  try {
    // One row for s1, with Kube-OVN's options and the subnet's overrides, on s1's ports.
    const rows = await dhcpRows(ctx.runId);
    expect(rows).toMatch(/10\.71\.1\.0\/24/);
    expect(rows).toMatch(/lease_time="?600"?/);
    expect(rows).toMatch(/mtu="?1300"?/);
    expect(rows).toMatch(/router="?10\.71\.1\.1"?/);
    expect(rows).toMatch(/server_id="?169\.254\.0\.254"?/);
    expect(rows).not.toMatch(/10\.71\.2\.0/);
    const names = new RunNames(ctx.runId);
    const port = (vmName: string) => run('ovn-nbctl', [NB, '--bare', '--columns=dhcpv4_options', 'list', 'Logical_Switch_Port', names.vmLsp(vmName)]);
    expect((await port('tap')).stdout.trim()).not.toBe('');
    expect((await port('far')).stdout.trim()).toBe('');

    const lease = await lab.lease('tap');
    expect(lease?.ok, lease?.detail).toBe(true);
    expect(lease!.detail).toMatch(/bound 10\.71\.1\.2\/24 router 10\.71\.1\.1 mtu 1300 lease 600/);
    console.log(`time to address: ${/(\d+) ms after/.exec(lease!.detail)?.[1]} ms`);
    expect(await lab.lease('br')).toBeUndefined();
    // Its serial console shows the client's output before the login prompt, as a boot would.
    const screen = await consoleUntilLogin(lab.consoleStream('tap'));
    expect(screen).toMatch(/udhcpc: lease of 10\.71\.1\.2 obtained(.|\n)*vpcheck-dhcp: bound 10\.71\.1\.2\/24 router 10\.71\.1\.1 mtu 1300(.|\n)*tap login: $/);
    const guest = await lab.exec('tap', ['sh', '-c', 'ip -4 -o addr show dev enp1s0; ip route show default; cat /sys/class/net/enp1s0/mtu']);
    expect(guest.stdout).toMatch(/inet 10\.71\.1\.2\/24/);
    expect(guest.stdout).toMatch(/default via 10\.71\.1\.1 dev enp1s0/);
    expect(guest.stdout).toMatch(/^1300$/m);
    // A renewal (SIGUSR1, as at half the lease) keeps the address in place.
    const pids = (await run('ip', ['netns', 'pids', lab.namespace('tap')])).stdout.split('\n').filter(Boolean).map(Number);
    const client = pids.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('udhcpc'));
    expect(client, 'the udhcpc process in the namespace').toBeDefined();
    process.kill(client!, 'SIGUSR1');
    const log = join(names.runDir, 'dhcp', 'tap.log');
    for (let i = 0; i < 50 && !/vpcheck-dhcp: renew/.test(readFileSync(log, 'utf8')); i++) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(log, 'utf8')).toMatch(/vpcheck-dhcp: renew 10\.71\.1\.2\/24 router 10\.71\.1\.1/);
    expect((await lab.exec('tap', ['ip', '-4', '-o', 'addr', 'show', 'dev', 'enp1s0'])).stdout).toMatch(/inet 10\.71\.1\.2\/24/);
    // "far" has the docs' route step; "tap" needs none, "br" (binding bridge) has no route.
    await run('ip', ['netns', 'exec', lab.namespace('far'), 'ip', 'route', 'replace', 'default', 'via', '10.71.2.1']);
    await expectReply(lab, { from: 'tap', to: 'far' });
    await expectReply(lab, { from: 'far', to: 'tap' });
    await expectReply(lab, { from: 'br', to: 'tap' });
    await expectNoReply(lab, first, { from: 'br', to: 'far' }, 'network-unreachable');

    // DHCP off: the row goes, and the managedtap guest (restarted) gets no address at all.
    const off = spec(false);
    const updated = await lab.update(off);
    expect(updated.replaced).toEqual(['tap']);
    expect(await dhcpRows(ctx.runId)).toBe('');
    const none = await lab.lease('tap');
    expect(none?.ok, none?.detail).toBe(true);
    expect(none!.detail).toMatch(/no address on enp1s0, as expected/);
    expect(none!.detail).toMatch(/udhcpc: (sending|broadcasting) discover/);
    const r = await lab.exec('tap', ['ping', '-n', '-c', '1', '-W', '1', '10.71.1.3']);
    expect(r.stdout + r.stderr).toMatch(/Network is unreachable/);
    // Had a lease been due, its absence fails the VM's control with what the client said.
    const due = await awaitLease({ name: 'tap', namespace: lab.namespace('tap'), nic: 'enp1s0' }, names.runDir, Date.now(), true, 3000);
    expect(due.ok).toBe(false);
    expect(due.detail).toMatch(/^no DHCP lease on enp1s0 within 3 s; udhcpc said:\n(.|\n)*udhcpc: (sending|broadcasting) discover/);

    // And on again: a fresh row, and the lease comes back.
    await lab.update(first);
    expect(await dhcpRows(ctx.runId)).toMatch(/10\.71\.1\.0\/24/);
    const again = await lab.lease('tap');
    expect(again?.ok, again?.detail).toBe(true);
    await expectReply(lab, { from: 'tap', to: 'far' });
  } finally {
    await lab.down();
  }
  await expectNoLeak(ctx.runId);
});
