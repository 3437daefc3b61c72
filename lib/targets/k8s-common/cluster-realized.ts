// One run's topology on a Kubernetes cluster with Kube-OVN, whatever stands in for the VMs
// (Harvester: KubeVirt VMs; kube-ovn: Pods). Phases are converged by applying the objects whose
// rendering changed and deleting those no longer rendered, each kind waited until Kube-OVN (or
// KubeVirt, or the kubelet) reports it ready; then, since Kube-OVN's status does not change when
// a ready object is patched, until OVN's northbound DB holds what the objects ask for
// (programmed.ts). Subclasses render and open sessions.
import { KubeError, type KubeClient } from '../../k8s/client.ts';
import { applyObject, getObject, listObjects } from '../../k8s/objects.ts';
import { NAME_ANNOTATION, RUN_LABEL, runSelector } from '../../k8s/labels.ts';
import { describe, resourceOf, type KubeObject } from '../../k8s/resources.ts';
import { waitUntil, WaitTimeout } from '../../k8s/watch.ts';
import { assignAddresses, type Addressed } from '../../topology/addresses.ts';
import type { Session, Transport } from '../../sessions/session.ts';
import { SshJump, type SshJumpOptions } from '../../sessions/ssh-jump.ts';
import { DEFAULT_VPC, type TopologySpec } from '../../topology/types.ts';
import { TargetError, type DiagnoseRequest, type Evidence, type Logger, type Readiness, type Realized, type RealizedVm, type UpdateResult } from '../target.ts';
import { deleteRunObject } from './delete.ts';
import { diagnosticsFor, KubeOvnPods, logicalSwitchPort, type VmPlacement } from './diagnose.ts';
import { expectation, expectedRows, type NbExpectation, type NbRow } from './nb-expect.ts';
import { writeOvnCluster } from './ovn-cluster-write.ts';
import { NotReady, Unreadable, waitProgrammed, waitStable } from './programmed.ts';
import { subnetConflicts } from './subnet-conflicts.ts';
import { describeState, isReady, WAITED_KINDS } from './ready.ts';
import { NAT_CONFIG, NAT_GW_CONFIG, NAT_NAMESPACE, natConfigRefusal } from './render-nat.ts';
import { teardownOrder, teardownRun, teardownTimeoutMs } from './teardown.ts';
import type { OvnClusterPatch } from './render-network.ts';

export interface ClusterRunOptions {
  readonly runId: string;
  readonly internetIP: string;
  readonly readyTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  /** The user's host on the external network (--external-host), for cells `from: external`. */
  readonly externalHost?: SshJumpOptions;
}

export interface Desired {
  readonly objects: readonly KubeObject[];
  readonly ovnCluster?: OvnClusterPatch;
  /** What the rendering defaulted or needs of the cluster (render-nat.ts): logged once per run. */
  readonly notes?: readonly string[];
}

/** The kinds that stand in for a topology VM. */
const VM_KINDS = new Set(['VirtualMachine', 'Pod']);

const keyOf = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** How often the NB database is read while rows are missing. */
const NB_POLL_MS = 500;
/** Where it cannot be read: this many observations of the objects' status, this far apart. */
const STABLE_OBSERVATIONS = 3;
const STABLE_INTERVAL_MS = 1000;

export abstract class ClusterRealized implements Realized {
  readonly runId: string;
  readonly internetIP: string;
  private applied = new Map<string, KubeObject>();
  private ovnCluster = '';
  private addresses = new Map<string, Addressed>();
  /** The NB rows of the applied objects, for what a change takes out. */
  private nbRows: readonly NbRow[] = [];
  private latest: Readiness = { kind: 'programmed', checked: 'nothing built yet', waitedMs: 0 };
  private downPromise?: Promise<void>;
  private readonly central: KubeOvnPods;
  /** Objects the cluster had before the run (its own NAT ConfigMaps): never applied over, never deleted. */
  private readonly foreign = new Set<string>();
  private readonly noted = new Set<string>();
  /** --external-host's connection; without it the target has no external host and those cells are not run. */
  private readonly external?: SshJump;
  readonly externalSession?: () => Promise<Session>;

