// The e2e suite's topology selection: VPCHECK_TOPOLOGIES that matches no file fails the suite,
// naming the filter and the files, instead of passing with zero tests. Playwright's list mode
// loads the specs without running them, so this needs no lab.
import { execa } from 'execa';
import { expect, test } from '@playwright/test';

/** Lists the e2e topology tests with VPCHECK_TOPOLOGIES set (its own reporter: no report files). */
const list = (filter: string) =>
  execa('npx', ['playwright', 'test', '--project=e2e-console', '--list', '--reporter=list', 'specs/topologies.spec.ts'], {
    env: { VPCHECK_TOPOLOGIES: filter }, reject: false, all: true, timeout: 60_000,
  });

test('VPCHECK_TOPOLOGIES matching no file fails, naming the filter and the topology files', async () => {
  const r = await list('no-such-topology');
  expect(r.exitCode, r.all).not.toBe(0);
  expect(r.all).toContain('VPCHECK_TOPOLOGIES=no-such-topology matches none of the topology files in topologies/:');
  expect(r.all).toMatch(/topology files in topologies\/: .*nat-outgoing\.yaml, .*vpc-peering-example2\.yaml/);
});

test('VPCHECK_TOPOLOGIES matching a file lists only its phases', async () => {
  const r = await list('nat-outgoing');
  expect(r.exitCode, r.all).toBe(0);
  expect(r.all).toContain('topologies/nat-outgoing.yaml › phase natOutgoing on');
  expect(r.all).toMatch(/Total: 3 tests in 1 file/);
});
