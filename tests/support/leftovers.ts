// The tests' leak check on a fake API server: what vpcheck left there, by its own marks (the run
// label on what it created, its annotation on ovn-cluster, which it patches but never creates).
// The fake itself never reads them; only these checks do.
import type { KubeObject } from '../../lib/k8s/resources.ts';
import type { FakeApiServer } from './fake-apiserver/index.ts';

export function leftovers(fake: FakeApiServer): KubeObject[] {
  return fake.store.all().filter((o) => o.metadata.labels?.['vpcheck/run'] || Object.keys(o.metadata.annotations ?? {}).some((k) => k.startsWith('vpcheck/')));
}
