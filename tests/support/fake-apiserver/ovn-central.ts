// The fake's Kube-OVN pods where `kubectl ko` runs its tools: kube-system/ovn-central-*, labelled
// as the NB and SB leader, container "ovn-central", for ovn-nbctl and ovn-trace; and the node's
// ovs-ovn-* (label app=ovs, container "openvswitch") for ovs-vsctl and ovs-appctl. Here they run
// against the lab's databases and vswitchd, where the fake built every run: cluster names in the
// arguments (a Vpc, a Subnet, a VM's logical switch port, a subnet's router port, br-int), also
// inside a trace flow, become the lab's names, and the lab's names in the output become cluster
// names again, so the output reads as it would on the cluster.
import { RUN_LABEL } from '../../../lib/k8s/labels.ts';
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import { sgPortGroup } from '../../../lib/targets/k8s-common/nb-expect.ts';
import { LabDaemons } from '../../../lib/targets/lab/daemons.ts';
import { DEFAULT_LAB_DIR, RunNames } from '../../../lib/targets/lab/names.ts';
import { DEFAULT_VPC } from '../../../lib/topology/types.ts';
import type { Launch } from './exec.ts';
import type { Store } from './store.ts';
import { FAKE_VERSIONS } from './versions.ts';

// Where Kube-OVN's install puts them (kubeovn/kube-ovn v1.14.10: dist/images/install.sh, the
// ovn-central Deployment and ovs-ovn DaemonSet in kube-system, containers ovn-central and openvswitch).
const KUBE_OVN_NAMESPACE = 'kube-system';
const OVN_CENTRAL_CONTAINER = 'ovn-central';
const OVS_CONTAINER = 'openvswitch';

export const OVN_CENTRAL_POD: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'ovn-central-5c9f7d8b6-fake1', namespace: KUBE_OVN_NAMESPACE, labels: { app: 'ovn-central', component: 'network', 'ovn-nb-leader': 'true', 'ovn-sb-leader': 'true', 'ovn-northd-leader': 'true' } },
  spec: { containers: [{ name: OVN_CENTRAL_CONTAINER, image: `docker.io/kubeovn/kube-ovn:${FAKE_VERSIONS['kube-ovn']}` }] },
  status: { phase: 'Running' },
};

/** The one node of the fake cluster: every VM and Pod runs there. */
export const FAKE_NODE = 'fake-node-1';

export const OVS_OVN_POD: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'ovs-ovn-fake1', namespace: KUBE_OVN_NAMESPACE, labels: { app: 'ovs', component: 'network', type: 'infra' } },
  spec: { nodeName: FAKE_NODE, containers: [{ name: OVS_CONTAINER, image: `docker.io/kubeovn/kube-ovn:${FAKE_VERSIONS['kube-ovn']}` }] },
  status: { phase: 'Running' },
};

/** Cluster name -> lab row name, for the runs the fake has built; `ports` are the guests' logical switch ports. */
function namesOf(store: Store, runs: readonly string[], ports: ReadonlyMap<string, string>): Map<string, string> {
  const toLab = new Map<string, string>();
  const ours = (o: KubeObject) => runs.includes(o.metadata.labels?.[RUN_LABEL] ?? '');
  const vpcs = new Map(store.list({ kind: 'Vpc' }).filter(ours).map((o) => [o.metadata.name, o]));
  // The fake builds each object under its cluster name (cluster-view.ts), prefixed with its run.
  for (const o of [...vpcs.values(), ...store.list({ kind: 'SecurityGroup' }).filter(ours)]) toLab.set(o.metadata.name, new RunNames(o.metadata.labels![RUN_LABEL]!).ovn(o.metadata.name));
  // Kube-OVN's port group of a SecurityGroup, "ovn.sg.<name, - as .>".
  for (const o of store.list({ kind: 'SecurityGroup' }).filter(ours)) toLab.set(sgPortGroup(o.metadata.name), new RunNames(o.metadata.labels![RUN_LABEL]!).sgPortGroup(o.metadata.name));
  for (const o of store.list({ kind: 'Subnet' }).filter(ours)) {
    const names = new RunNames(o.metadata.labels![RUN_LABEL]!);
    const vpc = (o.spec as { vpc?: string }).vpc || DEFAULT_VPC;
    toLab.set(o.metadata.name, names.switch(o.metadata.name));
    // Kube-OVN's router port of a subnet: "<vpc>-<subnet>".
    toLab.set(`${vpc}-${o.metadata.name}`, names.subnetLrp(vpc, o.metadata.name));
  }
  for (const [lsp, lab] of ports) toLab.set(lsp, lab);
  // Each run has its own copy of ovn-cluster in the lab; a cluster has one, so the newest stands in.
  if (runs.length) toLab.set(DEFAULT_VPC, new RunNames(runs[runs.length - 1]!).router(DEFAULT_VPC));
  return toLab;
}

/** Replaces whole names (not a name that merely starts like one), longest first. */
function renamer(pairs: Iterable<readonly [string, string]>): (text: string) => string {
  const patterns = [...pairs].sort((a, b) => b[0].length - a[0].length).map(([from, to]) => [new RegExp(`(?<![a-z0-9.-])${escape(from)}(?![a-z0-9.-])`, 'g'), to] as const);
  return (text) => patterns.reduce((t, [pattern, to]) => t.replace(pattern, to), text);
}

/** One of the fake's Kube-OVN pods, its container, and the tools an exec into it may run. */
export interface KubeOvnPod {
  readonly pod: KubeObject;
  readonly container: string;
  /** Each tool with the option that points it at the lab's daemon. */
  readonly tools: Readonly<Record<string, (d: LabDaemons) => string>>;
}

const PODS: readonly KubeOvnPod[] = [
  { pod: OVN_CENTRAL_POD, container: OVN_CENTRAL_CONTAINER, tools: { 'ovn-nbctl': (d) => `--db=unix:${d.nbSock}`, 'ovn-trace': (d) => `--db=unix:${d.sbSock}` } },
  { pod: OVS_OVN_POD, container: OVS_CONTAINER, tools: { 'ovs-vsctl': (d) => `--db=unix:${d.confSock}`, 'ovs-appctl': (d) => `--target=${d.vswitchdCtl}` } },
];

/** The fake's Kube-OVN pod at namespace/name, if there is one. */
export function kubeOvnPod(namespace: string, name: string): KubeOvnPod | undefined {
  return PODS.find(({ pod }) => pod.metadata.namespace === namespace && pod.metadata.name === name);
}

/** What an exec into one of the fake's Kube-OVN pods runs, or the reason the fake refuses it. */
export function centralCommand(store: Store, runs: readonly string[], ports: ReadonlyMap<string, string>, { pod, container: own, tools }: KubeOvnPod, container: string | null, command: readonly string[]): Launch | string {
  if ((container ?? own) !== own) return `container ${container} is not valid for pod ${pod.metadata.name}`;
  const option = tools[command[0]!];
  if (!option) return `the fake's ${pod.metadata.name} runs only ${Object.keys(tools).join(' and ')}, not ${command[0]}`;
  const daemons = new LabDaemons(DEFAULT_LAB_DIR);
  const toLab = namesOf(store, runs, ports);
  toLab.set('br-int', daemons.bridge);
  const toCluster = renamer([...toLab].map(([cluster, lab]) => [lab, cluster] as const));
  return {
    argv: [command[0]!, option(daemons), ...command.slice(1).map(renamer(toLab))],
    env: daemons.env,
    rewrite: (output) => runs.reduce((text, run) => new RunNames(run).unprefix(text), toCluster(output)),
  };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
