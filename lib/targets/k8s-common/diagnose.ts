// Evidence for a cell that differs from the model, on a cluster, read where `kubectl ko` reads
// it, in the ovn-central pods of kube-system through the pods/exec API (container ovn-central;
// kubeovn/kube-ovn:dist/images/kubectl-ko getOvnCentralPod picks the NB leader, label
// ovn-nb-leader=true, for ovn-nbctl and the SB leader, ovn-sb-leader=true, for ovn-trace): the
// VPC's routes and policies, the subnet's ACLs, and ovn-trace of the probe's first packet built
// as `kubectl ko trace` builds it; then ko trace's OVS half, the same packet through br-int's
// OpenFlow tables (ofproto/trace) in the ovs-ovn pod (label app=ovs, container openvswitch) of
// the VM's node. Where vpcheck may not exec there (no pods/exec on kube-system, no Kube-OVN pod
// found), each item says why and keeps the command to run by hand.
import { attachmentOf, pinnedAddress, PRIMARY_PROVIDER } from '../../k8s/kube-ovn.ts';
import type { KubeClient } from '../../k8s/client.ts';
import { podExec, type ExecResult } from '../../k8s/pod-exec.ts';
import { collectionPath, resourceOf, type KubeObject } from '../../k8s/resources.ts';
import type { Addressed } from '../../topology/addresses.ts';
import type { DiagnoseRequest, Evidence } from '../target.ts';
import { prefixed, vpcName } from './names.ts';
import { ofprotoFlow, type TraceSource } from '../ofproto-flow.ts';

export const KUBE_OVN_NAMESPACE = 'kube-system';
export const OVN_CENTRAL_CONTAINER = 'ovn-central';
/** Kube-OVN's ovs-ovn DaemonSet (dist/images/install.sh): one pod per node. */
const OVS_LABEL = 'app=ovs';
export const OVS_CONTAINER = 'openvswitch';
const NB_LEADER = 'ovn-nb-leader=true';
const SB_LEADER = 'ovn-sb-leader=true';
const EXEC_TIMEOUT_MS = 20_000;

/**
 * The logical switch port of a VM-like object (a VirtualMachine's pod, a Pod): Kube-OVN's
 * PodNameToPortName (pkg/ovs), "<name>.<namespace>" on its primary network and
 * "<name>.<namespace>.<provider>" on an attachment; a KubeVirt VM's port keeps the VM's name
 * (keep-vm-ip). The provider is the one of the object's `<provider>.kubernetes.io/ip_address`.
 */
export function logicalSwitchPort(o: KubeObject): string | undefined {
  const a = attachmentOf(o);
  const provider = a && pinnedAddress(a.podAnnotations)?.provider;
  if (!provider) return undefined;
  return provider === PRIMARY_PROVIDER ? `${o.metadata.name}.${o.metadata.namespace}` : `${o.metadata.name}.${o.metadata.namespace}.${provider}`;
}

/** The first packet of a probe, as `kubectl ko trace` writes it (icmp, or tcp from port 10000). */
function traceFlow(lsp: string, mac: string, ip: string, gatewayMac: string, request: DiagnoseRequest): string {
  const l4 = request.probe === 'tcp' ? ` && tcp.src == 10000 && tcp.dst == ${request.port}` : '';
  return `inport == "${lsp}" && ip.ttl == 64${request.probe === 'icmp' ? ' && icmp' : ''} && eth.src == ${mac} && ip4.src == ${ip} && eth.dst == ${gatewayMac} && ip4.dst == ${request.toIp}${l4}`;
}

/** Runs OVN's and OVS's tools in Kube-OVN's pods; each pod is looked up once per run. */
export class KubeOvnPods {
  private readonly pods = new Map<string, Promise<string>>();

  constructor(private readonly client: KubeClient) {}

  nbctl(args: readonly string[]): Promise<string> {
    return this.central(NB_LEADER, ['ovn-nbctl', ...args]);
  }

