// The order of the probe phase: cells expected to answer first, a bounded number of source VMs at a
// time; then the cells expected to get no answer, from every VM at once, in one shared window.
import { expect, test } from '@playwright/test';
import { loadTopology } from '../../lib/topology/load.ts';
import { DEFAULT_RUN_SETTINGS, Runner } from '../../lib/run/runner.ts';
import type { Target } from '../../lib/targets/target.ts';
import { expectNoLeak } from '../lab/support.ts';
import { labWithSessions } from '../support/lab-sessions.ts';

const quiet = { info: () => undefined, warn: () => undefined };

// Two VPCs, not peered: within a VPC every cell answers, across them none does.
const topology = loadTopology(Buffer.from(`apiVersion: vpcheck/v1
kind: Topology
name: probe-order
networks: [ { name: n1 }, { name: n2 } ]
vpcs: [ { name: vpc-a }, { name: vpc-b } ]
subnets:
  - { name: s1, vpc: vpc-a, cidrBlock: 10.61.0.0/24, provider: n1 }
  - { name: s2, vpc: vpc-b, cidrBlock: 10.62.0.0/24, provider: n2 }
vms:
  - { name: a1, network: n1 }
  - { name: a2, network: n1 }
  - { name: b1, network: n2 }
  - { name: b2, network: n2 }
probes: { mesh: true, internet: false }
`), 'probe-order.yaml').topology!;

interface Fanout {
  readonly vm: string;
  readonly command: string;
  readonly start: number;
  readonly end: number;
}

/** The lab, with every fan-out command each VM's session ran recorded. */
function recordingLab(fanouts: Fanout[]): Target {
  return labWithSessions(async (lab, vm, transport) => {
    const session = await lab.openSession(vm, transport);
    return {
      transport: session.transport,
      vm: session.vm,
      close: () => session.close(),
      async run(command, options) {
        const start = performance.now();
        const result = await session.run(command, options);
        if (command.startsWith("bash -c 'export LC_ALL=C;")) fanouts.push({ vm: session.vm, command, start, end: performance.now() });
        return result;
      },
    };
  });
}

test('answering cells go first, one source VM at a time as asked; silent cells then wait out one window together', async () => {
  const fanouts: Fanout[] = [];
  const runner = await Runner.start(topology, recordingLab(fanouts), { ...DEFAULT_RUN_SETTINGS, transport: 'exec', concurrency: 1, retries: 0 }, quiet);
  let runId = '';
  try {
    const [phase] = await runner.runAll();
    runId = runner.realized.runId;
    expect(phase!.results.filter((c) => !c.pass).map((c) => `${c.from}->${c.to}: ${c.observed}`)).toEqual([]);
    const ipOf = (vm: string) => runner.realized.vm(vm).ip;
    const vpcOf = (vm: string) => vm[0];
    const others = (vm: string) => ['a1', 'a2', 'b1', 'b2'].filter((o) => o !== vm);
    expect(fanouts).toHaveLength(8);
    const [answering, silent] = [fanouts.slice(0, 4), fanouts.slice(4)];
    for (const f of answering) {
      for (const o of others(f.vm)) expect(f.command.includes(ipOf(o)), `${f.vm} first probes ${o}`).toBe(vpcOf(o) === vpcOf(f.vm));
    }
    for (const f of silent) {
      for (const o of others(f.vm)) expect(f.command.includes(ipOf(o)), `${f.vm} then probes ${o}`).toBe(vpcOf(o) !== vpcOf(f.vm));
    }
    // Concurrency 1: one answering fan-out after another; the silent ones all started before any ended.
    for (let i = 1; i < answering.length; i++) expect(answering[i]!.start).toBeGreaterThanOrEqual(answering[i - 1]!.end);
    expect(Math.min(...silent.map((f) => f.start))).toBeGreaterThanOrEqual(Math.max(...answering.map((f) => f.end)));
    expect(Math.max(...silent.map((f) => f.start))).toBeLessThan(Math.min(...silent.map((f) => f.end)));
  } finally {
    await runner.finish();
  }
  await expectNoLeak(runId);
});
