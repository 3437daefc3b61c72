// Helpers of the lab integration tests: topologies as TopologySpec objects, plain probes run with
// `ip netns exec`, and the leak check every test ends with.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { expect } from '@playwright/test';
import type { Outcome, SecurityGroup, Subnet, TopologySpec, Vm, Vpc } from '../../lib/topology/types.ts';
import { DEFAULT_VPC } from '../../lib/topology/types.ts';
import type { Logger, RunContext } from '../../lib/targets/target.ts';
import type { LabRealized } from '../../lib/targets/lab/lab-target.ts';
import { DEFAULT_LAB_DIR, RUNS_DIR } from '../../lib/targets/lab/names.ts';
import { withLabLock } from '../../lib/targets/lab/lock.ts';

export const quiet: Logger = { info: () => undefined, warn: () => undefined };

export function context(prefix: string): RunContext {
  return { runId: `${prefix}-${randomBytes(3).toString('hex')}`, log: quiet };
}

export function vpc(name: string, extra: Partial<Vpc> = {}): Vpc {
  return { name, vpcPeerings: [], staticRoutes: [], implicit: false, ...extra };
}

export function subnet(name: string, cidrBlock: string, extra: Partial<Subnet> = {}): Subnet {
  const gateway = cidrBlock.replace(/\.0\/\d+$/, '.1');
  return { name, vpc: DEFAULT_VPC, cidrBlock, gateway, provider: `default/net-${name}`, private: false, allowSubnets: [], natOutgoing: false, excludeIps: [], ...extra };
}

export function vm(name: string, subnetName: string, extra: Partial<Vm> = {}): Vm {
  return { name, network: `default/net-${subnetName}`, defaultRoute: true, securityGroups: [], listen: [], ...extra };
}

export function topology(parts: { vpcs?: Vpc[]; subnets: Subnet[]; vms: Vm[]; securityGroups?: SecurityGroup[]; platform?: TopologySpec['platform'] }): TopologySpec {
  const vpcs = parts.vpcs ?? [];
  return {
    name: 'lab-test',
    platform: parts.platform ?? 'harvester',
    networks: parts.subnets.map((s) => ({ name: s.provider.split('/')[1]!, namespace: 'default', ref: s.provider })),
    vpcs: vpcs.some((v) => v.name === DEFAULT_VPC) ? vpcs : [vpc(DEFAULT_VPC, { implicit: true }), ...vpcs],
    subnets: parts.subnets,
    securityGroups: parts.securityGroups ?? [],
    vms: parts.vms,
  };
}

/** The docs' step: "ip route add default via <gateway> dev enp1s0". */
export async function addDefaultRoute(lab: LabRealized, name: string): Promise<void> {
  const v = lab.vm(name);
  const r = await lab.exec(name, ['ip', 'route', 'replace', 'default', 'via', v.gateway, 'dev', v.nic]);
  expect(r.exitCode, r.stderr).toBe(0);
}

export async function addDefaultRoutes(lab: LabRealized, spec: TopologySpec): Promise<void> {
  await Promise.all(spec.vms.filter((v) => v.defaultRoute).map((v) => addDefaultRoute(lab, v.name)));
}

/**
 * Waits (at most 5 s) until `probe` observes `wanted`, and returns the last observation. After
 * an update, ovn-controller has installed the new flows when --wait=hv returns, but the
 * userspace datapath revalidates its cached flows a moment later: the data plane converges.
 */
async function until(probe: () => Promise<Outcome>, wanted?: Outcome): Promise<Outcome> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const seen = await probe();
    if (wanted === undefined || seen === wanted || Date.now() > deadline) return seen;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A plain ping, classified the way the docs describe the outcomes; see `until` for `wanted`. */
export function ping(lab: LabRealized, from: string, ip: string, wanted?: Outcome): Promise<Outcome> {
  return until(async () => {
    const r = await lab.exec(from, ['ping', '-n', '-c', '1', '-W', '1', ip], { timeoutMs: 10_000 });
    if (r.exitCode === 0) return 'reachable';
    if (/Network is unreachable/.test(r.stderr + r.stdout)) return 'network-unreachable';
    if (/100% packet loss/.test(r.stdout)) return 'timeout';
    return 'error';
  }, wanted);
}

/** A TCP connect: open, refused (RST) or timeout; see `until` for `wanted`. */
export function connect(lab: LabRealized, from: string, ip: string, port: number, wanted?: Outcome): Promise<Outcome> {
  return until(async () => {
    const r = await lab.exec(from, ['nc', '-z', '-v', '-n', '-w', '2', ip, String(port)], { timeoutMs: 10_000 });
    if (r.exitCode === 0) return 'reachable';
    if (/refused/i.test(r.stderr)) return 'refused';
    if (/timed out|Operation now in progress/i.test(r.stderr)) return 'timeout';
    return 'error';
  }, wanted);
}

/** Nothing of the run is left: no namespaces, no OVN/OVS rows (the lab is gone or clean), no files. */
export async function expectNoLeak(runId: string, labDir = '/run/vpcheck/lab'): Promise<void> {
  const { stdout } = await execa('ip', ['netns', 'list']);
  expect(stdout.split('\n').filter((l) => l.startsWith(`vpcheck-${runId}.`))).toEqual([]);
  expect(existsSync(`${RUNS_DIR}/${runId}`)).toBe(false);
  if (existsSync(`${labDir}/nb.sock`)) {
    for (const table of ['Logical_Router', 'Logical_Switch', 'Port_Group', 'Address_Set']) {
      const r = await execa('ovn-nbctl', [`--db=unix:${labDir}/nb.sock`, '--bare', '--columns=name', 'find', table, `external_ids:vpcheck-run=${runId}`], { reject: false });
      if (r.exitCode === 0) expect(r.stdout.trim(), `${table} rows of run ${runId}`).toBe('');
    }
  }
}

/**
 * Runs `body` with the machine's userspace datapath to itself (one vswitchd per machine): waits
 * until the shared lab is idle, then holds its lock so no run can start there meanwhile.
 */
export async function withMachineToItself(body: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 100_000;
  for (;;) {
    const done = await withLabLock(DEFAULT_LAB_DIR, async () => {
      if (existsSync(`${DEFAULT_LAB_DIR}/ovs-vswitchd.pid`)) return false;
      await body();
      return true;
    });
    if (done) return;
    if (Date.now() > deadline) throw new Error('the shared lab never became idle');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Daemons of a lab dir still running (by their pid files). */
export function labProcesses(labDir: string): number[] {
  return ['ovsdb-server-conf', 'ovsdb-server-nb', 'ovsdb-server-sb', 'ovs-vswitchd', 'ovn-northd', 'ovn-controller']
    .map((d) => `${labDir}/${d}.pid`).filter(existsSync).map((f) => Number(readFileSync(f, 'utf8')))
    .filter((pid) => existsSync(`/proc/${pid}`));
}
