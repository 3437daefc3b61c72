// Evidence for a cell that differs from the model, from the lab's OVN: ovn-trace of the probe's
// first packet from the VM's port, the same packet through br-int's OpenFlow tables
// (ofproto/trace, which sees what OVN compiled and conntrack), the VPC's routes and policies (the
// VM's own routes come from the runner, over the VM's session). Output is shown with the run's
// name prefix removed, so it speaks of the topology's objects.
import type { DiagnoseRequest, Evidence } from '../target.ts';
import type { IntegrationBridge } from './chassis.ts';
import type { LabDaemons } from './daemons.ts';
import type { VmPlan } from './host-plan.ts';
import type { RunNames } from './names.ts';
import { run } from './proc.ts';
import { shellQuote } from '../../sessions/quote.ts';
import { ofprotoFlow } from '../ofproto-flow.ts';

/** The microflow of the probe's first packet: an echo request, or a SYN for tcp. */
export function microflow(from: VmPlan, dstMac: string, request: DiagnoseRequest): string {
  const l4 = request.probe === 'tcp' ? `tcp && tcp.dst == ${request.port ?? 0} && tcp.flags == 2` : 'icmp4.type == 8';
  return `inport == "${from.lsp}" && eth.src == ${from.mac} && eth.dst == ${dstMac} && ip4.src == ${from.ip} && ip4.dst == ${request.toIp} && ip.ttl == 64 && ${l4}`;
}

/** `at`: the chassis the VM's port is on, whose vswitchd traces the packet through its br-int. */
export async function diagnose(daemons: LabDaemons, at: IntegrationBridge, names: RunNames, from: VmPlan, sameSubnetPeer: VmPlan | undefined, request: DiagnoseRequest): Promise<Evidence[]> {
  // On-link destinations are addressed directly; everything else goes to the gateway's MAC.
  const dstMac = sameSubnetPeer?.mac ?? names.mac('lrp', names.subnetLrp(from.vpc, from.subnet));
  const flow = microflow(from, dstMac, request);
  const router = names.router(from.vpc);
  const nb = [`--db=unix:${daemons.nbSock}`];
  const items: [string, string, string[]][] = [
    [`ovn-trace from ${from.name}`, 'ovn-trace', [`--db=unix:${daemons.sbSock}`, '--detailed', names.switch(from.subnet), flow]],
    // The VM's veth is br-int's port of that name.
    [`OVS trace from ${from.name}`, 'ovs-appctl', ['-t', at.vswitchdCtl, 'ofproto/trace', at.bridge, ofprotoFlow({ inPort: from.hostIf, mac: from.mac, ip: from.ip, dstMac }, request)]],
    [`routes of VPC ${from.vpc}`, 'ovn-nbctl', [...nb, 'lr-route-list', router]],
    [`router policies of VPC ${from.vpc}`, 'ovn-nbctl', [...nb, 'lr-policy-list', router]],
  ];
  return Promise.all(items.map(async ([title, file, args]) => {
    const r = await run(file, args, { env: file === 'ovs-appctl' ? at.env : daemons.env, allowFailure: true, timeoutMs: 15_000 });
    return { title, command: names.unprefix([file, ...args].map(shellQuote).join(' ')), output: names.unprefix(r.stdout + r.stderr) };
  }));
}
