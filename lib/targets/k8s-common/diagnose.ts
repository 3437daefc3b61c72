// Evidence for a cell that differs from the model, on a cluster, read where `kubectl ko nbctl`
// reads it: ovn-nbctl in the NB leader's ovn-central pod of kube-system (label ovn-nb-leader=true,
// container ovn-central: kubeovn/kube-ovn:dist/images/kubectl-ko getOvnCentralPod; Kube-OVN's
// e2e execs "ovn-nbctl" in container "ovn-central" the same way), through the pods/exec API.
// Where vpcheck may not exec there (no pods/exec on kube-system, no Kube-OVN pod found), each item
// keeps the command to run by hand and says why it was not collected. The OVN trace stays a
// command: it needs the VM's launcher pod and MACs, which `kubectl ko trace` works out itself.
import type { KubeClient } from '../../k8s/client.ts';
import { podExec } from '../../k8s/pod-exec.ts';
import { collectionPath, resourceOf, type KubeObject } from '../../k8s/resources.ts';
import { assignAddresses } from '../../model/ipam.ts';
import type { TopologySpec } from '../../topology/types.ts';
import type { DiagnoseRequest, Diagnostic } from '../target.ts';
import { prefixed, vpcName } from './names.ts';

export const KUBE_OVN_NAMESPACE = 'kube-system';
export const OVN_CENTRAL_CONTAINER = 'ovn-central';
const NB_LEADER = 'ovn-nb-leader=true';
const EXEC_TIMEOUT_MS = 20_000;

/** The pod of a VM for `kubectl ko trace`: KubeVirt's launcher pod (its suffix is KubeVirt's choice). */
export const launcherPod = (runId: string, vm: string) => `<namespace>/virt-launcher-${prefixed(runId, vm)}-<id>`;

/** Runs ovn-nbctl in the NB leader's pod; the pod is looked up once per run. */
export class OvnCentral {
  private pod?: Promise<string>;

  constructor(private readonly client: KubeClient) {}

  /** The command's output; throws with the reason it could not be run. */
  async nbctl(args: readonly string[]): Promise<string> {
    this.pod ??= this.findPod();
    // A failed lookup is not retried within a run: every cell would pay for it again.
    const pod = await this.pod;
    const r = await podExec(this.client, { namespace: KUBE_OVN_NAMESPACE, pod, container: OVN_CENTRAL_CONTAINER, command: ['ovn-nbctl', ...args], timeoutMs: EXEC_TIMEOUT_MS });
    return r.exitCode === 0 ? r.stdout : `${r.output}(ovn-nbctl exited with ${r.exitCode})\n`;
  }

  private async findPod(): Promise<string> {
    const list = await this.client.call<{ items: KubeObject[] }>({ method: 'GET', path: collectionPath(resourceOf('Pod'), KUBE_OVN_NAMESPACE), query: { labelSelector: NB_LEADER } });
    const pod = list.items.find((p) => p.metadata.name.includes('ovn-central') && (p.status as { phase?: string } | undefined)?.phase === 'Running');
    if (!pod) throw new Error(`no running ovn-central pod with label ${NB_LEADER} in ${KUBE_OVN_NAMESPACE}`);
    return pod.metadata.name;
  }
}

export async function diagnosticsFor(spec: TopologySpec, runId: string, request: DiagnoseRequest, podOf: (vm: string) => string, central: OvnCentral): Promise<Diagnostic[]> {
  const from = assignAddresses(spec).get(request.from);
  if (!from) return [];
  const vpc = vpcName(runId, from.subnet.vpc);
  const subnet = prefixed(runId, from.subnet.name);
  const proto = request.probe === 'tcp' ? `tcp ${request.port}` : 'icmp';
  // Kube-OVN names a VPC's logical router and a subnet's logical switch after the objects.
  const nb: [title: string, args: string[]][] = [
    [`routes of ${vpc}`, ['lr-route-list', vpc]],
    [`policies of ${vpc}`, ['lr-policy-list', vpc]],
    [`ACLs of ${subnet}`, ['acl-list', subnet]],
  ];
  const collected = await Promise.all(nb.map(async ([title, args]): Promise<Diagnostic> => ({
    title,
    command: `kubectl ko nbctl ${args.join(' ')}`,
    output: await central.nbctl(args).catch((e: Error) => `not collected: ${e.message}; run the command (kubectl with Kube-OVN's ko plugin) and attach its output`),
  })));
  const trace = `kubectl ko trace ${podOf(request.from)} ${request.toIp} ${proto}`;
  return [...collected, { title: `trace ${request.from} -> ${request.toIp}`, command: trace, output: 'not collected by vpcheck: run the command and attach its output' }];
}
