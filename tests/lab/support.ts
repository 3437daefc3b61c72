// Helpers of the lab integration tests: topologies as TopologySpec objects, plain probes run with
// `ip netns exec` (an answer is polled until the data plane converges; no answer is judged over a
// fixed window, beside positive controls of both ends), and the leak check every test ends with.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { expect } from '@playwright/test';
import type { Outcome, SecurityGroup, Subnet, TopologySpec, Vm, Vpc } from '../../lib/topology/types.ts';
import { DEFAULT_VPC, EXTERNAL, INTERNET, NO_NAT } from '../../lib/topology/types.ts';
import type { Logger, RunContext } from '../../lib/targets/target.ts';
import type { LabRealized } from '../../lib/targets/lab/lab-target.ts';
import { DEFAULT_LAB_DIR, RUNS_DIR, RunNames } from '../../lib/targets/lab/names.ts';
import { inNamespace } from '../../lib/targets/lab/proc.ts';
import { buildModel } from '../../lib/model/index.ts';
import { isIPv4 } from '../../lib/net/ipv4.ts';
import { withLabLock } from '../../lib/targets/lab/lock.ts';

export const quiet: Logger = { info: () => undefined, warn: () => undefined };

export function context(prefix: string): RunContext {
  return { runId: `${prefix}-${randomBytes(3).toString('hex')}`, log: quiet };
}

export function vpc(name: string, extra: Partial<Vpc> = {}): Vpc {
  return { name, vpcPeerings: [], staticRoutes: [], policyRoutes: [], implicit: false, ...extra };
}

export function subnet(name: string, cidrBlock: string, extra: Partial<Subnet> = {}): Subnet {
  const gateway = cidrBlock.replace(/\.0\/\d+$/, '.1');
  return { name, vpc: DEFAULT_VPC, cidrBlock, gateway, provider: `default/net-${name}`, private: false, allowSubnets: [], natOutgoing: false, excludeIps: [], enableDHCP: false, ...extra };
}

export function vm(name: string, subnetName: string, extra: Partial<Vm> = {}): Vm {
  return { name, network: `default/net-${subnetName}`, defaultRoute: true, binding: 'bridge', securityGroups: [], listen: [], ...extra };
}

/** The NAT objects of a spec; the external network is the lab's unless given. */
export type NatParts = Partial<Pick<TopologySpec, 'externalNetwork' | 'natGateways' | 'eips' | 'snatRules' | 'dnatRules' | 'fipRules'>>;

export function topology(parts: { vpcs?: Vpc[]; subnets: Subnet[]; vms: Vm[]; securityGroups?: SecurityGroup[]; platform?: TopologySpec['platform'] } & NatParts): TopologySpec {
  const vpcs = parts.vpcs ?? [];
  return {
    name: 'lab-test',
    platform: parts.platform ?? 'harvester',
    networks: parts.subnets.map((s) => ({ name: s.provider.split('/')[1]!, namespace: 'default', ref: s.provider })),
    vpcs: vpcs.some((v) => v.name === DEFAULT_VPC) ? vpcs : [vpc(DEFAULT_VPC, { implicit: true }), ...vpcs],
    subnets: parts.subnets,
    securityGroups: parts.securityGroups ?? [],
    vms: parts.vms,
    externalNetwork: parts.externalNetwork ?? NO_NAT.externalNetwork,
    natGateways: parts.natGateways ?? [],
    eips: parts.eips ?? [],
    snatRules: parts.snatRules ?? [],
    dnatRules: parts.dnatRules ?? [],
    fipRules: parts.fipRules ?? [],
  };
}

/** The docs' step: "ip route add default via <gateway> dev enp1s0" (`via`: another next hop, such as a lanIp). */
export async function addDefaultRoute(lab: LabRealized, name: string, via?: string): Promise<void> {
  const v = lab.vm(name);
  const r = await lab.exec(name, ['ip', 'route', 'replace', 'default', 'via', via ?? v.gateway, 'dev', v.nic]);
  expect(r.exitCode, r.stderr).toBe(0);
}

export async function addDefaultRoutes(lab: LabRealized, spec: TopologySpec): Promise<void> {
  await Promise.all(spec.vms.filter((v) => v.defaultRoute).map((v) => addDefaultRoute(lab, v.name, v.defaultRouteVia)));
}

/**
 * One probe: `from` is a VM name or "external" (the upstream host); `to` is a VM name,
 * "internet" or an IPv4 address (an EIP's); with `port`, a TCP connect.
 */
export interface Probe {
  readonly from: string;
  readonly to: string;
  readonly port?: number;
}

