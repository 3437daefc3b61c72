// Every seed topology file: load it, build it, and check each `expect:` line with a plain ping
// (or TCP connect) from inside the source VM's namespace, phase by phase.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import type { Expectation, TopologySpec } from '../../lib/topology/types.ts';
import { LabTarget, type LabRealized } from '../../lib/targets/lab/lab-target.ts';
import { connect, context, expectNoLeak, ping } from './support.ts';

const dir = fileURLToPath(new URL('../../topologies/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

/** The docs' default-route step for VMs that take it; VMs that do not are left as booted. */
async function routes(lab: LabRealized, spec: TopologySpec): Promise<void> {
  await Promise.all(spec.vms.map((vm) => {
    const v = lab.vm(vm.name);
    return lab.exec(vm.name, vm.defaultRoute ? ['ip', 'route', 'replace', 'default', 'via', v.gateway, 'dev', v.nic] : ['ip', 'route', 'del', 'default']);
  }));
}

async function check(lab: LabRealized, e: Expectation, phase: string): Promise<void> {
  const ip = e.to === 'internet' ? lab.internetIP : /^\d+\.\d+\.\d+\.\d+$/.test(e.to) ? e.to : lab.vm(e.to).ip;
  const wanted = e.outcome ?? (e.reachable ? 'reachable' : undefined);
  const observed = e.probe === 'tcp' ? await connect(lab, e.from, ip, e.port!, wanted) : await ping(lab, e.from, ip, wanted);
  const what = `${phase}: ${e.path} ${e.from} -> ${e.to} (${ip})`;
  if (e.outcome) expect(observed, what).toBe(e.outcome);
  else if (e.reachable) expect(observed, what).toBe('reachable');
  else expect(['timeout', 'network-unreachable', 'refused'], `${what} observed ${observed}`).toContain(observed);
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
      for (const e of topology!.expect) await check(lab, e, 'initial');
      for (const phase of topology!.phases) {
        await lab.update(phase.topology);
        await routes(lab, phase.topology);
        for (const e of phase.expect) await check(lab, e, phase.name);
      }
    } finally {
      await lab.down();
    }
    await expectNoLeak(ctx.runId);
  });
}
