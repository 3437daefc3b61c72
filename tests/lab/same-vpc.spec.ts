// Harvester docs, same-VPC subnets: reachable through the VPC router with default routes,
// "Network is unreachable" without them.
import { test, expect } from '@playwright/test';
import { LabTarget } from '../../lib/targets/lab/lab-target.ts';
import { addDefaultRoutes, context, expectNoLeak, expectNoReply, expectReply, subnet, topology, vm, vpc } from './support.ts';

const spec = topology({
  vpcs: [vpc('commonvpc')],
  subnets: [subnet('subnet-a', '172.20.10.0/24', { vpc: 'commonvpc' }), subnet('subnet-b', '172.20.20.0/24', { vpc: 'commonvpc' })],
  vms: [vm('vm-a', 'subnet-a'), vm('vm-b', 'subnet-b'), vm('vm-a2', 'subnet-a')],
});

test('same VPC: two subnets reach each other with default routes, not without', async () => {
  const ctx = context('samevpc');
  const lab = await new LabTarget().up(spec, ctx);
  try {
    expect(lab.vm('vm-a')).toMatchObject({ ip: '172.20.10.2', gateway: '172.20.10.1', nic: 'enp1s0' });
    expect(lab.vm('vm-a2').ip).toBe('172.20.10.3');
    await expectReply(lab, { from: 'vm-a', to: '172.20.10.3' });
    await expectNoReply(lab, spec, { from: 'vm-a', to: '172.20.20.2' }, 'network-unreachable');
    await addDefaultRoutes(lab, spec);
    await expectReply(lab, { from: 'vm-a', to: '172.20.20.2' });
    await expectReply(lab, { from: 'vm-b', to: '172.20.10.2' });
    await expectReply(lab, { from: 'vm-a', to: '172.20.10.1' });
  } finally {
    await lab.down();
  }
  await expectNoLeak(ctx.runId);
});
