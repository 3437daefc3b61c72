// mtu and bulk cells through the run engine on the lab, over each transport: an MTU black hole
// made by lowering the OVS-side veth of VM b to 1400 while guests a, b and c have MTU 1500 (the
// userspace datapath cannot send the bigger frames: ovs-vswitchd logs "Message too long" and drops
// them), and VM d with the overlay's guest MTU, 1400. The cells are built here, as the model will make them from
// `probes.mtu` and `probes.bulk`; the engine probes, judges and reports them like icmp and tcp.
import { execa } from 'execa';
import { expect, test } from '@playwright/test';
import { cellsOf, type Cell, type NetworkOutcome } from '../../lib/model/index.ts';
import { renderJunit } from '../../lib/report/junit.ts';
import { renderRun } from '../../lib/report/terminal.ts';
import { DEFAULT_SETTINGS } from '../../lib/probes/types.ts';
import { DEFAULT_RUN_SETTINGS, Runner } from '../../lib/run/runner.ts';
import type { CellResult } from '../../lib/run/result.ts';
import { LabTarget } from '../../lib/targets/lab/lab-target.ts';
import { RunNames } from '../../lib/targets/lab/names.ts';
import type { Transport } from '../../lib/sessions/session.ts';
import type { ProbeKind, Topology } from '../../lib/topology/types.ts';
import { expectNoLeak, quiet, subnet, topology as specOf, vm } from '../lab/support.ts';

const ECHO = 7000;
const MB10 = 10_000_000;
const listen = [{ protocol: 'tcp' as const, port: ECHO }];
const spec = specOf({ subnets: [subnet('s1', '10.77.0.0/24')], vms: [vm('a', 's1', { mtu: 1500 }), vm('b', 's1', { listen, mtu: 1500 }), vm('c', 's1', { listen, mtu: 1500 }), vm('d', 's1')] });
const topology: Topology = {
  ...spec,
  apiVersion: 'vpcheck/v1',
  kind: 'Topology',
  probes: { mesh: true, internet: false, icmp: [], tcp: [], mtu: [], bulk: [] },
  expect: [],
  phases: [],
  source: { file: 'size-cells.yaml', sha256: '', locate: () => undefined },
};

const sized = (from: string, to: string, probe: ProbeKind, size: number, expected: NetworkOutcome): Cell => ({
  from, to, probe, size, expected, predicted: expected, ...(probe === 'bulk' && { port: ECHO }),
});
const EXTRA: readonly Cell[] = [
  sized('a', 'b', 'mtu', 1472, 'timeout'),
  sized('a', 'b', 'mtu', 1372, 'reachable'),
  sized('a', 'c', 'mtu', 1472, 'reachable'),
  // Fails on purpose: the guest's own MTU refuses it, so the cell gets a reproduction and diagnostics.
  sized('d', 'c', 'mtu', 1472, 'reachable'),
  sized('a', 'b', 'bulk', MB10, 'timeout'),
  sized('a', 'c', 'bulk', MB10, 'reachable'),
  sized('d', 'c', 'bulk', MB10, 'reachable'),
];

const find = (cells: readonly CellResult[], from: string, to: string, probe: ProbeKind, size: number) =>
  cells.find((c) => c.from === from && c.to === to && c.probe === probe && c.size === size)!;