type Exec = (argv: readonly string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

/**
 * How long a positive outcome may take to show after a change: ovn-controller has installed the
 * new flows when --wait=hv returns, but the userspace datapath revalidates its cached flows a
 * moment later.
 */
const CONVERGE_MS = 5000;
/**
 * A negative outcome is judged only after that moment has passed for sure: revalidation runs at
 * the latest every other_config:max-revalidator, 500 ms by default
 * (openvswitch/ovs:vswitchd/vswitch.xml).
 */
const SETTLE_MS = 1000;
/** A negative outcome holds when none of this many attempts, one a second, gets an answer. */
const WINDOW_ATTEMPTS = 4;
const ATTEMPT_SPACING_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One ping, classified the way the docs describe the outcomes. */
async function pingOnce(exec: Exec, ip: string): Promise<Outcome> {
  const r = await exec(['ping', '-n', '-c', '1', '-W', '1', ip]);
  if (r.exitCode === 0) return 'reachable';
  if (/Network is unreachable/.test(r.stderr + r.stdout)) return 'network-unreachable';
  if (/100% packet loss/.test(r.stdout)) return 'timeout';
  return 'error';
}

/** One TCP connect: open, refused (RST) or timeout. */
async function connectOnce(exec: Exec, ip: string, port: number): Promise<Outcome> {
  const r = await exec(['nc', '-z', '-v', '-n', '-w', '2', ip, String(port)]);
  if (r.exitCode === 0) return 'reachable';
  if (/refused/i.test(r.stderr)) return 'refused';
  if (/timed out|Operation now in progress/i.test(r.stderr)) return 'timeout';
  return 'error';
}

function address(lab: LabRealized, to: string): string {
  return to === INTERNET ? lab.internetIP : isIPv4(to) ? to : lab.vm(to).ip;
}

function upstreamExec(lab: LabRealized): Exec {
  const ns = new RunNames(lab.runId).upstreamNamespace();
  return (argv) => inNamespace(ns, argv, { allowFailure: true, timeoutMs: 10_000 });
}

function attempt(lab: LabRealized, p: Probe): Promise<Outcome> {
  const exec: Exec = p.from === EXTERNAL ? upstreamExec(lab) : (argv) => lab.exec(p.from, argv, { timeoutMs: 10_000 });
  const ip = address(lab, p.to);
  return p.port === undefined ? pingOnce(exec, ip) : connectOnce(exec, ip, p.port);
}

const describe = (p: Probe) => `${p.from} -> ${p.to}${p.port === undefined ? ' icmp' : ` tcp/${p.port}`}`;

/** Polls `observe` up to CONVERGE_MS until it sees `wanted`, and asserts it did. */
async function expectConverges(observe: () => Promise<Outcome>, wanted: Outcome, what: string): Promise<void> {
  const deadline = Date.now() + CONVERGE_MS;
  let seen = await observe();
  while (seen !== wanted && Date.now() < deadline) {
    await sleep(200);
    seen = await observe();
  }
  expect(seen, what).toBe(wanted);
}

/** An answer (the probe's reply, or a RST for `refused`): polled until the data plane converges. */
export function expectReply(lab: LabRealized, p: Probe, wanted: 'reachable' | 'refused' = 'reachable', message?: string): Promise<void> {
  return expectConverges(() => attempt(lab, p), wanted, message ?? describe(p));
}

/**
 * No answer: first the positive controls (both ends are alive and answered where the model says
 * they are), then, after the settle time, a fixed window in which every attempt must show one of
 * `wanted`; a single reply fails it.
 */
export async function expectNoReply(lab: LabRealized, spec: TopologySpec, p: Probe, wanted: Outcome | readonly Outcome[], message?: string): Promise<void> {
  if (p.from === EXTERNAL) await expectInternetAlive(lab);
  else await expectAlive(lab, spec, p.from);
  const ip = address(lab, p.to);
  const owner = spec.vms.find((v) => lab.vm(v.name).ip === ip);
  if (owner) await expectAlive(lab, spec, owner.name);
  else if (ip === lab.internetIP) await expectInternetAlive(lab);
  else if (spec.eips.some((e) => e.v4ip === ip)) await expectEipHeld(lab, ip);
  await sleep(SETTLE_MS);
  const started = Date.now();
  const seen: Outcome[] = [];
  for (let i = 0; i < WINDOW_ATTEMPTS; i++) {
    await sleep(started + i * ATTEMPT_SPACING_MS - Date.now());
    seen.push(await attempt(lab, p));
  }
  const allowed = [wanted].flat();
  expect(seen.filter((o) => !allowed.includes(o)), `${message ?? describe(p)}: wanted ${allowed.join(' or ')} in every attempt, observed ${seen.join(', ')}`).toEqual([]);
}

/**
 * The positive control of a VM: the first probe from or to it that the model says is answered,
 * tried in this order: its own gateway, the other VMs both ways, then TCP to its listening ports
 * and the ports its security groups admit (a RST is an answer too).
 */
export function controlOf(lab: LabRealized, spec: TopologySpec, vm: string): { probe: Probe; outcome: 'reachable' | 'refused' } {
  const model = buildModel(spec, { internetIP: lab.internetIP });
  const me = spec.vms.find((v) => v.name === vm)!;
  const others = spec.vms.filter((v) => v.name !== vm).map((v) => v.name);
  const groups = spec.securityGroups.filter((g) => me.securityGroups.includes(g.name));
  const ports = [...new Set([...me.listen.map((l) => l.port), ...groups.flatMap((g) => g.ingressRules.flatMap((r) => (r.portRangeMin === undefined ? [] : [r.portRangeMin])))])];
  const candidates: Probe[] = [
    { from: vm, to: lab.vm(vm).gateway },
    ...others.map((o) => ({ from: vm, to: o })),
    ...others.map((o) => ({ from: o, to: vm })),
    ...others.flatMap((o) => ports.map((port) => ({ from: o, to: vm, port }))),
  ];
  for (const probe of candidates) {
    const { outcome } = model.predict({ from: probe.from, to: probe.to, probe: probe.port === undefined ? 'icmp' : 'tcp', ...(probe.port !== undefined && { port: probe.port }) });
    if (outcome === 'reachable' || outcome === 'refused') return { probe, outcome };
  }
  throw new Error(`${vm}: the model predicts no answered probe from or to it, so there is no positive control`);
}

/** `vm` is alive: its positive control is answered. */
export async function expectAlive(lab: LabRealized, spec: TopologySpec, vm: string): Promise<void> {
  const { probe, outcome } = controlOf(lab, spec, vm);
  await expectReply(lab, probe, outcome, `positive control of ${vm}: ${describe(probe)}`);
}

/** The lab's internet is alive: it answers the run's node namespace on its own subnet. */
async function expectInternetAlive(lab: LabRealized): Promise<void> {
  const ns = new RunNames(lab.runId).nodeNamespace();
  const exec: Exec = (argv) => inNamespace(ns, argv, { allowFailure: true, timeoutMs: 10_000 });
  await expectConverges(() => pingOnce(exec, lab.internetIP), 'reachable', `positive control of the internet: node -> ${lab.internetIP} icmp`);
}

/** An EIP is held by a gateway: it answers the upstream host's ARP, whatever its NAT does with the echo. */
async function expectEipHeld(lab: LabRealized, ip: string): Promise<void> {
  const exec = upstreamExec(lab);
  await exec(['ping', '-n', '-c', '1', '-W', '1', ip]);
  const { stdout } = await exec(['ip', '-4', 'neigh', 'show', ip]);
  expect(stdout, `positive control of EIP ${ip}: the upstream host resolved it`).toMatch(/lladdr \S+ (REACHABLE|STALE|DELAY|PROBE)/);
}

/**
 * Nothing of the run is left: no namespaces, no process of its dir (a chassis' daemons), no
 * OVN/OVS rows (the lab is gone or clean: NB rows, southbound chassis, root bridge ports), no files.
 */
export async function expectNoLeak(runId: string, labDir = '/run/vpcheck/lab'): Promise<void> {
  const { stdout } = await execa('ip', ['netns', 'list']);
  expect(stdout.split('\n').filter((l) => l.startsWith(`vpcheck-${runId}.`))).toEqual([]);
  const { stdout: ps } = await execa('ps', ['-eo', 'pid,args']);
  expect(ps.split('\n').filter((l) => l.includes(`${RUNS_DIR}/${runId}/`)), `processes of run ${runId}`).toEqual([]);
  expect(existsSync(`${RUNS_DIR}/${runId}`)).toBe(false);
  if (existsSync(`${labDir}/nb.sock`)) {
    for (const table of ['Logical_Router', 'Logical_Switch', 'Port_Group', 'Address_Set', 'DHCP_Options']) {
      const r = await execa('ovn-nbctl', [`--db=unix:${labDir}/nb.sock`, '--bare', '--columns=_uuid', 'find', table, `external_ids:vpcheck-run=${runId}`], { reject: false });
      if (r.exitCode === 0) expect(r.stdout.trim(), `${table} rows of run ${runId}`).toBe('');
    }
  }
  if (existsSync(`${labDir}/sb.sock`)) {
    for (const [table, column] of [['Chassis', 'name'], ['Chassis_Private', 'name'], ['Encap', 'chassis_name']]) {
      const r = await execa('ovn-sbctl', [`--db=unix:${labDir}/sb.sock`, '--bare', `--columns=${column}`, 'list', table!], { reject: false });
      if (r.exitCode === 0) expect(r.stdout.split('\n').filter((n) => n.startsWith(`${runId}.`)), `${table} rows of run ${runId}`).toEqual([]);
    }
  }
  if (existsSync(`${labDir}/conf.sock`)) {
    const r = await execa('ovs-vsctl', [`--db=unix:${labDir}/conf.sock`, '--bare', '--columns=name', 'find', 'Interface', `external_ids:vpcheck-run=${runId}`], { reject: false });
    if (r.exitCode === 0) expect(r.stdout.trim(), `bridge ports of run ${runId}`).toBe('');
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
