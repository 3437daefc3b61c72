// Reasons by class pair (lib/model/reasons.ts) against a walk per cell, on a topology with every
// feature the model knows, and on one where a reason names a VM in another role than source or
// destination (a static route whose next hop is a VM), so the template's check has to catch it.
import { expect, test } from '@playwright/test';
import { buildModel, type Model } from '../../lib/model/index.ts';
import { INTERNET } from '../../lib/topology/types.ts';
import { Reasons } from '../../lib/model/reasons.ts';
import { vmClasses } from '../../lib/model/mesh.ts';
import { LAB_INTERNET, spec } from './fixtures.ts';
import { synthetic } from './synthetic.ts';

/** Every icmp cell between VMs and to the internet: [reason by class, reason by walk, walks]. */
function compare(m: Model): { differ: string[]; cells: number; walks: number } {
  let walks = 0;
  const predict = m.predict.bind(m);
  m.predict = (req) => (walks++, predict(req));
  const reasons = new Reasons(m);
  const vms = [...m.world.vms.keys()];
  const differ: string[] = [];
  let cells = 0;
  for (const from of vms) {
    for (const to of [...vms, INTERNET]) {
      if (to === from) continue;
      cells++;
      const got = reasons.reasonOf({ from, to, probe: 'icmp' });
      const want = predict({ from, to, probe: 'icmp' }).reason;
      if (got !== want) differ.push(`${from} -> ${to}: ${got} | ${want}`);
    }
  }
  return { differ, cells, walks };
}

test('reasons by class pair equal a walk per cell, for far fewer walks', () => {
  const m = buildModel(synthetic(6, 14, 90), { internetIP: LAB_INTERNET });
  const classes = vmClasses(m.world, [...m.world.vms.keys()]).members.length;
  const { differ, cells, walks } = compare(m);
  expect(differ).toEqual([]);
  // At most a template and its check per class pair (the internet is one more column).
  expect(walks).toBeLessThanOrEqual(2 * classes * (classes + 1));
  expect(walks).toBeLessThan(cells / 3);
});

test('a reason that names its source VM in another role (a next hop) is computed per cell', () => {
  // VPC a routes b's subnet via vm-hop, which does not forward: every reason towards b names
  // vm-hop. The first cell of the class pair has vm-hop as its source, so a template taken from
  // it unchecked would name vm-a as the next hop in vm-a's own cells.
  const m = buildModel(spec({
    vpcs: [{ name: 'a', staticRoutes: [{ cidr: '10.2.0.0/16', nextHopIP: '10.1.0.2', policy: 'policyDst' }] }, { name: 'b' }],
    subnets: [
      { name: 's1', vpc: 'a', cidrBlock: '10.1.0.0/24' },
      { name: 's2', vpc: 'b', cidrBlock: '10.2.0.0/24' },
    ],
    vms: [
      { name: 'vm-hop', subnet: 's1' }, { name: 'vm-a', subnet: 's1' }, { name: 'vm-c', subnet: 's1' },
      { name: 'vm-b1', subnet: 's2' }, { name: 'vm-b2', subnet: 's2' },
    ],
  }), { internetIP: LAB_INTERNET });
  expect(m.addressOf('vm-hop')).toBe('10.1.0.2');
  const { differ } = compare(m);
  expect(differ).toEqual([]);
  const reasons = new Reasons(m);
  expect(reasons.reasonOf({ from: 'vm-hop', to: 'vm-b1', probe: 'icmp' })).toMatch(/next hop 10\.1\.0\.2 is VM vm-hop/);
  expect(reasons.reasonOf({ from: 'vm-a', to: 'vm-b1', probe: 'icmp' })).toMatch(/next hop 10\.1\.0\.2 is VM vm-hop/);
});
