// `vpcheck run --target kubeovn` from the command line against the fake API server: the exec
// transport is the default there, the run passes, and `down --target kubeovn --all` finds
// nothing left; a console transport is refused before anything is built (exit 2).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import { test } from '../support/fake-cluster.ts';
import type { RunResult } from '../../lib/run/result.ts';
import { runCli, tempFile } from '../support/cli.ts';
import { FAKE_VERSIONS } from '../support/fake-apiserver/versions.ts';
import { LAB_INTERNET, expectGuestsObserved } from '../harvester/support.ts';
import { KubeOvnTarget } from '../../lib/targets/kubeovn/kubeovn-target.ts';
import { leftovers } from '../support/leftovers.ts';

const seed = fileURLToPath(new URL('../../topologies/vpc-peering-example1.yaml', import.meta.url));

test('vpcheck run --target kubeovn passes over exec by default; console is refused with exit 2; down finds nothing', async ({ fakeCluster }) => {
  test.setTimeout(120_000);
  const { fake } = await fakeCluster.start((connect) => new KubeOvnTarget(connect));
  const cluster = ['--target', 'kubeovn', '--kubeconfig', fake.kubeconfig, '--internet-ip', LAB_INTERNET];
  const json = tempFile('', 'kubeovn-run.json');
  const run = await runCli(['run', seed, ...cluster, '--json', json]);
  expect(run.code, run.err).toBe(0);
  expect(run.out).toMatch(/on kubeovn over exec/);
  // Kubernetes and Kube-OVN (from the ovn-central image), nothing of Harvester's.
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  expect(result.versions).toEqual({ kubernetes: FAKE_VERSIONS.kubernetes, 'kube-ovn': FAKE_VERSIONS['kube-ovn'] });
  expectGuestsObserved(result);
  const console = await runCli(['run', seed, ...cluster, '--transport', 'console']);
  expect(console.code).toBe(2);
  expect(console.err).toContain('--transport exec only');
  const down = await runCli(['down', '--all', '--target', 'kubeovn', '--kubeconfig', fake.kubeconfig]);
  expect(down.code, down.err).toBe(0);
  expect(leftovers(fake)).toEqual([]);
});
