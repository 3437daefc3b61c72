// The `fakeCluster` fixture of the cluster target tests: a fake API server and a target pointed at
// it (internet = the lab's simulated upstream 192.0.2.1: never a real address here), as many as a
// test starts; its teardown is the zero-leak check every such test ends with. Each target gets
// --external-host: an sshd on the lab's upstream host (192.0.2.1, on the external network) that
// the run logs in to over SSH as it would to a user's host, started only if a cell needs it.
import { expect, test as base } from '@playwright/test';
import { HarvesterTarget, type HarvesterOptions } from '../../lib/targets/harvester/harvester-target.ts';
import type { ClusterOptions } from '../../lib/targets/k8s-common/cluster-target.ts';
import type { Target } from '../../lib/targets/target.ts';
import { LAB_INTERNET } from '../harvester/support.ts';
import { expectNoLeak } from '../lab/support.ts';
import { FakeApiServer, type FakeApiServerOptions } from './fake-apiserver/index.ts';
import { leftovers } from './leftovers.ts';
import { Bastion, EXTERNAL_HOST } from './bastion.ts';
import { externalHostOptions } from '../../lib/sessions/ssh-jump-flags.ts';

export interface FakeCluster {
  /** A fake API server and the target `make` builds for it. */
  start<T extends Target>(make: (connect: ClusterOptions) => T, fakeOptions?: FakeApiServerOptions): Promise<{ fake: FakeApiServer; target: T }>;
  harvester(options?: HarvesterOptions, fakeOptions?: FakeApiServerOptions): Promise<{ fake: FakeApiServer; target: HarvesterTarget }>;
}

interface Started {
  readonly fake: FakeApiServer;
  readonly external: Bastion;
  /** Every vpcheck run seen on the fake: each must have left nothing in the lab either. */
  readonly runs: Set<string>;
  readonly unsubscribe: () => void;
}

export const test = base.extend<{ fakeCluster: FakeCluster }>({
  fakeCluster: async ({}, use, testInfo) => {
    const started: Started[] = [];
    const start = async <T extends Target>(make: (connect: ClusterOptions) => T, fakeOptions: FakeApiServerOptions = {}) => {
      const fake = await FakeApiServer.start(fakeOptions);
      const external = new Bastion(EXTERNAL_HOST);
      external.attach(fake);
      const externalHost = externalHostOptions({ externalHost: await external.start(), externalHostIdentity: external.identityFile, externalHostKnownHosts: external.knownHostsFile });
      const runs = new Set<string>();
      const unsubscribe = fake.store.subscribe((e) => {
        const run = e.object.metadata.labels?.['vpcheck/run'];
        if (run) runs.add(run);
      });
      started.push({ fake, external, runs, unsubscribe });
      return { fake, target: make({ kubeconfig: fake.kubeconfig, internetIP: LAB_INTERNET, readyTimeoutMs: 30_000, ...(externalHost && { externalHost }) }) };
    };
    await use({
      start,
      harvester: (options = {}, fakeOptions = {}) => start((connect) => new HarvesterTarget({ ...connect, ...options }), fakeOptions),
    });
    // A failed body's own error is the one to read: the leak checks would only repeat it.
    const passed = testInfo.status === 'passed';
    try {
      if (passed) {
        for (const { fake } of started) {
          await fake.reconciler.idle();
          expect(leftovers(fake).map((o) => `${o.kind} ${o.metadata.name}`), 'objects left on the fake').toEqual([]);
        }
      }
    } finally {
      for (const { fake, external, unsubscribe } of started) {
        unsubscribe();
        await fake.close();
        await external.close();
      }
    }
    if (passed) for (const { runs } of started) for (const run of runs) await expectNoLeak(run);
  },
});
