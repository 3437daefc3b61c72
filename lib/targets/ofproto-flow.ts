// The probe's first packet as an OpenFlow flow for `ovs-appctl ofproto/trace br-int`, written as
// `kubectl ko trace` writes it for its OVS half (kubeovn/kube-ovn:dist/images/kubectl-ko trace):
// in_port, the protocol, addresses, and for tcp source port 1000. Pure; the lab and the cluster
// targets trace the same flow, one from the lab's vswitchd, the other from the node's ovs-ovn pod.
import type { DiagnoseRequest } from './target.ts';

export interface TraceSource {
  /** OpenFlow port of the VM's interface on br-int (a number, or the port's name). */
  readonly inPort: string;
  readonly mac: string;
  readonly ip: string;
  /** The next hop's MAC: the peer's on the same subnet, else the subnet gateway's. */
  readonly dstMac: string;
}

export function ofprotoFlow(from: TraceSource, request: DiagnoseRequest): string {
  const l4 = request.probe === 'tcp' ? `tcp,tcp_src=1000,tcp_dst=${request.port ?? 0}` : 'icmp,icmp_type=8';
  return `in_port=${from.inPort},${l4},dl_src=${from.mac},dl_dst=${from.dstMac},nw_src=${from.ip},nw_dst=${request.toIp},nw_ttl=64`;
}
