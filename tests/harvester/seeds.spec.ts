// Every seed topology through the engine on the Harvester target against the fake API server,
// over the KubeVirt console websocket, and the documented same-VPC and private-subnet procedures
// also over SSH through port-forward: every cell passes, the observed outcomes are the lab's own
// for the same topology and transport, and nothing is left behind on the fake or in the lab.
import type { Target } from '../../lib/targets/target.ts';
import { seedSuite } from '../support/seed-runs.ts';
import { withFake } from './support.ts';

const onFake = (body: (target: Target) => Promise<void>) => withFake((_fake, target) => body(target));

seedSuite('harvester', 'console', onFake);
seedSuite('harvester', 'ssh', onFake, ['same-vpc-subnets.yaml', 'private-subnet.yaml']);
