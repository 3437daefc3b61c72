// One run's topology on a Harvester cluster: phases are converged by applying the objects whose
// rendering changed and deleting those no longer rendered, each kind waited until Kube-OVN or
// KubeVirt reports it ready; VMs are reached over their KubeVirt serial console.
import { randomBytes } from 'node:crypto';
import { KubeError, type KubeClient } from '../../k8s/client.ts';
import { openKubevirtConsole } from '../../k8s/kubevirt-console.ts';
import { NAME_ANNOTATION } from '../../k8s/labels.ts';
import { applyObject, deleteObject, getObject, mergePatchObject } from '../../k8s/objects.ts';
import { describe, resourceOf, type KubeObject } from '../../k8s/resources.ts';
import { waitUntil, WaitTimeout } from '../../k8s/watch.ts';
import { assignAddresses, type Addressed } from '../../model/ipam.ts';
import { registerSecret } from '../../secrets/redact.ts';
import { openConsoleSession } from '../../sessions/console.ts';
import type { Session, Transport } from '../../sessions/session.ts';
import { DEFAULT_VPC, type TopologySpec } from '../../topology/types.ts';
import { TargetError, type DiagnoseRequest, type Diagnostic, type Logger, type Realized, type RealizedVm } from '../target.ts';
import { cloudInitSecret, GUEST_NIC, userData, type ConsoleCredentials } from './cloud-init.ts';
import { ReconnectingConsole } from './console-session.ts';
import { diagnosticsFor } from './diagnose.ts';
import { prefixed } from './names.ts';
import { ovnClusterMergePatch } from './ovn-cluster.ts';
import { describeState, isReady } from './ready.ts';
import { APPLY_ORDER, render, type RenderOptions } from './render.ts';
import { teardownRun } from './teardown.ts';

export interface HarvesterRunOptions extends RenderOptions {
  readonly internetIP: string;
  readonly readyTimeoutMs: number;
}

