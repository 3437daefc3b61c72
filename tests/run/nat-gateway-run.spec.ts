// On the lab, the seed of the VPC NAT gateway through the runner, with something of the built
// gateway broken before probing: an internet cell that gets its answer through the wrong EIP
// fails on the source the upstream saw; a timeout from the external host towards an EIP no
// gateway holds is inconclusive, not a verdict; and a target without an external host runs none
// of the external cells and passes none of them.
import { expect, test } from '@playwright/test';
import { resultJson } from '../../lib/report/json.ts';
import { renderRun } from '../../lib/report/terminal.ts';
import type { CellResult, RunResult } from '../../lib/run/result.ts';
import { DEFAULT_RUN_SETTINGS, Runner, type RunSettings } from '../../lib/run/runner.ts';
import { LabTarget, type LabRealized } from '../../lib/targets/lab/lab-target.ts';
import type { Realized, Target } from '../../lib/targets/target.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import { quiet } from '../lab/support.ts';

const SEED = 'topologies/vpc-nat-gateway.yaml';

async function run(target: Target, settings: Partial<RunSettings>, breakIt?: (lab: LabRealized) => Promise<void>): Promise<RunResult> {
  const { topology } = await loadTopologyFile(SEED);
  const runner = await Runner.start(topology!, target, { ...DEFAULT_RUN_SETTINGS, transport: 'exec', retries: 0, ...settings }, quiet);
  const failure = await (async () => {
    await breakIt?.(runner.realized as LabRealized);
    await runner.runAll();
  })().then(() => undefined, (e: unknown) => e ?? new Error('failed'));
  // The result as written to disk, so the test reads what a user reads.
  const result = JSON.parse(resultJson([await runner.finish()])) as RunResult;
  if (failure) throw failure;
  return result;
}

const cell = (result: RunResult, from: string, to: string, port?: number): CellResult =>
  result.phases[0]!.results.find((c) => c.from === from && c.to === to && c.port === port)!;

test('an internet cell answered through another EIP than the model\'s fails on the source the upstream saw', async () => {
  const result = await run(new LabTarget(), { phase: 'initial' }, async (lab) => {
    // snat01 as if it named eip-fip: the subnet's traffic leaves as 192.0.2.101.
    const r = await lab.natGatewayExec('gw1', ['iptables', '-t', 'nat', '-R', 'SHARED_SNAT', '1', '-o', 'net1', '-s', '172.20.10.0/24', '-j', 'SNAT', '--to-source', '192.0.2.101']);
    expect(r.exitCode, r.stderr).toBe(0);
  });
  const web = cell(result, 'vm-web', 'internet');
  expect(web).toMatchObject({ expected: 'reachable', observed: 'reachable', pass: false });
  expect(web.detail).toMatchObject({ seenAs: '192.0.2.101', note: 'the upstream saw 192.0.2.101 (EIP eip-fip) as the source, the model expects 192.0.2.100 (snat01)' });
  // The evidence: the gateway's rules with their packet counters, the broken one included.
  const table = web.diagnostics!.find((d) => d.title === "NAT gateway gw1's nat table")!;
  expect(table.output).toMatch(/\n\s*[1-9]\d*\s+\d+\s+SNAT\s.*172\.20\.10\.0\/24\s.*to:192\.0\.2\.101/);
  // The FIP's own rule is untouched: vm-fip is seen as its EIP, as the model says.
  expect(cell(result, 'vm-fip', 'internet')).toMatchObject({ pass: true, detail: { seenAs: '192.0.2.101' } });
  expect(result.summary.failed).toBeGreaterThan(0);
  // The terminal: the cell differs in the grid though its outcome is the expected one; the sources seen.
  const text = renderRun(result, { color: false, vms: ['vm-web', 'vm-fip', 'vm-lan'], groupOf: () => 'subnetinternal' });
  expect(text).toMatch(/^ +1 vm-web +- \. \. X$/m);
  expect(text).toContain('FAIL vm-web -> internet (192.0.2.1) icmp: expected reachable, observed reachable');
  expect(text).toContain('  probe: the upstream saw 192.0.2.101 (EIP eip-fip) as the source, the model expects 192.0.2.100 (snat01)');
  expect(text).toMatch(/source address the upstream saw: 192\.0\.2\.101 from (vm-web|vm-fip|vm-lan), (vm-web|vm-fip|vm-lan), (vm-web|vm-fip|vm-lan)$/m);
});

test('a timeout from the external host towards an EIP that no gateway holds is inconclusive', async () => {
  const result = await run(new LabTarget(), { phase: 'no route to the gateway' }, async (lab) => {
    const r = await lab.natGatewayExec('gw1', ['ip', 'addr', 'del', '192.0.2.101/24', 'dev', 'net1']);
    expect(r.exitCode, r.stderr).toBe(0);
  });
  const [phase] = result.phases;
  const external = phase!.controls.find((c) => c.vm === 'external')!;
  expect(external.ok).toBe(true);
  expect(external.checks.filter((c) => c.check === 'neighbour').map((c) => [c.detail.split(' ')[0], c.ok]).sort()).toEqual([['192.0.2.100', true], ['192.0.2.101', false]]);
  const fip = cell(result, 'external', 'eip-fip');
  expect(fip.expected).toBe('timeout');
  expect(fip.tries.at(-1)!.outcome).toBe('timeout');
  expect(fip).toMatchObject({ observed: 'error', pass: false });
  expect(fip.detail.note).toBe('observed timeout, but eip-fip failed its positive control (EIP eip-fip (192.0.2.101) did not answer ARP on the external host: no NAT gateway holds it): inconclusive');
  // The EIP that is held keeps its verdicts: the timeout of the lost reply, the gateway's RST.
  expect(cell(result, 'external', 'eip-snat', 8080)).toMatchObject({ expected: 'timeout', observed: 'timeout', pass: true });
  expect(cell(result, 'external', 'eip-snat', 9090)).toMatchObject({ expected: 'refused', observed: 'refused', pass: true });
});

test('a target without an external host runs none of the external cells, and they do not pass', async () => {
  const lab = new LabTarget();
  // The lab as a target that has no host on the external network (as kubeovn and harvester now).
  const withoutExternal: Target = {
    kind: 'kubeovn',
    transports: ['exec'],
    versions: () => lab.versions(),
    down: (which) => lab.down(which),
    up: async (spec, context) => {
      const realized = await lab.up(spec, context);
      return new Proxy(realized, {
        get: (t, p) => {
          if (p === 'externalSession') return undefined;
          const v = Reflect.get(t, p, t) as unknown;
          return typeof v === 'function' ? v.bind(t) : v;
        },
      }) as Realized;
    },
  };
  const result = await run(withoutExternal, { phase: 'initial' });
  const [phase] = result.phases;
  const external = phase!.results.filter((c) => c.from === 'external');
  expect(external.length).toBe(3);
  for (const c of external) {
    expect(c).toMatchObject({ observed: 'error', pass: false, tries: [] });
    expect(c.detail.note).toBe("not run: the kubeovn target has no external host to probe from (name a host on the cluster's external network with --external-host [user@]host[:port]; the lab's is its upstream host 192.0.2.1)");
  }
  expect(phase!.controls.map((c) => c.vm)).not.toContain('external');
  // Everything else is judged as usual; the summary counts the three as not passed.
  expect(phase!.results.filter((c) => c.from !== 'external' && !c.pass)).toEqual([]);
  expect(result.summary).toEqual({ passed: phase!.results.length - 3, failed: 3, errors: 3 });
});
