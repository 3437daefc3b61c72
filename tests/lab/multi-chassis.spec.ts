// A topology on three nodes: one OVN chassis per node (chassis.ts), VMs talking across them over
// real Geneve on the run's underlay; cut tunnels between a pair of nodes, a live migration, the
// guest MTU against the 58 bytes of encapsulation, and a teardown that leaves nothing.
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { LabTarget, type LabRealized } from '../../lib/targets/lab/lab-target.ts';
import { DEFAULT_LAB_DIR, RunNames } from '../../lib/targets/lab/names.ts';
import { run } from '../../lib/targets/lab/proc.ts';
import { LAB_RMEM_DEFAULT } from '../../lib/targets/lab/sysctls.ts';
import { SEEN_AS_PORT } from '../../lib/targets/lab/realized.ts';
import type { NodePair, TopologySpec, Vm } from '../../lib/topology/types.ts';
import { addDefaultRoutes, context, expectNoLeak, expectNoReply, expectReply, subnet, topology, vm, vpc } from './support.ts';

const NODES = ['n1', 'n2', 'n3'];
const SB = `--db=unix:${DEFAULT_LAB_DIR}/sb.sock`;
const ROOT_CONF = `--db=unix:${DEFAULT_LAB_DIR}/conf.sock`;

/** Two subnets behind one router; a VM of each subnet on every node. Guests at MTU 1500 but b3 (the default). */
function spec(placement: Record<string, string> = {}, tunnelsDown: NodePair[] = []): TopologySpec {
  const vms: Vm[] = NODES.flatMap((n, i) => [
    vm(`a${i + 1}`, 'sa', { node: placement[`a${i + 1}`] ?? n, mtu: 1500 }),
    vm(`b${i + 1}`, 'sb', { node: placement[`b${i + 1}`] ?? n, ...(i < 2 && { mtu: 1500 }) }),
  ]);
  const base = topology({
    vpcs: [vpc('mc')],
    subnets: [subnet('sa', '10.91.1.0/24', { vpc: 'mc' }), subnet('sb', '10.91.2.0/24', { vpc: 'mc' })],
    vms,
  });
  return { ...base, nodes: NODES.map((name) => ({ name })), tunnelsDown };
}

const nodeOf = (s: TopologySpec, name: string) => s.vms.find((v) => v.name === name)!.node!;

async function pingsAll(lab: LabRealized, s: TopologySpec, pairs: (from: string, to: string) => boolean): Promise<void> {
  const names = s.vms.map((v) => v.name);
  const cells = names.flatMap((from) => names.filter((to) => to !== from && pairs(from, to)).map((to) => ({ from, to })));
  await Promise.all(cells.map((c) => expectReply(lab, c)));
}

