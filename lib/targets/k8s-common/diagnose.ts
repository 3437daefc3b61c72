// Evidence for a cell that differs from the model, on a cluster. The OVN northbound state lives
// in the ovn-central pod; `kubectl ko nbctl` (kubeovn/kube-ovn:dist/images/kubectl-ko) execs
// ovn-nbctl there. vpcheck does not exec into cluster pods itself (it would need pods/exec on
// kube-system), so each diagnostic names the exact command to run, with the run's real names.
import type { TopologySpec } from '../../topology/types.ts';
import { assignAddresses } from '../../model/ipam.ts';
import type { DiagnoseRequest, Diagnostic } from '../target.ts';
import { prefixed, vpcName } from './names.ts';

const NOT_COLLECTED = 'not collected by vpcheck on a cluster: run the command (kubectl with the kube-ovn plugin) and attach its output';

/** The pod of a VM for `kubectl ko trace`: KubeVirt's launcher pod (its suffix is KubeVirt's choice). */
export const launcherPod = (runId: string, vm: string) => `<namespace>/virt-launcher-${prefixed(runId, vm)}-<id>`;

export function diagnosticsFor(spec: TopologySpec, runId: string, request: DiagnoseRequest, podOf: (vm: string) => string): Diagnostic[] {
  const from = assignAddresses(spec).get(request.from);
  if (!from) return [];
  const vpc = vpcName(runId, from.subnet.vpc);
  const subnet = prefixed(runId, from.subnet.name);
  const proto = request.probe === 'tcp' ? `tcp ${request.port}` : 'icmp';
  return [
    { title: `routes of ${vpc}`, command: `kubectl ko nbctl lr-route-list ${vpc}`, output: NOT_COLLECTED },
    { title: `policies of ${vpc}`, command: `kubectl ko nbctl lr-policy-list ${vpc}`, output: NOT_COLLECTED },
    { title: `ACLs of ${subnet}`, command: `kubectl ko nbctl acl-list ${subnet}`, output: NOT_COLLECTED },
    { title: `trace ${request.from} -> ${request.toIp}`, command: `kubectl ko trace ${podOf(request.from)} ${request.toIp} ${proto}`, output: NOT_COLLECTED },
  ];
}