  /** "harvester" or "kube-ovn", at the start of every message. */
  protected abstract readonly label: string;
  /** Kinds in the order they are applied (reverse for deletion). */
  protected abstract readonly applyOrder: readonly string[];
  /** How the platform turns the NAT gateway on, for the refusal when it is off (" (...)" or ""). */
  protected readonly natEnableHint: string = '';
  /** The NIC inside a VM, as the docs' commands name it. */
  protected abstract readonly nic: string;
  protected abstract desired(next: TopologySpec): Desired;
  /** Waits until a VM-like object (VirtualMachine, Pod) runs with its pinned address. */
  protected abstract waitVm(o: KubeObject): Promise<void>;
  abstract openSession(vm: string, transport: Transport): Promise<Session>;
  abstract reach(vm: string): string;
  /** Closes the sessions the run opened (before teardown). */
  protected abstract closeSessions(): Promise<void>;

  protected readonly readyTimeoutMs: number;
  protected readonly sessionTimeoutMs: number;

  constructor(protected readonly client: KubeClient, options: ClusterRunOptions, protected readonly log: Logger) {
    this.runId = options.runId;
    this.internetIP = options.internetIP;
    this.readyTimeoutMs = options.readyTimeoutMs;
    this.sessionTimeoutMs = options.sessionTimeoutMs;
    this.central = new KubeOvnPods(client);
    if (options.externalHost) {
      const external = new SshJump(options.externalHost);
      this.external = external;
      this.externalSession = () => external.shell('external');
    }
  }

  async update(next: TopologySpec): Promise<UpdateResult> {
    const { objects: desired, ovnCluster, notes = [] } = this.desired(next);
    for (const note of notes.filter((n) => !this.noted.has(n))) {
      this.noted.add(note);
      this.log.info(`${this.label} ${this.runId}: NAT gateway: ${note}`);
    }
    await this.noteForeign(desired);
    const changed = desired.filter((o) => !this.foreign.has(keyOf(o)) && JSON.stringify(this.applied.get(keyOf(o))) !== JSON.stringify(o));
    const wanted = new Set(desired.map(keyOf));
    const removed = [...this.applied.values()].filter((o) => !wanted.has(keyOf(o)) && !this.foreign.has(keyOf(o)));
    // A running VMI or Pod keeps the network, address and annotations it started with (KubeVirt
    // does not carry a changed template into a running VMI; Kube-OVN does not re-address a pod):
    // a changed one is deleted and created again. vpcheck's VMs boot from a containerDisk, so
    // nothing of value goes with them.
    const replaced = changed.filter((o) => VM_KINDS.has(o.kind) && this.applied.has(keyOf(o)));
    await this.refuseConflicts(changed);
    for (const kind of this.applyOrder) {
      const batch = changed.filter((o) => o.kind === kind);
      await Promise.all(batch.filter((o) => replaced.includes(o)).map((o) => this.remove(o)));
      if (kind === 'VpcNatGateway' && batch.length) await this.refuseNatDisabled();
      await Promise.all(batch.map((o) => this.guard(o, applyObject(this.client, o))));
      if (kind === 'Vpc') await this.patchOvnCluster(ovnCluster);
      await Promise.all(batch.map((o) => this.waitReady(o)));
    }
    for (const kind of [...this.applyOrder].reverse()) {
      await Promise.all(removed.filter((o) => o.kind === kind).map((o) => this.remove(o)));
    }
    this.applied = new Map(desired.map((o) => [keyOf(o), o]));
    this.addresses = assignAddresses(next);
    const rows = expectedRows(desired, ovnCluster);
    this.latest = await this.inPlace(expectation(this.nbRows, rows));
    this.nbRows = rows;
    this.log.info(`${this.label} ${this.runId}: ${changed.length} objects applied (${replaced.length} VMs replaced), ${removed.length} deleted; ${this.latest.kind}: ${this.latest.checked}`);
    return { replaced: replaced.map((o) => o.metadata.annotations?.[NAME_ANNOTATION] ?? o.metadata.name), readiness: this.latest };
  }

  get readiness(): Readiness {
    return this.latest;
  }

