// The fake's Kube-OVN central pod: kube-system/ovn-central-*, labelled as the NB and SB leader,
// with the container "ovn-central" in which `kubectl ko nbctl` runs ovn-nbctl. Here ovn-nbctl
// runs against the lab's northbound database, where the fake built every run: cluster names in
// the arguments (a Vpc, a Subnet) become the lab's row names, and the lab's names in the output
// become cluster names again, so the output reads as it would on the cluster.
import { RUN_LABEL } from '../../../lib/k8s/labels.ts';
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import { originalName } from '../../../lib/import/to-spec.ts';
import { OVN_CENTRAL_CONTAINER, KUBE_OVN_NAMESPACE } from '../../../lib/targets/k8s-common/diagnose.ts';
import { LabDaemons } from '../../../lib/targets/lab/daemons.ts';
import { DEFAULT_LAB_DIR, RunNames } from '../../../lib/targets/lab/names.ts';
import { DEFAULT_VPC } from '../../../lib/topology/types.ts';
import type { Store } from './store.ts';

export const OVN_CENTRAL_POD: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'ovn-central-5c9f7d8b6-fake1', namespace: KUBE_OVN_NAMESPACE, labels: { app: 'ovn-central', component: 'network', 'ovn-nb-leader': 'true', 'ovn-sb-leader': 'true', 'ovn-northd-leader': 'true' } },
  spec: { containers: [{ name: OVN_CENTRAL_CONTAINER, image: 'docker.io/kubeovn/kube-ovn:v1.14.10' }] },
  status: { phase: 'Running' },
};

export interface CentralCommand {
  readonly argv: readonly string[];
  readonly env: Record<string, string>;
  /** Lab names in the output back to cluster names. */
  readonly rewrite: (output: string) => string;
}

/** What an exec into the ovn-central pod runs, or the reason the fake refuses it. */
export function centralCommand(store: Store, runs: readonly string[], container: string | null, command: readonly string[]): CentralCommand | string {
  if ((container ?? OVN_CENTRAL_CONTAINER) !== OVN_CENTRAL_CONTAINER) return `container ${container} is not valid for pod ${OVN_CENTRAL_POD.metadata.name}`;
  if (command[0] !== 'ovn-nbctl') return `the fake's ovn-central runs only ovn-nbctl, not ${command[0]}`;
  // Cluster name -> lab row name, for the runs the fake has built.
  const toLab = new Map<string, string>();
  for (const kind of ['Vpc', 'Subnet', 'SecurityGroup']) {
    for (const o of store.list({ kind })) {
      const run = o.metadata.labels?.[RUN_LABEL];
      if (run && runs.includes(run)) toLab.set(o.metadata.name, new RunNames(run).ovn(originalName(o)));
    }
  }
  // Each run has its own copy of ovn-cluster in the lab; a cluster has one, so the newest stands in.
  if (runs.length) toLab.set(DEFAULT_VPC, new RunNames(runs[runs.length - 1]!).router(DEFAULT_VPC));
  const toCluster = [...toLab].map(([cluster, lab]) => [lab, cluster] as const).sort((a, b) => b[0].length - a[0].length);
  const daemons = new LabDaemons(DEFAULT_LAB_DIR);
  return {
    argv: ['ovn-nbctl', `--db=unix:${daemons.nbSock}`, ...command.slice(1).map((a) => toLab.get(a) ?? a)],
    env: daemons.env,
    rewrite: (output) => {
      let text = output;
      for (const [lab, cluster] of toCluster) text = text.replace(new RegExp(`${escape(lab)}(?![a-z0-9.-])`, 'g'), cluster);
      for (const run of runs) text = new RunNames(run).unprefix(text);
      return text;
    },
  };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
