// `vpcheck run` prints its verdict before it takes the run down, and takes it all down.
import { expect, test } from '@playwright/test';
import { main } from '../../lib/cli/main.ts';
import { expectNoLeak } from '../lab/support.ts';
import { tempFile } from '../support/cli.ts';

const TWO_VMS = `apiVersion: vpcheck/v1
kind: Topology
name: order
networks: [ { name: vswitch1 } ]
subnets: [ { name: subnet1, cidrBlock: 10.32.0.0/24, provider: vswitch1 } ]
vms: [ { name: vm1, network: vswitch1 }, { name: vm2, network: vswitch1 } ]
probes: { mesh: true, internet: false }
`;

test('the verdict is printed, then the run is torn down, and nothing of it is left', async () => {
  const printed: string[] = [];
  const code = await main(['run', tempFile(TWO_VMS), '--transport', 'exec'], { out: (t) => void printed.push(`out ${t}`), err: (t) => void printed.push(`err ${t}`), isTTY: false });
  expect(code, printed.join('\n')).toBe(0);
  const verdict = printed.findIndex((l) => /^out [\s\S]*order: 2 passed, 0 failed/.test(l));
  const teardown = printed.findIndex((l) => /^err tearing down run order-[0-9a-f]{6}$/.test(l));
  expect(verdict, printed.join('\n')).toBeGreaterThanOrEqual(0);
  expect(teardown, printed.join('\n')).toBeGreaterThan(verdict);
  await expectNoLeak(printed[teardown]!.split(' ').pop()!);
});
