// Every seed topology through the engine on the Harvester target against the fake API server,
// over the KubeVirt console websocket: every cell passes, the observed outcomes are the lab's
// own for the same topology, and nothing is left behind on the fake or in the lab.
import { seedSuite } from '../support/seed-runs.ts';
import { withFake } from './support.ts';

seedSuite('harvester', 'console', (platform, body) => withFake(platform, (_fake, target) => body(target)));
