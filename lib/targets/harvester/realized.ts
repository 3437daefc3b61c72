// One run's topology on a Harvester cluster: the shared cluster convergence (k8s-common) with
// KubeVirt VMs and their cloud-init Secrets; VMs are reached over their KubeVirt serial console
// or, with --transport ssh, over SSH through a jump host or KubeVirt's port-forward to their first NIC.
import { randomBytes } from 'node:crypto';
import { attachmentOf, pinnedAddress } from '../../k8s/kube-ovn.ts';
import type { KubeClient } from '../../k8s/client.ts';
import { openKubevirtConsole } from '../../k8s/kubevirt-console.ts';
import { openKubevirtPortForward } from '../../k8s/kubevirt-portforward.ts';
import { SubresourceRefused } from '../../k8s/kubevirt-stream.ts';
import { NAME_ANNOTATION } from '../../k8s/labels.ts';
import type { KubeObject } from '../../k8s/resources.ts';
import { registerSecret } from '../../secrets/redact.ts';
import { openConsoleSession } from '../../sessions/console.ts';
import { SessionError, type Session, type Transport } from '../../sessions/session.ts';
import { openSshSession } from '../../sessions/ssh.ts';
import { generateSshKeyPair, publicKeyBlob } from '../../sessions/ssh-keys.ts';
import { SshJump, type SshJumpOptions } from '../../sessions/ssh-jump.ts';
import type { TopologySpec } from '../../topology/types.ts';
import { ClusterRealized, type ClusterRunOptions, type Desired } from '../k8s-common/cluster-realized.ts';
import { checkTransport, TargetError, type Logger } from '../target.ts';
import { cloudInitSecret, GUEST_NIC, userData, type GuestCredentials } from './cloud-init.ts';
import { ReconnectingSession } from './reconnecting-session.ts';
import { isReady } from '../k8s-common/ready.ts';
import { prefixed } from '../k8s-common/names.ts';
import { APPLY_ORDER, render, type RenderOptions } from './render.ts';

export interface HarvesterRunOptions extends RenderOptions, ClusterRunOptions {
  readonly sshJump?: SshJumpOptions;
}

export class HarvesterRealized extends ClusterRealized {
  protected readonly label = 'harvester';
  protected readonly applyOrder = APPLY_ORDER;
  protected readonly nic = GUEST_NIC;
  // harvester/kubeovn-operator internal/templates/configmaps.go renders both NAT ConfigMaps from it.
  protected override readonly natEnableHint = ' (Harvester: set enableNATGateway in the kubeovn-operator\'s Configuration)';
  private readonly sessions = new Map<string, Session>();
  private readonly jump?: SshJump;
  /** Generated per run; only the VMs' cloud-init Secrets hold them. Never logged. */
  private readonly credentials: GuestCredentials = {
    username: 'vpcheck',
    password: randomBytes(12).toString('base64url'),
    clientKey: generateSshKeyPair(),
    hostKey: generateSshKeyPair(),
  };

  constructor(client: KubeClient, private readonly options: HarvesterRunOptions, log: Logger) {
    super(client, options, log);
    if (options.sshJump) this.jump = new SshJump(options.sshJump);
    // Reports and logs redact them wherever they would appear (a console transcript, an error).
    for (const secret of [this.credentials.password, this.credentials.clientKey.privateKey, this.credentials.hostKey.privateKey]) registerSecret(secret);
  }

  protected desired(next: TopologySpec): Desired {
    const rendered = render(next, this.options);
    const vms = rendered.objects.filter((o) => o.kind === 'VirtualMachine');
    const secrets = vms.map((vm) => cloudInitSecret(vm, next.name, this.runId, userData(this.credentials, next.vms.find((v) => vm.metadata.annotations![NAME_ANNOTATION] === v.name)!.listen)));
    return { objects: [...rendered.objects, ...secrets], ...(rendered.ovnCluster && { ovnCluster: rendered.ovnCluster }), notes: rendered.notes };
  }

  /** Running VMI with the address vpcheck pinned. */
  protected async waitVm(o: KubeObject): Promise<void> {
    const vmi = await this.wait('VirtualMachineInstance', o.metadata.name, o.metadata.namespace, isReady, `VirtualMachineInstance ${o.metadata.namespace}/${o.metadata.name} to run`);
    const want = pinnedAddress(attachmentOf(o)!.podAnnotations)?.ip;
    // Without a guest agent KubeVirt may report no address; when it reports one it must be ours.
    const seen = ((vmi!.status as { interfaces?: { ipAddress?: string }[] }).interfaces ?? []).map((i) => i.ipAddress).filter(Boolean);
    if (seen.length && !seen.includes(want)) throw new TargetError(`harvester: VM ${o.metadata.name} runs with ${seen.join(', ')}, not the pinned ${want}`);
  }

  async openSession(vm: string, transport: Transport): Promise<Session> {
    checkTransport('harvester', transport, "a VM has no exec API; that is --target kubeovn's");
    this.vm(vm);
    const name = prefixed(this.runId, vm);
    // One session per VM: a new console connection would close the previous one anyway.
    await this.sessions.get(vm)?.close();
    const { username, password } = this.credentials;
    const open = transport === 'ssh'
      ? () => this.openSsh(vm, name)
      : async () => openConsoleSession(await openKubevirtConsole(this.client, this.options.namespace, name, this.sessionTimeoutMs), { vm, username, password });
    const session = new ReconnectingSession(vm, transport, open, (m) => this.log.warn(m));
    // Kept before it connects: a login that fails may leave a stream open for closeSessions.
    this.sessions.set(vm, session);
    return session.connect();
  }

  /** The serial console as vpcheck uses it; the password is the run's, kept only in the VM's cloud-init Secret. */
  reach(vm: string): string {
    this.vm(vm);
    const name = prefixed(this.runId, vm);
    const ns = this.options.namespace;
    return `virtctl console ${name} -n ${ns}   # user ${this.credentials.username}; password: kubectl get secret ${name} -n ${ns} -o jsonpath='{.data.userdata}' | base64 -d | grep plain_text_passwd`;
  }

  /**
   * SSH to port 22 of the VM's address through the jump host, or of the VMI's first NIC through
   * KubeVirt's port-forward; the host key must be the one cloud-init installed.
   */
  private async openSsh(vm: string, name: string): Promise<Session> {
    const { username, clientKey, hostKey } = this.credentials;
    const stream = this.jump
      ? await this.jump.tunnel(vm, this.vm(vm).ip, 22, this.sessionTimeoutMs)
      : await openKubevirtPortForward(this.client, this.options.namespace, name, 22, this.sessionTimeoutMs).catch((e: Error) => {
        throw e instanceof SubresourceRefused ? new SessionError(`${vm}: ${e.message}`) : e;
      });
    return openSshSession(stream, { vm, username, privateKey: clientKey.privateKey, hostKey: publicKeyBlob(hostKey.publicKey) });
  }

  protected async closeSessions(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close().catch(() => undefined)));
    await this.jump?.close();
  }
}
