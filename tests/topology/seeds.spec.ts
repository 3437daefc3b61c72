// The seed topologies: each loads, and only the seeds that are flawed on purpose warn, with
// exactly the warnings their documents call for.
import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import { runCli } from '../support/cli.ts';

const seeds = readdirSync('topologies').filter((f) => f.endsWith('.yaml')).map((f) => `topologies/${f}`);

/** Expected warnings per flawed seed: [field path, message pattern]. */
const FLAWED: Record<string, [string, RegExp][]> = {
  'topologies/vpc-peering-example2.yaml': [
    ['vpcs[0].staticRoutes[0].cidr', /route 20\.0\.0\.0\/16 via 169\.254\.0\.2 does not cover vpcpeer-2's subnet subnet2 \(20\.1\.0\.0\/24\)/],
    ['vpcs[1].staticRoutes[0].cidr', /route 10\.0\.0\.0\/16 via 169\.254\.0\.1 does not cover vpcpeer-1's subnet subnet1 \(10\.1\.0\.0\/24\)/],
    ['subnets[0].cidrBlock', /10\.1\.0\.0\/24 is outside VPC vpcpeer-1's CIDR 10\.0\.0\.0\/16/],
    ['subnets[1].cidrBlock', /20\.1\.0\.0\/24 is outside VPC vpcpeer-2's CIDR 20\.0\.0\.0\/16/],
  ],
  'topologies/peering-ovn-cluster.yaml': [
    ['vpcs[0].vpcPeerings[0].remoteVpc', /does not work on Harvester .*8906/],
    ['vpcs[1].vpcPeerings[0].remoteVpc', /does not work on Harvester .*8906/],
  ],
  'topologies/blog-two-vpc-peering.yaml': [
    ['vpcs[0].staticRoutes[0].nextHopIP', /"192\.168\.1\.1" is not the remote end of any peering of vpc-a \(peer vpc-b is 192\.168\.2\.0\)/],
    ['vpcs[1].staticRoutes[0].nextHopIP', /"192\.168\.2\.1" is not the remote end of any peering of vpc-b \(peer vpc-a is 192\.168\.1\.0\)/],
    ['vpcs[0].vpcPeerings[0].localConnectIP', /not in one network/],
    ['vpcs[1].vpcPeerings[0].localConnectIP', /not in one network/],
    ['vpcs[0].vpcPeerings[0].localConnectIP', /is a \/24; the Harvester docs recommend a \/30/],
    ['vpcs[1].vpcPeerings[0].localConnectIP', /is a \/24; the Harvester docs recommend a \/30/],
    ['vpcs[0].vpcPeerings[0].localConnectIP', /RFC 1918/],
    ['vpcs[1].vpcPeerings[0].localConnectIP', /RFC 1918/],
    ['vpcs[0].vpcPeerings[0].localConnectIP', /192\.168\.1\.0 is the network address/],
    ['vpcs[1].vpcPeerings[0].localConnectIP', /192\.168\.2\.0 is the network address/],
    ['vpcs[0].vpcPeerings[0].remoteVpc', /no static route of vpc-a leads over the peering to vpc-b/],
    ['vpcs[1].vpcPeerings[0].remoteVpc', /no static route of vpc-b leads over the peering to vpc-a/],
  ],
};

test('there is a seed topology per documented procedure', () => {
  expect(seeds.length).toBeGreaterThanOrEqual(11);
});

for (const file of seeds) {
  test(`${file} loads with exactly its documented flaws`, async () => {
    const { topology, diagnostics } = await loadTopologyFile(file);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(topology?.description ?? topology?.name).toBeTruthy();
    const want = FLAWED[file] ?? [];
    const got = diagnostics.map((d) => `${d.path}: ${d.message}`);
    expect(got.length, got.join('\n')).toBe(want.length);
    for (const [path, pattern] of want) {
      expect(diagnostics.some((d) => d.path === path && pattern.test(d.message)), `${path} ${pattern}\n${got.join('\n')}`).toBe(true);
    }
  });
}

test('vpcheck validate passes every seed file; --strict fails the flawed ones', async () => {
  const all = await runCli(['validate', ...seeds]);
  expect(all.code, all.err).toBe(0);
  const strict = await runCli(['validate', '--strict', 'topologies/vpc-peering-example2.yaml']);
  expect(strict.code).toBe(2);
  expect(strict.err).toMatch(/vpc-peering-example2\.yaml:\d+:\d+: error: vpcs\[0\]\.staticRoutes\[0\]\.cidr: route 20\.0\.0\.0\/16/);
  const strictClean = await runCli(['validate', '--strict', 'topologies/vpc-peering-example1.yaml']);
  expect(strictClean.code).toBe(0);
});

test('--json reports every file with its diagnostics', async () => {
  const run = await runCli(['validate', '--json', 'topologies/vpc-peering-example1.yaml', 'topologies/vpc-peering-example2.yaml']);
  const result = JSON.parse(run.out) as { valid: boolean; files: { file: string; valid: boolean; diagnostics: { line: number; path: string }[] }[] };
  expect(result.valid).toBe(true);
  expect(result.files.map((f) => f.diagnostics.length)).toEqual([0, 4]);
  expect(result.files[1]!.diagnostics[0]!.line).toBeGreaterThan(1);
});