for (const transport of ['exec', 'console', 'ssh'] as const satisfies readonly Transport[]) {
  test(`mtu and bulk cells over ${transport}: black hole, guest MTU, stall and throughput, judged and reported`, async () => {
    test.setTimeout(240_000);
    const settings = {
      ...DEFAULT_RUN_SETTINGS, transport, retries: 0,
      // 10 MB in at most 10 s: the lab moves it in 0.1-2.6 s at load average 20, and a suite
      // running beside it has been seen to stretch that past 5 s.
      probes: { ...DEFAULT_SETTINGS, bulkMinSec: 10, bulkMinBytesPerSec: 1_000_000 },
    };
    const runner = await Runner.start(topology, new LabTarget(), settings, quiet, [], (t, o) => cellsOf(t, o).map((p) => ({ ...p, cells: [...p.cells, ...EXTRA] })));
    const runId = runner.realized.runId;
    let failure: unknown;
    try {
      await execa('ip', ['link', 'set', new RunNames(runId).hostIf('vm', 'b'), 'mtu', '1400']);
      const began = Date.now();
      await runner.runAll();
      test.info().annotations.push({ type: 'measured', description: `${transport}: phase with 12 icmp, 4 mtu and 3 bulk cells in ${Date.now() - began} ms` });
    } catch (e) {
      failure = e;
    }
    const result = await runner.finish();
    await expectNoLeak(runId);
    if (failure) throw failure;

    const cells = result.phases[0]!.results;
    expect(cells.filter((c) => c.probe === 'icmp').every((c) => c.pass)).toBe(true);
    expect(find(cells, 'a', 'b', 'mtu', 1472)).toMatchObject({ observed: 'timeout', pass: true, size: 1472, detail: { control: 'reachable', largestPayload: 1372, loss: 100 } });
    expect(find(cells, 'a', 'b', 'mtu', 1372)).toMatchObject({ observed: 'reachable', pass: true, detail: { control: 'reachable' } });
    expect(find(cells, 'a', 'c', 'mtu', 1472)).toMatchObject({ observed: 'reachable', pass: true });

    const tooLong = find(cells, 'd', 'c', 'mtu', 1472);
    expect(tooLong).toMatchObject({
      observed: 'message-too-long', pass: false,
      detail: { control: 'reachable', largestPayload: 1372, note: "the sender's MTU is 1400" },
      reproduce: { console: `ping -M do -c 3 -W 1 -s 1472 ${tooLong.toIp}` },
    });
    // The lab's evidence traces an echo request: an mtu probe's packets are ICMP.
    const trace = tooLong.diagnostics!.find((e) => e.title.includes('ovn-trace'));
    expect(trace?.command).toContain('icmp4.type == 8');

    const stall = find(cells, 'a', 'b', 'bulk', MB10);
    expect(stall).toMatchObject({ observed: 'timeout', pass: true, port: ECHO, detail: { control: 'reachable' } });
    expect(stall.detail.bytes).toBeLessThan(MB10);
    expect(stall.detail.transferMs).toBeGreaterThanOrEqual(5000);
    for (const from of ['a', 'd']) {
      const moved = find(cells, from, 'c', 'bulk', MB10);
      expect(moved).toMatchObject({ observed: 'reachable', pass: true, detail: { bytes: MB10, control: 'reachable' } });
      expect(moved.detail.throughputMbps).toBeGreaterThan(0);
      test.info().annotations.push({ type: 'measured', description: `${transport}: ${from} -> c 10 MB in ${moved.detail.transferMs} ms (${moved.detail.throughputMbps} Mbit/s)` });
    }

    const text = renderRun(result, { color: false, groupOf: () => 's1', vms: ['a', 'b', 'c', 'd'] });
    expect(text).toContain(`FAIL d -> c (${tooLong.toIp}) mtu 1472: expected reachable, observed message-too-long after 1 try`);
    expect(text).toContain('  measured: largest passing payload 1372 of 1472; the small probe beside it: reachable');
    expect(text).toMatch(/ {2}a -> c bulk 10 MB tcp\/7000: reachable, 10 MB back in \d+ ms \([\d.]+ Mbit\/s\)/);
    expect(text).toMatch(/ {2}a -> b bulk 10 MB tcp\/7000: timeout, \d+ B of 10 MB back in \d+ ms/);
    const junit = renderJunit(result);
    expect(junit).toContain('<testcase name="d -&gt; c mtu 1472"');
    expect(junit).toContain('<testcase name="a -&gt; c bulk 10 MB tcp/7000"');
  });
}
