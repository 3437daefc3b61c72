// Every seed topology through the engine on the kubeovn target against the fake API server: Pods
// for VMs, commands over the exec websocket; every cell passes, the outcomes are the lab's own
// (over its exec transport), and nothing (Pods and the run's Namespace included) is left behind.
// Both attachment modes: multus attachment networks (enp1s0), and Kube-OVN as the primary CNI
// (no NADs, Subnets of provider ovn, pods on eth0).
import { KubeOvnTarget } from '../../lib/targets/kubeovn/kubeovn-target.ts';
import { seedFiles, seedSuite } from '../support/seed-runs.ts';
import { withFakeTarget } from '../harvester/support.ts';

seedSuite('kubeovn', 'exec', (body) => withFakeTarget((connect) => new KubeOvnTarget(connect), (_fake, target) => body(target)));

seedSuite('kubeovn', 'exec', (body) => withFakeTarget((connect) => new KubeOvnTarget({ ...connect, primary: true }), (_fake, target) => body(target)), seedFiles, 'Kube-OVN as primary CNI');