/** The remote_ip options of `ovs-vsctl --bare --columns=options find Interface type=geneve`. */
const remoteIps = (options: string) => [...options.matchAll(/remote_ip="?([\d.]+)/g)].map((m) => m[1]!);

function chassisCtl(runId: string, node: string): string {
  return join(new RunNames(runId).chassisDir(node), 'ovs-vswitchd.ctl');
}

async function sb(args: string[]): Promise<string> {
  return (await run('ovn-sbctl', [SB, ...args])).stdout;
}

/** One Don't-Fragment ping of `size` payload bytes; true when answered. */
async function dfPing(lab: LabRealized, from: string, to: string, size: number): Promise<boolean> {
  const r = await lab.exec(from, ['ping', '-n', '-c', '2', '-W', '1', '-M', 'do', '-s', String(size), lab.vm(to).ip]);
  return r.exitCode === 0;
}

test('three nodes: Geneve between chassis, a cut pair, a migration, the MTU, and a clean teardown', async () => {
  test.setTimeout(240_000);
  const ctx = context('mc');
  const names = new RunNames(ctx.runId);
  const first = spec();
  const started = Date.now();
  const lab = await new LabTarget().up(first, ctx);
  const upMs = Date.now() - started;
  try {
    console.log(`3 chassis + 6 VMs up in ${upMs} ms`);
    // Raised before the chassis' vswitchds opened their underlay sockets (socket-buffers.ts).
    expect(Number(readFileSync('/proc/sys/net/core/rmem_default', 'utf8'))).toBeGreaterThanOrEqual(LAB_RMEM_DEFAULT);
    expect(new Set(first.vms.map((v) => lab.chassisOf(v.name))).size).toBe(3);
    expect(lab.chassisOf('a1')).toBe(names.chassis('n1'));
    const chassisRows = (await sb(['--bare', '--columns=name', 'list', 'Chassis'])).split('\n').filter((l) => l.startsWith(`${ctx.runId}.`));
    expect(chassisRows.sort()).toEqual(NODES.map((n) => names.chassis(n)));
    await addDefaultRoutes(lab, first);

    // Every VM reaches every other, on its node and across nodes, on its subnet and through the router.
    await pingsAll(lab, first, () => true);
    // Geneve is really used: the first node's datapath encapsulates towards its peers.
    const flows = (await run('ovs-appctl', ['-t', chassisCtl(ctx.runId, 'n1'), 'dpctl/dump-flows'])).stdout;
    expect(flows).toMatch(/tnl_push\(.*geneve/);
    expect(flows).toMatch(/tnl_pop/);
    const encap = Object.fromEntries(await Promise.all(NODES.map(async (n) => [n, (await sb(['--bare', '--columns=ip', 'find', 'Encap', `chassis_name=${names.chassis(n)}`])).trim()])));
    expect(new Set(Object.values(encap)).size).toBe(3);
    // Each chassis knows its peers' underlay MACs from the start (seeded, not learned by a lost first packet).
    const neighbours = (await run('ovs-appctl', ['-t', chassisCtl(ctx.runId, 'n1'), 'tnl/neigh/show'])).stdout;
    for (const n of ['n2', 'n3']) expect(neighbours).toMatch(new RegExp(`${encap[n]!.replaceAll('.', '\\.')}\\s+${names.mac('chassis', n)}`));
    // The lab's shared chassis is in no zone of the run: it has no tunnel to the run's chassis.
    const rootTunnels = (await run('ovs-vsctl', [ROOT_CONF, '--bare', '--columns=options', 'find', 'Interface', 'type=geneve'])).stdout;
    expect(remoteIps(rootTunnels).filter((ip) => Object.values(encap).includes(ip))).toEqual([]);
    // Each run chassis tunnels to its two peers, and only to them.
    const n1Tunnels = (await run('ovs-vsctl', [`--db=unix:${join(names.chassisDir('n1'), 'conf.sock')}`, '--bare', '--columns=options', 'find', 'Interface', 'type=geneve'])).stdout;
    expect(remoteIps(n1Tunnels).sort()).toEqual([encap.n2, encap.n3].sort());

    // Evidence from a VM on a run chassis traces through that chassis' br-int.
    const ovsTrace = (await lab.diagnose({ from: 'a2', toIp: lab.vm('b3').ip, probe: 'icmp' })).find((e) => e.title === 'OVS trace from a2')!;
    expect(ovsTrace.command).toContain(chassisCtl(ctx.runId, 'n2'));
    expect(ovsTrace.output).toMatch(/Datapath actions: .*tnl_push|Final flow/);
    expect(ovsTrace.output).not.toMatch(/no such|unknown bridge|does not exist/i);

    // MTU: guests at 1500 fill 1472-byte pings on their node; across nodes 58 bytes of Geneve
    // leave room for 1414, and more is lost without an answer (the underlay is 1500 too).
    expect((await lab.exec('b3', ['cat', '/sys/class/net/enp1s0/mtu'])).stdout.trim()).toBe('1400');
    expect((await lab.exec('a1', ['cat', '/sys/class/net/enp1s0/mtu'])).stdout.trim()).toBe('1500');
    expect(await dfPing(lab, 'a1', 'b1', 1472), 'a1 -> b1 (same node) 1472').toBe(true);
    expect(await dfPing(lab, 'a1', 'a2', 1414), 'a1 -> a2 (n1 -> n2) 1414').toBe(true);
    expect(await dfPing(lab, 'a1', 'b2', 1414), 'a1 -> b2 (n1 -> n2, routed) 1414').toBe(true);
    expect(await dfPing(lab, 'a1', 'a2', 1472), 'a1 -> a2 (n1 -> n2) 1472').toBe(false);
    expect(await dfPing(lab, 'a1', 'b2', 1472), 'a1 -> b2 (n1 -> n2, routed) 1472').toBe(false);

    // Cut n1 <-> n2: exactly the cells between those nodes stop; the others still answer.
    const cut = spec({}, [['n1', 'n2']]);
    await lab.update(cut);
    const between = (from: string, to: string) => new Set([nodeOf(cut, from), nodeOf(cut, to)]).size === 2 && [nodeOf(cut, from), nodeOf(cut, to)].every((n) => n === 'n1' || n === 'n2');
    await pingsAll(lab, cut, (from, to) => !between(from, to));
    await expectNoReply(lab, cut, { from: 'a1', to: 'a2' }, 'timeout');
    await expectNoReply(lab, cut, { from: 'b2', to: 'a1' }, 'timeout');
    await Promise.all(['a1', 'b1', 'a2', 'b2'].flatMap((from) => ['a1', 'b1', 'a2', 'b2'].filter((to) => between(from, to)).map(async (to) =>
      expect((await lab.exec(from, ['ping', '-n', '-c', '1', '-W', '1', lab.vm(to).ip])).exitCode, `${from} -> ${to} across the cut`).not.toBe(0))));
    // Restored, it heals.
    await lab.update(first);
    await pingsAll(lab, first, between);

    // a2 migrates from n2 to n3: same namespace, reachable from everyone afterwards.
    const inode = statSync(`/run/netns/${lab.namespace('a2')}`).ino;
    const moved = spec({ a2: 'n3' });
    const result = await lab.update(moved);
    expect(result.replaced).toEqual([]);
    expect(statSync(`/run/netns/${lab.namespace('a2')}`).ino).toBe(inode);
    expect(lab.chassisOf('a2')).toBe(names.chassis('n3'));
    expect(lab.moves.map((m) => [m.vm, m.from, m.to])).toEqual([['a2', 'n2', 'n3']]);
    console.log(`migration of a2: port moved in ${lab.moves[0]!.ms.toFixed(0)} ms`);
    const bound = await sb(['--bare', '--columns=chassis', 'find', 'Port_Binding', `logical_port=${names.vmLsp('a2')}`]);
    expect(bound.trim()).toBe((await sb(['--bare', '--columns=_uuid', 'find', 'Chassis', `name=${names.chassis('n3')}`])).trim());
    await pingsAll(lab, moved, (from, to) => from === 'a2' || to === 'a2');
  } finally {
    await lab.down();
  }
  await expectNoLeak(ctx.runId);
  // The chassis' own devices (taps of br-int and br-phy, the ports' host ends) went with their namespaces.
  const { stdout: links } = await run('ip', ['-o', 'link', 'show']);
  expect(links).not.toMatch(/\bbr-phy\b/);
  expect(first.vms.map((v) => names.hostIf('vm', v.name)).filter((i) => links.includes(i))).toEqual([]);
});

test('a multi-node run killed with -9 is removed by down: chassis daemons, rows, namespaces', async () => {
  const { runId } = context('mccrash');
  const names = new RunNames(runId);
  const script = fileURLToPath(new URL('./fixtures/crash-run.ts', import.meta.url));
  // Its own process group, so that kill -9 reaches npx, tsx and node at once, as a crash would.
  const child = spawn('npx', ['tsx', script, runId, DEFAULT_LAB_DIR, 'nodes'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('UP') && resolve());
    child.once('exit', (code) => reject(new Error(`crash-run exited ${code} before it was up`)));
  });
  process.kill(-child.pid!, 'SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  // The chassis outlive the run's process: their daemons are detached, in their namespaces.
  const { stdout: ps } = await run('ps', ['-eo', 'args']);
  expect(ps.split('\n').filter((l) => l.includes(names.runDir) && /^(ovs-vswitchd|ovn-controller|ovsdb-server)/.test(l)).length).toBe(6);
  expect((await sb(['--bare', '--columns=name', 'list', 'Chassis'])).split('\n').filter((n) => n.startsWith(`${runId}.`)).sort()).toEqual([names.chassis('n1'), names.chassis('n2')]);
  expect(await new LabTarget().down({ runId })).toEqual([runId]);
  await expectNoLeak(runId);
});

test('a VM on a node the spec does not list is a TargetError, and the half-built run leaves nothing', async () => {
  const ctx = context('mcbad');
  const bad = { ...spec(), vms: [...spec().vms, vm('lost', 'sa', { node: 'n9' })] };
  await expect(new LabTarget().up(bad, ctx)).rejects.toThrow(/has no node n9/);
  await expectNoLeak(ctx.runId);
});

test('VMs on other nodes leave through the node namespace (natOutgoing) and a NAT gateway, both on the first node', async () => {
  const lanIp = '10.92.1.254';
  const base = topology({
    vpcs: [vpc('vpc-nat', { staticRoutes: [{ cidr: '0.0.0.0/0', nextHopIP: lanIp, policy: 'policyDst' }] })],
    subnets: [subnet('s0', '10.92.0.0/24', { natOutgoing: true }), subnet('lan', '10.92.1.0/24', { vpc: 'vpc-nat' })],
    vms: [vm('out', 's0', { node: 'n2' }), vm('snat-vm', 'lan', { node: 'n2' }), vm('near', 's0', { node: 'n1' })],
    natGateways: [{ name: 'gw', vpc: 'vpc-nat', subnet: 'lan', lanIp, externalSubnets: ['ovn-vpc-external-network'] }],
    eips: [{ name: 'eip', natGwDp: 'gw', v4ip: '192.0.2.60', externalSubnet: 'ovn-vpc-external-network' }],
    snatRules: [{ name: 'snat', eip: 'eip', internalCIDR: '10.92.1.0/24' }],
  });
  const s: TopologySpec = { ...base, nodes: [{ name: 'n1' }, { name: 'n2' }] };
  const ctx = context('mcnat');
  const lab = await new LabTarget().up(s, ctx);
  try {
    await addDefaultRoutes(lab, s);
    await expectReply(lab, { from: 'near', to: 'internet' });
    await expectReply(lab, { from: 'out', to: 'internet' });
    await expectReply(lab, { from: 'snat-vm', to: 'internet' });
    // The upstream host saw the EIP: the packet crossed from n2 to the gateway on n1.
    const seen = await lab.exec('snat-vm', ['socat', '-T', '3', 'STDIO', `TCP:${lab.internetIP}:${SEEN_AS_PORT},connect-timeout=3`], { timeoutMs: 10_000 });
    expect(seen.stdout.trim()).toBe('192.0.2.60');
  } finally {
    await lab.down();
  }
  await expectNoLeak(ctx.runId);
});
