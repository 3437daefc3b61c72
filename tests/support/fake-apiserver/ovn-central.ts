// The fake's Kube-OVN central pod: kube-system/ovn-central-*, labelled as the NB and SB leader,
// with the container "ovn-central" in which `kubectl ko` runs ovn-nbctl and ovn-trace. Here they
// run against the lab's databases, where the fake built every run: cluster names in the arguments
// (a Vpc, a Subnet, a VM's logical switch port, a subnet's router port), also inside an
// ovn-trace flow, become the lab's row names, and the lab's names in the output become cluster
// names again, so the output reads as it would on the cluster.
import { RUN_LABEL } from '../../../lib/k8s/labels.ts';
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import { originalName } from '../../../lib/import/to-spec.ts';
import { KUBE_OVN_NAMESPACE, logicalSwitchPort, OVN_CENTRAL_CONTAINER } from '../../../lib/targets/k8s-common/diagnose.ts';
import { LabDaemons } from '../../../lib/targets/lab/daemons.ts';
import { DEFAULT_LAB_DIR, RunNames } from '../../../lib/targets/lab/names.ts';
import { DEFAULT_VPC } from '../../../lib/topology/types.ts';
import type { Store } from './store.ts';
import { FAKE_VERSIONS } from './versions.ts';

export const OVN_CENTRAL_POD: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'ovn-central-5c9f7d8b6-fake1', namespace: KUBE_OVN_NAMESPACE, labels: { app: 'ovn-central', component: 'network', 'ovn-nb-leader': 'true', 'ovn-sb-leader': 'true', 'ovn-northd-leader': 'true' } },
  spec: { containers: [{ name: OVN_CENTRAL_CONTAINER, image: `docker.io/kubeovn/kube-ovn:${FAKE_VERSIONS['kube-ovn']}` }] },
  status: { phase: 'Running' },
};

export interface CentralCommand {
  readonly argv: readonly string[];
  readonly env: Record<string, string>;
  /** Lab names in the output back to cluster names. */
  readonly rewrite: (output: string) => string;
}

/** Cluster name -> lab row name, for the runs the fake has built. */
function namesOf(store: Store, runs: readonly string[]): Map<string, string> {
  const toLab = new Map<string, string>();
  const ours = (o: KubeObject) => runs.includes(o.metadata.labels?.[RUN_LABEL] ?? '');
  const vpcs = new Map(store.list({ kind: 'Vpc' }).filter(ours).map((o) => [o.metadata.name, o]));
  for (const o of [...vpcs.values(), ...store.list({ kind: 'SecurityGroup' }).filter(ours)]) toLab.set(o.metadata.name, new RunNames(o.metadata.labels![RUN_LABEL]!).ovn(originalName(o)));
  for (const o of store.list({ kind: 'Subnet' }).filter(ours)) {
    const names = new RunNames(o.metadata.labels![RUN_LABEL]!);
    const vpc = (o.spec as { vpc?: string }).vpc ?? DEFAULT_VPC;
    const vpcOriginal = vpcs.has(vpc) ? originalName(vpcs.get(vpc)!) : DEFAULT_VPC;
    toLab.set(o.metadata.name, names.switch(originalName(o)));
    // Kube-OVN's router port of a subnet: "<vpc>-<subnet>".
    toLab.set(`${vpc}-${o.metadata.name}`, names.subnetLrp(vpcOriginal, originalName(o)));
  }
  for (const o of [...store.list({ kind: 'VirtualMachine' }), ...store.list({ kind: 'Pod' })].filter(ours)) {
    const lsp = logicalSwitchPort(o);
    if (lsp) toLab.set(lsp, new RunNames(o.metadata.labels![RUN_LABEL]!).vmLsp(originalName(o)));
  }
  // Each run has its own copy of ovn-cluster in the lab; a cluster has one, so the newest stands in.
  if (runs.length) toLab.set(DEFAULT_VPC, new RunNames(runs[runs.length - 1]!).router(DEFAULT_VPC));
  return toLab;
}

/** Replaces whole names (not a name that merely starts like one), longest first. */
function renamer(pairs: Iterable<readonly [string, string]>): (text: string) => string {
  const sorted = [...pairs].sort((a, b) => b[0].length - a[0].length);
  return (text) => sorted.reduce((t, [from, to]) => t.replace(new RegExp(`(?<![a-z0-9.-])${escape(from)}(?![a-z0-9.-])`, 'g'), to), text);
}

const TOOLS: Record<string, (daemons: LabDaemons) => string> = {
  'ovn-nbctl': (d) => `--db=unix:${d.nbSock}`,
  'ovn-trace': (d) => `--db=unix:${d.sbSock}`,
};

/** What an exec into the ovn-central pod runs, or the reason the fake refuses it. */
export function centralCommand(store: Store, runs: readonly string[], container: string | null, command: readonly string[]): CentralCommand | string {
  if ((container ?? OVN_CENTRAL_CONTAINER) !== OVN_CENTRAL_CONTAINER) return `container ${container} is not valid for pod ${OVN_CENTRAL_POD.metadata.name}`;
  const db = TOOLS[command[0]!];
  if (!db) return `the fake's ovn-central runs only ${Object.keys(TOOLS).join(' and ')}, not ${command[0]}`;
  const toLab = namesOf(store, runs);
  const toCluster = renamer([...toLab].map(([cluster, lab]) => [lab, cluster] as const));
  const daemons = new LabDaemons(DEFAULT_LAB_DIR);
  return {
    argv: [command[0]!, db(daemons), ...command.slice(1).map(renamer(toLab))],
    env: daemons.env,
    rewrite: (output) => runs.reduce((text, run) => new RunNames(run).unprefix(text), toCluster(output)),
  };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