  /**
   * Waits until the NB database meets `e`; where it cannot be read, until the run's objects are
   * seen ready and unchanged STABLE_OBSERVATIONS times. Either within the ready timeout.
   */
  private async inPlace(e: NbExpectation): Promise<Readiness> {
    const seconds = Math.round(this.readyTimeoutMs / 1000);
    try {
      try {
        return await waitProgrammed((args) => this.central.nbRead(args), e, { timeoutMs: this.readyTimeoutMs, intervalMs: NB_POLL_MS });
      } catch (error) {
        if (!(error instanceof Unreadable)) throw error;
        return await waitStable(() => this.observe(), STABLE_OBSERVATIONS, error.message, { timeoutMs: this.readyTimeoutMs, intervalMs: STABLE_INTERVAL_MS });
      }
    } catch (error) {
      if (error instanceof NotReady) throw new TargetError(`${this.label}: waited ${seconds} s for the change to be in place; ${error.what}`);
      if (error instanceof KubeError) throw new TargetError(`${this.label}: observing the run's objects: ${error.message}`);
      throw error;
    }
  }

  /** The run's objects of every kind it applies (and ovn-cluster, when patched): resourceVersion when ready. */
  private async observe(): Promise<Map<string, string | undefined>> {
    const lists = await Promise.all(this.applyOrder.map((kind) => listObjects(this.client, resourceOf(kind), runSelector(this.runId))));
    const objects = lists.flat();
    // this.ovnCluster is the patch last merged, as JSON: "null" or "" when the run added nothing.
    if (this.ovnCluster !== '' && this.ovnCluster !== 'null') {
      const vpc = await getObject(this.client, resourceOf('Vpc'), DEFAULT_VPC);
      if (vpc) objects.push({ ...vpc, kind: 'Vpc' });
    }
    return new Map(objects.map((o) => [describe(o), isReady(o) ? o.metadata.resourceVersion ?? '' : undefined]));
  }

  /**
   * ConfigMaps the cluster already has (Kube-OVN's NAT ConfigMaps on a cluster that set them up, or
   * another run's) stay as they are: the run neither applies over them nor, since they do not carry
   * its label, deletes them. Read once per object, before the run first creates it.
   */
  private async noteForeign(desired: readonly KubeObject[]): Promise<void> {
    for (const o of desired.filter((x) => x.kind === 'ConfigMap' && !this.applied.has(keyOf(x)) && !this.foreign.has(keyOf(x)))) {
      const existing = await this.guard(o, getObject(this.client, resourceOf('ConfigMap'), o.metadata.name, o.metadata.namespace));
      if (existing && existing.metadata.labels?.[RUN_LABEL] !== this.runId) {
        this.foreign.add(keyOf(o));
        this.log.info(`${this.label} ${this.runId}: ${describe(o)} exists already: used as the cluster has it`);
      }
    }
  }

  /** Kube-OVN builds no NAT gateway while its ConfigMaps say so: said at once rather than after the ready timeout. */
  private async refuseNatDisabled(): Promise<void> {
    const read = (name: string) => getObject(this.client, resourceOf('ConfigMap'), name, NAT_NAMESPACE).catch((e: unknown) => {
      throw e instanceof KubeError ? new TargetError(`${this.label}: reading ${NAT_NAMESPACE}/${name}: ${e.message}`) : e;
    });
    const refusal = natConfigRefusal(await read(NAT_CONFIG), await read(NAT_GW_CONFIG));
    if (refusal) throw new TargetError(`${this.label}: ${refusal}${this.natEnableHint}`);
  }

  /** Refuses, before anything is applied, Subnets that overlap one of the cluster's own. */
  private async refuseConflicts(changed: readonly KubeObject[]): Promise<void> {
    if (!changed.some((o) => o.kind === 'Subnet')) return;
    const existing = await listObjects(this.client, resourceOf('Subnet'), '').catch((e: unknown) => {
      throw e instanceof KubeError ? new TargetError(`${this.label}: listing the cluster's Subnets (to check for overlaps): ${e.message}`) : e;
    });
    const conflicts = subnetConflicts(changed, existing, this.runId);
    if (conflicts.length) throw new TargetError(`${this.label}: ${conflicts.join('; ')}`);
  }

