// One run's topology on a Harvester cluster: the shared cluster convergence (k8s-common) with
// KubeVirt VMs and their cloud-init Secrets; VMs are reached over their KubeVirt serial console.
import { randomBytes } from 'node:crypto';
import type { KubeClient } from '../../k8s/client.ts';
import { openKubevirtConsole } from '../../k8s/kubevirt-console.ts';
import { NAME_ANNOTATION } from '../../k8s/labels.ts';
import type { KubeObject } from '../../k8s/resources.ts';
import { registerSecret } from '../../secrets/redact.ts';
import { openConsoleSession } from '../../sessions/console.ts';
import type { Session, Transport } from '../../sessions/session.ts';
import type { TopologySpec } from '../../topology/types.ts';
import { ClusterRealized, type ClusterRunOptions, type Desired } from '../k8s-common/cluster-realized.ts';
import { TargetError, type Logger } from '../target.ts';
import { cloudInitSecret, GUEST_NIC, userData, type ConsoleCredentials } from './cloud-init.ts';
import { ReconnectingConsole } from './console-session.ts';
import { launcherPod } from '../k8s-common/diagnose.ts';
import { isReady } from '../k8s-common/ready.ts';
import { prefixed } from '../k8s-common/names.ts';
import { APPLY_ORDER, render, type RenderOptions } from './render.ts';
import { teardownOrder } from '../k8s-common/teardown.ts';

export interface HarvesterRunOptions extends RenderOptions, ClusterRunOptions {}

export const TEARDOWN_ORDER = teardownOrder(APPLY_ORDER);

export class HarvesterRealized extends ClusterRealized {
  protected readonly label = 'harvester';
  protected readonly applyOrder = APPLY_ORDER;
  protected readonly nic = GUEST_NIC;
  private readonly consoles = new Map<string, ReconnectingConsole>();
  /** Generated per run; only the VMs' cloud-init Secrets hold it. Never logged. */
  private readonly credentials: ConsoleCredentials = { username: 'vpcheck', password: randomBytes(12).toString('base64url') };

  constructor(client: KubeClient, private readonly options: HarvesterRunOptions, log: Logger) {
    super(client, options, log, TEARDOWN_ORDER);
    // Reports and logs redact it wherever it would appear (a console transcript, an error).
    registerSecret(this.credentials.password);
  }

  protected desired(next: TopologySpec): Desired {
    const rendered = render(next, this.options);
    const vms = rendered.objects.filter((o) => o.kind === 'VirtualMachine');
    const secrets = vms.map((vm) => cloudInitSecret(vm, next.name, this.runId, userData(this.credentials, next.vms.find((v) => vm.metadata.annotations![NAME_ANNOTATION] === v.name)!.listen)));
    return { objects: [...rendered.objects, ...secrets], ...(rendered.ovnCluster && { ovnCluster: rendered.ovnCluster }) };
  }

  /** Running VMI with the address vpcheck pinned. */
  protected async waitVm(o: KubeObject): Promise<void> {
    const vmi = await this.wait('VirtualMachineInstance', o.metadata.name, o.metadata.namespace, isReady, `VirtualMachineInstance ${o.metadata.namespace}/${o.metadata.name} to run`);
    const want = Object.entries((o.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations).find(([k]) => k.endsWith('.kubernetes.io/ip_address'))?.[1];
    // Without a guest agent KubeVirt may report no address; when it reports one it must be ours.
    const seen = ((vmi!.status as { interfaces?: { ipAddress?: string }[] }).interfaces ?? []).map((i) => i.ipAddress).filter(Boolean);
    if (seen.length && !seen.includes(want)) throw new TargetError(`harvester: VM ${o.metadata.name} runs with ${seen.join(', ')}, not the pinned ${want}`);
  }

  async openSession(vm: string, transport: Transport): Promise<Session> {
    if (transport !== 'console') throw new TargetError(`harvester: transport ${transport} is not available (a VM on an overlay subnet is reachable only over its serial console); use --transport console`);
    this.vm(vm);
    const name = prefixed(this.runId, vm);
    // One console per VMI: a new connection would close the previous one.
    await this.consoles.get(vm)?.close();
    const session = new ReconnectingConsole(vm, async () => openConsoleSession(await openKubevirtConsole(this.client, this.options.namespace, name, this.readyTimeoutMs), { vm, ...this.credentials }), (m) => this.log.warn(m));
    this.consoles.set(vm, session);
    return session.connect();
  }

  protected podOf(vm: string): string {
    return launcherPod(this.runId, vm);
  }

  protected async closeSessions(): Promise<void> {
    await Promise.all([...this.consoles.values()].map((c) => c.close()));
  }
}
