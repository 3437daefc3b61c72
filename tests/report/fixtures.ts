// RunResults built in code for report tests: two VPCs peered, one subnet each, and a phase in
// which the peering's return route is missing, so the matrix has passing, failing and error cells.
import type { Expected } from '../../lib/model/index.ts';
import type { Layout } from '../../lib/run/layout.ts';
import type { CellResult, PhaseResult, RunResult, VmControl } from '../../lib/run/result.ts';
import { summarize } from '../../lib/run/result.ts';
import type { Outcome } from '../../lib/topology/types.ts';

export const LAYOUT: Layout = {
  vpcs: [
    { name: 'vpc-a', cidr: '10.1.0.0/16', subnets: [{ name: 'sub-a', cidrBlock: '10.1.0.0/24', gateway: '10.1.0.1', private: false, natOutgoing: false }],
      peerings: [{ remoteVpc: 'vpc-b', localConnectIP: '169.254.0.1/30' }], routes: [{ cidr: '10.2.0.0/16', nextHopIP: '169.254.0.2' }] },
    { name: 'vpc-b', cidr: '10.2.0.0/16', subnets: [{ name: 'sub-b', cidrBlock: '10.2.0.0/24', gateway: '10.2.0.1', private: true, natOutgoing: false }],
      peerings: [{ remoteVpc: 'vpc-a', localConnectIP: '169.254.0.2/30' }], routes: [{ cidr: '10.1.0.0/16', nextHopIP: '169.254.0.1' }] },
  ],
  vms: [
    { name: 'vm-a1', ip: '10.1.0.2', subnet: 'sub-a', defaultRoute: true },
    { name: 'vm-a2', ip: '10.1.0.3', subnet: 'sub-a', defaultRoute: true },
    { name: 'vm-b1', ip: '10.2.0.2', subnet: 'sub-b', defaultRoute: true },
  ],
};

const IPS: Record<string, string> = { 'vm-a1': '10.1.0.2', 'vm-a2': '10.1.0.3', 'vm-b1': '10.2.0.2', internet: '192.0.2.1' };

export function cell(from: string, to: string, expected: Expected, observed: Outcome, extra: Partial<CellResult> = {}): CellResult {
  const pass = observed === expected || (expected === 'not-reachable' && observed !== 'reachable' && observed !== 'error');
  const toIp = IPS[to] ?? to;
  return {
    from, to, probe: 'icmp', toIp, expected, observed, pass,
    reason: pass ? `${from} and ${to}: as modelled` : `vpc-b has no route to ${IPS[from]}`,
    tries: [{ outcome: observed, atMs: 10, raw: `PING ${toIp}: ${observed}\n` }],
    detail: {},
    ...(!pass && { reproduce: { console: `ping -c 3 -W 1 ${toIp}`, explain: `vpcheck explain t.yaml --from ${from} --to ${to}` } }),
    ...extra,
  };
}

/** Controls with the guests' own view: vm-a1 pinned, vm-a2 with a DHCP lease, vm-b1's busybox ip has no JSON. */
export const CONTROLS: readonly VmControl[] = [
  { vm: 'vm-a1', ok: true, checks: [], guest: { status: 'observed', interfaces: [{ name: 'enp1s0', mtu: 1400, state: 'UP', addresses: [{ cidr: '10.1.0.2/24' }] }], routes: [{ dst: 'default', gateway: '10.1.0.1', dev: 'enp1s0' }, { dst: '10.1.0.0/24', dev: 'enp1s0', protocol: 'kernel' }] } },
  { vm: 'vm-a2', ok: true, checks: [], guest: { status: 'observed', interfaces: [{ name: 'enp1s0', mtu: 1400, state: 'UP', addresses: [{ cidr: '10.1.0.3/24', lease: { remainingSec: 600 } }] }], routes: [{ dst: 'default', gateway: '10.1.0.1', dev: 'enp1s0', protocol: 'dhcp' }] } },
  { vm: 'vm-b1', ok: true, checks: [], guest: { status: 'unavailable', reason: 'ip -j addr show failed (exit 1; no JSON output from this ip?): BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.' } },
];

function phase(name: string, results: CellResult[], controls: readonly VmControl[] = []): PhaseResult {
  return { name, startedAt: '2026-11-23T10:00:00.000Z', durationMs: 1500, applyMs: 0, prepareMs: 200, probeMs: 1300, controls, results, layout: LAYOUT };
}

/** Phase "initial" all passes; phase "return route removed" has 2 failing cells and 1 error. */
export function sampleResult(overrides: Partial<RunResult> = {}): RunResult {
  const mesh = (fail: boolean): CellResult[] => [
    cell('vm-a1', 'vm-a2', 'reachable', 'reachable'),
    cell('vm-a1', 'vm-b1', 'reachable', fail ? 'timeout' : 'reachable', fail ? { diagnostics: [{ title: 'ovn-trace', command: 'ovn-trace ls-b ...', output: 'lr_in_ip_routing priority 0: drop;' }] } : {}),
    cell('vm-a1', 'internet', 'not-reachable', 'timeout'),
    cell('vm-a2', 'vm-a1', 'reachable', 'reachable'),
    cell('vm-a2', 'vm-b1', 'reachable', fail ? 'timeout' : 'reachable'),
    cell('vm-a2', 'internet', 'not-reachable', 'timeout'),
    cell('vm-b1', 'vm-a1', 'reachable', fail ? 'error' : 'reachable', fail ? { detail: { note: 'session: console did not answer' } } : {}),
    cell('vm-b1', 'vm-a2', 'reachable', 'reachable'),
    cell('vm-b1', 'internet', 'not-reachable', 'timeout'),
    { ...cell('vm-a1', 'vm-b1', 'refused', 'refused'), probe: 'tcp', port: 443 },
  ];
  const phases = [phase('initial', mesh(false)), phase('return route removed', mesh(true), CONTROLS)];
  return {
    topology: 'peering-demo', file: 'topologies/peering-demo.yaml', topologySha256: 'ab'.repeat(32), target: 'lab', transport: 'console',
    runId: 'peering-demo-0a1b2c', vpcheckVersion: '0.1.0', versions: { ovs: '3.1.0', ovn: '23.03.1', kernel: '6.1.0' },
    startedAt: '2026-11-23T10:00:00.000Z', endedAt: '2026-11-23T10:00:03.000Z',
    warnings: ['topologies/peering-demo.yaml:12:9: warning: vpcs[1].staticRoutes: example warning'],
    phases, summary: summarize(phases), ...overrides,
  };
}
