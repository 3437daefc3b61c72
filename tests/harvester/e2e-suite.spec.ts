// The user-facing e2e suite (specs/) pointed at a cluster the way README says, with the fake API
// server standing in for the cluster: VPCHECK_TARGET and VPCHECK_KUBECONFIG select the target,
// the e2e-* project the transport. A nested Playwright run, with its own reporter and output
// directory so it leaves this run's reports alone.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { FakeApiServer } from '../support/fake-apiserver/index.ts';
import { LAB_INTERNET } from './support.ts';
import { leftovers } from '../support/leftovers.ts';

const cases = [
  { target: 'kubeovn', project: 'e2e-exec', topologies: 'same-vpc-subnets,private-subnet', tests: 4 },
  { target: 'harvester', project: 'e2e-ssh', topologies: 'same-vpc-subnets', tests: 1 },
];

for (const c of cases) {
  test(`VPCHECK_TARGET=${c.target} runs the ${c.project} project against the cluster in VPCHECK_KUBECONFIG`, async () => {
    test.setTimeout(240_000);
    const fake = await FakeApiServer.start();
    const output = await mkdtemp(join(tmpdir(), 'vpcheck-nested-'));
    try {
      const env = { ...process.env, VPCHECK_TARGET: c.target, VPCHECK_KUBECONFIG: fake.kubeconfig, VPCHECK_INTERNET_IP: LAB_INTERNET, VPCHECK_TOPOLOGIES: c.topologies };
      // Asynchronous: the fake answers from this process's event loop while the suite runs.
      const child = spawn('npx', ['playwright', 'test', `--project=${c.project}`, '--reporter=list', `--output=${output}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, out).toBe(0);
      expect(out).toContain(`${c.tests} passed`);
      expect(out).toMatch(new RegExp(`\\[${c.project}\\] › specs/topologies\\.spec\\.ts`));
      await fake.reconciler.idle();
      expect(leftovers(fake).map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([]);
    } finally {
      await fake.close();
      await rm(output, { recursive: true, force: true });
    }
  });
}
