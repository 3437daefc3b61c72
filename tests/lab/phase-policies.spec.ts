// Phases that touch router policies on the lab: a policy changed in place (same priority and
// match) and ovn-cluster's 29000 reroute whose port group gains a port both apply. 31500 outranks
// Kube-OVN's own 31000 allow for each subnet's CIDR.
import { test } from '@playwright/test';
import { LabTarget, type LabRealized } from '../../lib/targets/lab/lab-target.ts';
import { addDefaultRoutes, context, expectNoLeak, expectNoReply, expectReply, subnet, topology, vm, vpc } from './support.ts';

test('a policy route whose action changes, and a VM joining an ovn-cluster subnet, are applied by the phase', async () => {
  const ctx = context('polph');
  const allow = { priority: 31500, match: 'ip4.src == 10.72.0.0/24 && ip4.dst == 10.73.0.0/24', action: 'allow' as const };
  const spec = (action: 'allow' | 'drop', vms: string[]) => topology({
    vpcs: [vpc('vpc-1', { policyRoutes: [{ ...allow, action }] })],
    subnets: [subnet('s1', '10.72.0.0/24', { vpc: 'vpc-1' }), subnet('s2', '10.73.0.0/24', { vpc: 'vpc-1' }), subnet('s0', '172.21.0.0/24')],
    vms: [vm('a', 's1'), vm('b', 's2'), ...vms.map((n) => vm(n, 's0'))],
  });
  const first = spec('allow', ['c']);
  const lab: LabRealized = await new LabTarget().up(first, ctx);
  try {
    await addDefaultRoutes(lab, first);
    await expectReply(lab, { from: 'a', to: 'b' });
    const second = spec('drop', ['c', 'd']);
    await lab.update(second);
    await addDefaultRoutes(lab, second);
    await expectNoReply(lab, second, { from: 'a', to: 'b' }, 'timeout');
    await expectReply(lab, { from: 'd', to: 'c' });
  } finally {
    await lab.down();
  }
  await expectNoLeak(ctx.runId);
});