const keyOf = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export class HarvesterRealized implements Realized {
  readonly runId: string;
  readonly internetIP: string;
  private applied = new Map<string, KubeObject>();
  private ovnCluster = '';
  private spec?: TopologySpec;
  private addresses = new Map<string, Addressed>();
  private readonly consoles = new Map<string, ReconnectingConsole>();
  /** Generated per run; only the VMs' cloud-init Secrets hold it. Never logged. */
  private readonly credentials: ConsoleCredentials = { username: 'vpcheck', password: randomBytes(12).toString('base64url') };
  private downPromise?: Promise<void>;

  constructor(private readonly client: KubeClient, private readonly options: HarvesterRunOptions, private readonly log: Logger) {
    this.runId = options.runId;
    this.internetIP = options.internetIP;
    // Reports and logs redact it wherever it would appear (a console transcript, an error).
    registerSecret(this.credentials.password);
  }

  async update(next: TopologySpec): Promise<void> {
    const rendered = render(next, this.options);
    const vms = rendered.objects.filter((o) => o.kind === 'VirtualMachine');
    const secrets = vms.map((vm) => cloudInitSecret(vm, next.name, this.runId, userData(this.credentials, next.vms.find((v) => vm.metadata.annotations![NAME_ANNOTATION] === v.name)!.listen)));
    const desired = [...rendered.objects, ...secrets];
    const changed = desired.filter((o) => JSON.stringify(this.applied.get(keyOf(o))) !== JSON.stringify(o));
    const removed = [...this.applied.values()].filter((o) => !desired.some((d) => keyOf(d) === keyOf(o)));
    for (const kind of APPLY_ORDER) {
      const batch = changed.filter((o) => o.kind === kind);
      await Promise.all(batch.map((o) => this.guard(o, applyObject(this.client, o))));
      if (kind === 'Vpc') await this.patchOvnCluster(rendered.ovnCluster);
      await Promise.all(batch.map((o) => this.waitReady(o)));
    }
    for (const kind of [...APPLY_ORDER].reverse()) {
      await Promise.all(removed.filter((o) => o.kind === kind).map(async (o) => {
        await this.guard(o, deleteObject(this.client, o));
        await this.wait(o.kind, o.metadata.name, o.metadata.namespace, (x) => x === undefined, `${describe(o)} to be deleted`);
      }));
    }
    this.applied = new Map(desired.map((o) => [keyOf(o), o]));
    this.spec = next;
    this.addresses = assignAddresses(next);
    this.log.info(`harvester ${this.runId}: ${changed.length} objects applied, ${removed.length} deleted`);
  }

  /** Merges the run's peerings and routes into ovn-cluster (and takes out the ones it dropped). */
  private async patchOvnCluster(patch: ReturnType<typeof render>['ovnCluster']): Promise<void> {
    const text = JSON.stringify(patch ?? null);
    if (text === this.ovnCluster) return;
    const vpc = resourceOf('Vpc');
    const current = await getObject(this.client, vpc, DEFAULT_VPC);
    if (!current) throw new TargetError(`harvester: Vpc ${DEFAULT_VPC} does not exist: is Kube-OVN (the kubeovn-operator add-on) enabled?`);
    await mergePatchObject(this.client, vpc, DEFAULT_VPC, undefined, ovnClusterMergePatch(current, this.runId, patch));
    this.ovnCluster = text;
  }

  private async guard<T>(o: KubeObject, p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      if (e instanceof KubeError) throw new TargetError(`harvester: ${describe(o)}: ${e.message}`);
      throw e;
    }
  }

  private async wait(kind: string, name: string, namespace: string | undefined, done: (o: KubeObject | undefined) => boolean, what: string): Promise<KubeObject | undefined> {
    try {
      return await waitUntil(this.client, resourceOf(kind), name, namespace, done, this.options.readyTimeoutMs);
    } catch (e) {
      if (e instanceof WaitTimeout) throw new TargetError(`harvester: waited ${Math.round(this.options.readyTimeoutMs / 1000)} s for ${what}; ${describeState(e.last)}`);
      if (e instanceof KubeError) throw new TargetError(`harvester: waiting for ${what}: ${e.message}`);
      throw e;
    }
  }

  /** Ready as Kube-OVN's e2e decides; a VM once its VMI runs with the address vpcheck pinned. */
  private async waitReady(o: KubeObject): Promise<void> {
    if (o.kind !== 'VirtualMachine') {
      if (['Vpc', 'Subnet', 'SecurityGroup'].includes(o.kind)) await this.wait(o.kind, o.metadata.name, undefined, isReady, `${describe(o)} to become ready`);
      return;
    }
    const vmi = await this.wait('VirtualMachineInstance', o.metadata.name, o.metadata.namespace, isReady, `VirtualMachineInstance ${o.metadata.namespace}/${o.metadata.name} to run`);
    const want = Object.entries((o.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations).find(([k]) => k.endsWith('.kubernetes.io/ip_address'))?.[1];
    // Without a guest agent KubeVirt may report no address; when it reports one it must be ours.
    const seen = ((vmi!.status as { interfaces?: { ipAddress?: string }[] }).interfaces ?? []).map((i) => i.ipAddress).filter(Boolean);
    if (seen.length && !seen.includes(want)) throw new TargetError(`harvester: VM ${o.metadata.name} runs with ${seen.join(', ')}, not the pinned ${want}`);
  }

  vm(name: string): RealizedVm {
    const a = this.addresses.get(name);
    if (!a) throw new TargetError(`harvester: run ${this.runId} has no VM ${name}`);
    // The MAC is KubeVirt's choice; vpcheck does not need it on a cluster.
    return { name, ip: a.ip, mac: '', gateway: a.subnet.gateway, subnet: a.subnet.name, nic: GUEST_NIC };
  }

  async openSession(vm: string, transport: Transport): Promise<Session> {
    if (transport !== 'console') throw new TargetError(`harvester: transport ${transport} is not available (a VM on an overlay subnet is reachable only over its serial console); use --transport console`);
    this.vm(vm);
    const name = prefixed(this.runId, vm);
    // One console per VMI: a new connection would close the previous one.
    await this.consoles.get(vm)?.close();
    const session = new ReconnectingConsole(vm, async () => openConsoleSession(await openKubevirtConsole(this.client, this.options.namespace, name, this.options.readyTimeoutMs), { vm, ...this.credentials }), (m) => this.log.warn(m));
    this.consoles.set(vm, session);
    return session.connect();
  }

  async diagnose(request: DiagnoseRequest): Promise<Diagnostic[]> {
    return diagnosticsFor(this.spec!, this.runId, request);
  }

  down(): Promise<void> {
    this.downPromise ??= (async () => {
      await Promise.all([...this.consoles.values()].map((c) => c.close()));
      await teardownRun(this.client, this.runId, this.options.readyTimeoutMs);
    })();
    return this.downPromise;
  }
}
