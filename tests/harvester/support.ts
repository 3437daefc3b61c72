// Helpers of the cluster target tests: a fake API server per test, a target pointed at it
// (internet = the lab's simulated upstream 192.0.2.1: never a real address here), and the
// zero-leak check every test ends with.
import { expect } from '@playwright/test';
import { HarvesterTarget, type HarvesterOptions } from '../../lib/targets/harvester/harvester-target.ts';
import type { ClusterOptions } from '../../lib/targets/k8s-common/cluster-target.ts';
import type { RunResult } from '../../lib/run/result.ts';
import type { Target } from '../../lib/targets/target.ts';
import { FakeApiServer, type FakeApiServerOptions } from '../support/fake-apiserver/index.ts';
import { expectNoLeak } from '../lab/support.ts';
import { leftovers } from '../support/leftovers.ts';

export const LAB_INTERNET = '192.0.2.1';

/** Runs `body` with a fake API server and a cluster target made for it; then nothing may be left. */
export async function withFakeTarget<T extends Target>(make: (connect: ClusterOptions) => T, body: (fake: FakeApiServer, target: T) => Promise<void>, fakeOptions: FakeApiServerOptions = {}): Promise<void> {
  const fake = await FakeApiServer.start(fakeOptions);
  const runs = new Set<string>();
  const unsubscribe = fake.store.subscribe((e) => {
    const run = e.object.metadata.labels?.['vpcheck/run'];
    if (run) runs.add(run);
  });
  try {
    await body(fake, make({ kubeconfig: fake.kubeconfig, internetIP: LAB_INTERNET, readyTimeoutMs: 30_000 }));
    await fake.reconciler.idle();
    expect(leftovers(fake).map((o) => `${o.kind} ${o.metadata.name}`), 'objects left on the fake').toEqual([]);
  } finally {
    unsubscribe();
    await fake.close();
  }
  for (const run of runs) await expectNoLeak(run);
}

export function withFake(body: (fake: FakeApiServer, target: HarvesterTarget) => Promise<void>, options: HarvesterOptions = {}, fakeOptions: FakeApiServerOptions = {}): Promise<void> {
  return withFakeTarget((connect) => new HarvesterTarget({ ...connect, ...options }), body, fakeOptions);
}

/**
 * Every VM of every phase of a saved result has its own view read through its session (the
 * guest in the stand-in's lab VM, a Pod's container over exec): its planned address on an
 * interface whose MTU is known, and a default route exactly where the phase's layout says.
 */
export function expectGuestsObserved(result: RunResult): void {
  for (const phase of result.phases) {
    expect(phase.controls.length).toBe(phase.layout!.vms.length);
    for (const vm of phase.layout!.vms) {
      const guest = phase.controls.find((c) => c.vm === vm.name)?.guest;
      expect(guest?.status, `${vm.name} in phase ${phase.name}: ${JSON.stringify(guest)}`).toBe('observed');
      if (guest?.status !== 'observed') continue;
      const nic = guest.interfaces.find((i) => i.addresses.some((a) => a.cidr.startsWith(`${vm.ip}/`)));
      expect(nic?.mtu, `${vm.name} has ${vm.ip} on an interface`).toBeGreaterThan(0);
      expect(guest.routes.some((r) => r.dst === 'default'), `${vm.name}'s default route`).toBe(vm.defaultRoute);
    }
  }
}
