// Every seed topology file: load it, build it, and check each `expect:` line with a plain ping
// (or TCP connect) from inside the source VM's namespace, phase by phase.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import type { Expectation, TopologySpec } from '../../lib/topology/types.ts';
import { LabTarget, type LabRealized } from '../../lib/targets/lab/lab-target.ts';
import { context, expectNoLeak, expectNoReply, expectReply } from './support.ts';

const dir = fileURLToPath(new URL('../../topologies/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

/**
 * The docs' default-route step for VMs that take it; VMs that do not are left as booted. A
 * managedtap guest takes its lease instead, and with it the route DHCP gives.
 */
async function routes(lab: LabRealized, spec: TopologySpec): Promise<void> {
  await Promise.all(spec.vms.map(async (vm) => {
    const lease = await lab.lease(vm.name);
    if (lease) return expect(lease.ok, lease.detail).toBe(true);
    const v = lab.vm(vm.name);
    return lab.exec(vm.name, vm.defaultRoute ? ['ip', 'route', 'replace', 'default', 'via', vm.defaultRouteVia ?? v.gateway, 'dev', v.nic] : ['ip', 'route', 'del', 'default']);
  }));
}

/**
 * An mtu or bulk line with the plain tools: one Don't-Fragment ping of its size (two tries, a first
 * packet may wait for ARP), or its bytes through the echo service and back, counted. A timeout
 * counts only beside its small twin answering (a 56-byte ping, a 64-byte transfer).
 */
async function sized(lab: LabRealized, e: Expectation, ip: string): Promise<string> {
  const mtu = (size: number) => lab.exec(e.from, ['ping', '-n', '-M', 'do', '-c', '2', '-W', '1', '-s', String(size), ip]);
  const bulk = async (size: number) => Number((await lab.exec(e.from, ['bash', '-c', `timeout 20 bash -c 'exec 3<>/dev/tcp/${ip}/${e.port}; head -c ${size} /dev/zero >&3 & head -c ${size} <&3' | wc -c`])).stdout.trim());
  if (e.probe === 'mtu') {
    const r = await mtu(e.size!);
    if (r.exitCode === 0) return 'reachable';
    if (/message too long/i.test(r.stdout + r.stderr)) return 'message-too-long';
    expect((await mtu(56)).exitCode, `${e.from} -> ${ip}: the 56-byte control ping`).toBe(0);
    return 'timeout';
  }
  if ((await bulk(e.size!)) === e.size) return 'reachable';
  expect(await bulk(64), `${e.from} -> ${ip}:${e.port}: the 64-byte control transfer`).toBe(64);
  return 'timeout';
}

/** An expect line: an answer polled until it shows; no answer judged over a window beside controls. */
async function check(lab: LabRealized, spec: TopologySpec, e: Expectation, phase: string): Promise<void> {
  // An EIP by its address: the plain probes know addresses, not NAT objects.
  const to = spec.eips.find((x) => x.name === e.to)?.v4ip ?? e.to;
  if (e.probe === 'mtu' || e.probe === 'bulk') {
    const ip = spec.vms.some((v) => v.name === to) ? lab.vm(to).ip : to;
    const wanted = e.outcome ?? (e.reachable ? 'reachable' : undefined);
    const seen = await sized(lab, e, ip);
    if (wanted) expect(seen, `${phase}: ${e.path} ${e.from} -> ${e.to} ${e.probe} ${e.size}`).toBe(wanted);
    else expect(seen, `${phase}: ${e.path}`).not.toBe('reachable');
    return;
  }
  const probe = { from: e.from, to, ...(e.probe === 'tcp' && { port: e.port! }) };
  const what = `${phase}: ${e.path} ${e.from} -> ${e.to}`;
  const wanted = e.outcome ?? (e.reachable ? 'reachable' : undefined);
  if (wanted === 'reachable' || wanted === 'refused') await expectReply(lab, probe, wanted, what);
  else await expectNoReply(lab, spec, probe, wanted ?? ['timeout', 'network-unreachable', 'refused'], what);
}

test('the seed topologies exist', () => {
  expect(files.length).toBeGreaterThan(0);
});

for (const file of files) {
  test(`seed topology ${file}: every expect line holds in the lab`, async () => {
    const { topology, diagnostics } = await loadTopologyFile(dir + file);
    expect(topology, JSON.stringify(diagnostics.filter((d) => d.severity === 'error'))).toBeDefined();
    const ctx = context('seed');
    const lab = await new LabTarget().up(topology!, ctx);
    try {
      await routes(lab, topology!);
      for (const e of topology!.expect) await check(lab, topology!, e, 'initial');
      for (const phase of topology!.phases) {
        await lab.update(phase.topology);
        await routes(lab, phase.topology);
        for (const e of phase.expect) await check(lab, phase.topology, e, phase.name);
      }
    } finally {
      await lab.down();
    }
    await expectNoLeak(ctx.runId);
  });
}
