// Kube-OVN's static-route ranking (policySrc routes below policyDst routes), predicted by the
// model and observed on the lab, whose stock OVN emulates it (lib/targets/lab/route-ranking.ts).
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';
import { buildModel } from '../../lib/model/index.ts';
import { LabTarget } from '../../lib/targets/lab/lab-target.ts';
import { UPSTREAM_IP } from '../../lib/targets/lab/names.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import { addDefaultRoutes, context, expectNoLeak, expectNoReply, expectReply } from './support.ts';

const file = fileURLToPath(new URL('../fixtures/kube-ovn-route-ranking.yaml', import.meta.url));

test('policySrc and policyDst routes of different lengths rank as on Kube-OVN, in the model and in the lab', async () => {
  const { topology, diagnostics } = await loadTopologyFile(file);
  // No warnings: every expect line agrees with the model.
  expect(diagnostics).toEqual([]);
  const model = buildModel(topology!, { internetIP: UPSTREAM_IP });
  const predict = (from: string, to: string) => model.predict({ from, to, probe: 'icmp' });
  // The shorter policyDst /16 beats the longer policySrc /24 (stock OVN: the /24 would win).
  expect(predict('a', 'b').reason).toMatch(/^vpc-a route 10\.2\.0\.0\/16 via 169\.254\.1\.2;/);
  // Where no policyDst route covers, the policySrc routes decide, a /32 above a /24.
  expect(predict('a', 'c').reason).toMatch(/^vpc-a route src 10\.1\.1\.0\/24 via 169\.254\.2\.2;/);
  expect(predict('a2', 'c').reason).toBe('vpc-b has no route to 10.3.0.2 (route 10.1.0.0/16 via 169.254.1.1 does not cover it)');
  for (const e of topology!.expect) expect(predict(e.from, e.to).outcome === 'reachable', `${e.from} -> ${e.to}`).toBe(e.reachable);

  const ctx = context('rank');
  const lab = await new LabTarget().up(topology!, ctx);
  try {
    await addDefaultRoutes(lab, topology!);
    for (const e of topology!.expect) {
      const what = `${e.path} ${e.from} -> ${e.to}`;
      if (e.reachable) await expectReply(lab, { from: e.from, to: e.to }, 'reachable', what);
      else await expectNoReply(lab, topology!, { from: e.from, to: e.to }, ['timeout'], what);
    }
    // The emulation is what decided: no src-ip route in OVN, the policySrc routes are policies.
    const evidence = await lab.diagnose({ from: 'a', toIp: '10.2.0.2', probe: 'icmp' });
    const text = (title: string) => evidence.find((d) => d.title === title)!.output;
    expect(text('routes of VPC vpc-a')).not.toMatch(/src-ip/);
    const policies = text('router policies of VPC vpc-a');
    expect(policies).toMatch(/^\s+3\s+ip4\.dst == \{10\.1\.1\.0\/24, 169\.254\.1\.0\/30, 169\.254\.2\.0\/30, 10\.2\.0\.0\/16\}\s+allow$/m);
    expect(policies).toMatch(/^\s+2\s+ip4\.src == 10\.1\.1\.3\/32\s+reroute\s+169\.254\.1\.2$/m);
    expect(policies).toMatch(/^\s+1\s+ip4\.src == 10\.1\.1\.0\/24\s+reroute\s+169\.254\.2\.2$/m);
    expect(policies).toMatch(/^\s+0\s+ip4\s+drop$/m);
  } finally {
    await lab.down();
  }
  await expectNoLeak(ctx.runId);
});
