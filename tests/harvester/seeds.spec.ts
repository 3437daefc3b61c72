// Every seed topology through the engine on the Harvester target against the fake API server,
// over the KubeVirt console websocket, and the documented same-VPC and private-subnet procedures
// also over SSH through port-forward: every cell passes, the observed outcomes are the lab's own
// for the same topology and transport, and nothing is left behind on the fake or in the lab.
import type { FakeCluster } from '../support/fake-cluster.ts';
import { labOnlySuite, seedSuite } from '../support/seed-runs.ts';

const harvester = (fakeCluster: FakeCluster) => fakeCluster.harvester();

seedSuite('harvester', 'console', harvester);
labOnlySuite('harvester');
seedSuite('harvester', 'ssh', harvester, ['same-vpc-subnets.yaml', 'private-subnet.yaml']);
