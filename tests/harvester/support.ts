// Helpers of the cluster target tests (the fake API server and its target: the fakeCluster
// fixture of tests/support/fake-cluster.ts).
import { expect } from '@playwright/test';
import type { RunResult } from '../../lib/run/result.ts';

/** The internet IP the targets get: the lab's simulated upstream, never a real address here. */
export const LAB_INTERNET = '192.0.2.1';

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