  /** ovn-nbctl's whole result, its exit code included; throws only when it could not be run. */
  async nbRead(args: readonly string[]): Promise<ExecResult> {
    return this.exec(this.pod(NB_LEADER, undefined, `ovn-central pod with label ${NB_LEADER}`), OVN_CENTRAL_CONTAINER, ['ovn-nbctl', ...args]);
  }

  trace(args: readonly string[]): Promise<string> {
    return this.central(SB_LEADER, ['ovn-trace', ...args]);
  }

  /** ovs-vsctl or ovs-appctl in the ovs-ovn pod of `node`. */
  ovs(node: string, command: readonly string[]): Promise<string> {
    return this.run(this.pod(OVS_LABEL, node, `ovs-ovn pod (label ${OVS_LABEL}) on node ${node}`), OVS_CONTAINER, command);
  }

  /** An OVN tool in the ovn-central pod labelled leader of its database. */
  private central(leader: string, command: readonly string[]): Promise<string> {
    return this.run(this.pod(leader, undefined, `ovn-central pod with label ${leader}`), OVN_CENTRAL_CONTAINER, command);
  }

  /** The command's output; throws with the reason it could not be run. */
  private async run(pod: Promise<string>, container: string, command: readonly string[]): Promise<string> {
    const r = await this.exec(pod, container, command);
    return r.exitCode === 0 ? r.stdout : `${r.output}(${command[0]} exited with ${r.exitCode})\n`;
  }

  private async exec(pod: Promise<string>, container: string, command: readonly string[]): Promise<ExecResult> {
    return podExec(this.client, { namespace: KUBE_OVN_NAMESPACE, pod: await pod, container, command, timeoutMs: EXEC_TIMEOUT_MS });
  }

  /**
   * A running pod of kube-system with `label`: the one on `node` (ovs-ovn runs on every node), or
   * without a node an ovn-central one; `what` names it in the error.
   */
  private pod(label: string, node: string | undefined, what: string): Promise<string> {
    const key = `${label} on ${node ?? ''}`;
    // A failed lookup is not retried within a run: every cell would pay for it again.
    let pod = this.pods.get(key);
    if (!pod) {
      const pick = (p: KubeObject) => (node === undefined ? p.metadata.name.includes('ovn-central') : (p.spec as { nodeName?: string } | undefined)?.nodeName === node);
      pod = (async () => {
        const list = await this.client.call<{ items: KubeObject[] }>({ method: 'GET', path: collectionPath(resourceOf('Pod'), KUBE_OVN_NAMESPACE), query: { labelSelector: label } });
        const found = list.items.find((p) => pick(p) && (p.status as { phase?: string } | undefined)?.phase === 'Running');
        if (!found) throw new Error(`no running ${what} in ${KUBE_OVN_NAMESPACE}`);
        return found.metadata.name;
      })();
      this.pods.set(key, pod);
    }
    return pod;
  }
}

const notCollected = (e: Error) => `not collected: ${e.message}; run the command (kubectl with Kube-OVN's ko plugin) and attach its output`;
const bare = ['--data=bare', '--no-heading'];

/** Where the VM runs, as far as the cluster knows: its port and its node. */
export interface VmPlacement {
  readonly lsp?: string;
  readonly node?: string;
}

/** Evidence for a probe from `from` (the VM's address and subnet), placed as `at` says. */
export async function diagnosticsFor(runId: string, request: DiagnoseRequest, from: Addressed, at: VmPlacement, central: KubeOvnPods): Promise<Evidence[]> {
  const vpc = vpcName(runId, from.subnet.vpc);
  const subnet = prefixed(runId, from.subnet.name);
  // Kube-OVN names a VPC's logical router and a subnet's logical switch after the objects.
  const nb: [title: string, args: string[]][] = [
    [`routes of ${vpc}`, ['lr-route-list', vpc]],
    [`policies of ${vpc}`, ['lr-policy-list', vpc]],
    [`ACLs of ${subnet}`, ['acl-list', subnet]],
  ];
  const collected = await Promise.all(nb.map(async ([title, args]): Promise<Evidence> => ({
    title,
    command: `kubectl ko nbctl ${args.join(' ')}`,
    output: await central.nbctl(args).catch(notCollected),
  })));
  return [...collected, ...(await traces(central, vpc, subnet, at, from.ip, request))];
}