  /** Deletes an object and waits until it is gone (finalizers done). */
  private async remove(o: KubeObject): Promise<void> {
    await this.guard(o, deleteRunObject(this.client, o, this.readyTimeoutMs));
    await this.wait(o.kind, o.metadata.name, o.metadata.namespace, (x) => x === undefined, `${describe(o)} to be deleted`);
  }

  /** Merges the run's peerings and routes into ovn-cluster (and takes out the ones it dropped). */
  private async patchOvnCluster(patch: OvnClusterPatch | undefined): Promise<void> {
    const text = JSON.stringify(patch ?? null);
    if (text === this.ovnCluster) return;
    const written = await writeOvnCluster(this.client, this.runId, patch);
    if (!written.vpc) throw new TargetError(`${this.label}: Vpc ${DEFAULT_VPC} does not exist: is Kube-OVN installed (on Harvester, the kubeovn-operator add-on)?`);
    if (written.tries > 1) this.log.info(`${this.label} ${this.runId}: ${DEFAULT_VPC} changed while it was patched; merged again (${written.tries} tries)`);
    this.ovnCluster = text;
  }

  private async guard<T>(o: KubeObject, p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      if (e instanceof KubeError) throw new TargetError(`${this.label}: ${describe(o)}: ${e.message}`);
      throw e;
    }
  }

  protected async wait(kind: string, name: string, namespace: string | undefined, done: (o: KubeObject | undefined) => boolean, what: string): Promise<KubeObject | undefined> {
    try {
      return await waitUntil(this.client, resourceOf(kind), name, namespace, done, this.readyTimeoutMs);
    } catch (e) {
      if (e instanceof WaitTimeout) throw new TargetError(`${this.label}: waited ${Math.round(this.readyTimeoutMs / 1000)} s for ${what}; ${describeState(e.last)}`);
      if (e instanceof KubeError) throw new TargetError(`${this.label}: waiting for ${what}: ${e.message}`);
      throw e;
    }
  }

  /** Ready as Kube-OVN's e2e decides; a VM or Pod once it runs with the address vpcheck pinned. */
  private async waitReady(o: KubeObject): Promise<void> {
    if (WAITED_KINDS.has(o.kind)) await this.wait(o.kind, o.metadata.name, undefined, isReady, `${describe(o)} to become ready`);
    else if (VM_KINDS.has(o.kind)) await this.waitVm(o);
  }

  vm(name: string): RealizedVm {
    const a = this.addresses.get(name);
    if (!a) throw new TargetError(`${this.label}: run ${this.runId} has no VM ${name}`);
    // The MAC is the cluster's choice; vpcheck does not need it there.
    return { name, ip: a.ip, mac: '', gateway: a.subnet.gateway, subnet: a.subnet.name, nic: this.nic };
  }

  async diagnose(request: DiagnoseRequest): Promise<Evidence[]> {
    const from = this.addresses.get(request.from);
    if (!from) return [];
    const o = [...this.applied.values()].find((x) => VM_KINDS.has(x.kind) && x.metadata.annotations?.[NAME_ANNOTATION] === request.from);
    return diagnosticsFor(this.runId, request, from, o ? await this.placement(o) : {}, this.central);
  }

  /** The VM's port, and its node: a VMI's status.nodeName, a Pod's spec.nodeName (read now: it may have moved). */
  private async placement(o: KubeObject): Promise<VmPlacement> {
    const lsp = logicalSwitchPort(o);
    const kind = o.kind === 'VirtualMachine' ? 'VirtualMachineInstance' : o.kind;
    const live = await getObject(this.client, resourceOf(kind), o.metadata.name, o.metadata.namespace).catch(() => undefined);
    const node = kind === 'Pod' ? (live?.spec as { nodeName?: string } | undefined)?.nodeName : (live?.status as { nodeName?: string } | undefined)?.nodeName;
    return { ...(lsp && { lsp }), ...(node && { node }) };
  }

  down(): Promise<void> {
    this.downPromise ??= (async () => {
      await this.closeSessions();
      await this.external?.close();
      await teardownRun(this.client, this.runId, teardownTimeoutMs(this.readyTimeoutMs), teardownOrder(this.applyOrder));
    })();
    return this.downPromise;
  }
}