/**
 * ovn-trace from the VM's port, then the OVS trace on its node: its MAC and the gateway's read
 * first, as kubectl ko trace does.
 */
async function traces(central: KubeOvnPods, vpc: string, subnet: string, at: VmPlacement, ip: string, request: DiagnoseRequest): Promise<Evidence[]> {
  const title = `ovn-trace from ${request.from}`;
  const { lsp, node } = at;
  const failed = (command: string, output: string, ovsOutput = output): Evidence[] => [{ title, command, output }, ovsTraceItem(request, node, command, ovsOutput)];
  if (!lsp) return failed('', `not collected: the logical switch port of ${request.from} is unknown`, 'not collected: the logical switch port is unknown');
  const portMac = ['--columns=addresses', 'find', 'logical_switch_port', `name=${lsp}`];
  const gatewayMac = ['--columns=mac', 'find', 'logical_router_port', `name=${vpc}-${subnet}`];
  const lookup = `kubectl ko nbctl ${[...bare, ...portMac].join(' ')}; kubectl ko nbctl ${[...bare, ...gatewayMac].join(' ')}`;
  try {
    const [addresses, gateway] = await Promise.all([central.nbctl([...bare, ...portMac]), central.nbctl([...bare, ...gatewayMac])]);
    const mac = addresses.trim().split(/\s+/)[0];
    if (!mac || !gateway.trim()) {
      return failed(lookup, `not collected: no MAC for port ${lsp} or router port ${vpc}-${subnet} in the northbound database`);
    }
    const args = ['--ct=new', subnet, traceFlow(lsp, mac, ip, gateway.trim(), request)];
    const command = `kubectl -n ${KUBE_OVN_NAMESPACE} exec <ovn-central pod with ${SB_LEADER}> -c ${OVN_CENTRAL_CONTAINER} -- ovn-trace ${args.slice(0, 2).join(' ')} '${args[2]}'`;
    const [ovn, ovs] = await Promise.all([central.trace(args).catch(notCollected), ovsTrace(central, request, node, lsp, { mac, ip, dstMac: gateway.trim() })]);
    return [{ title, command, output: ovn }, ovs];
  } catch (e) {
    return failed(lookup, notCollected(e as Error));
  }
}

function ovsTraceItem(request: DiagnoseRequest, node: string | undefined, command: string, output: string): Evidence {
  return { title: `OVS trace from ${request.from}${node ? ` on node ${node}` : ''}`, command, output };
}

/** ko trace's OVS half: the port's OpenFlow number on the node's br-int, then ofproto/trace. */
async function ovsTrace(central: KubeOvnPods, request: DiagnoseRequest, node: string | undefined, lsp: string, from: Omit<TraceSource, 'inPort'>): Promise<Evidence> {
  if (!node) return ovsTraceItem(request, node, '', `not collected: the node of ${request.from} is unknown`);
  const exec = `kubectl -n ${KUBE_OVN_NAMESPACE} exec <ovs-ovn pod on ${node}> -c ${OVS_CONTAINER} --`;
  const find = ['ovs-vsctl', '--format=csv', ...bare, '--columns=ofport', 'find', 'interface', `external_ids:iface-id=${lsp}`];
  try {
    const inPort = (await central.ovs(node, find)).trim();
    if (!/^\d+$/.test(inPort)) return ovsTraceItem(request, node, `${exec} ${find.join(' ')}`, `not collected: no interface with iface-id ${lsp} on ${node}'s br-int${inPort ? ` (${inPort})` : ''}`);
    const flow = ofprotoFlow({ ...from, inPort }, request);
    return ovsTraceItem(request, node, `${exec} ovs-appctl ofproto/trace br-int '${flow}'`, await central.ovs(node, ['ovs-appctl', 'ofproto/trace', 'br-int', flow]));
  } catch (e) {
    return ovsTraceItem(request, node, `${exec} ${find.join(' ')}`, notCollected(e as Error));
  }
}
