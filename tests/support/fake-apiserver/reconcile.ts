// The fake's controllers. Where Kube-OVN and KubeVirt would program OVN and start VMs, the fake
// reads each run's objects as they would (cluster-view.ts), builds that on the lab target (a real
// OVN data plane in namespaces), boots the guests (cloud-init, a Pod's command) and then writes
// the status they would: Vpc status.standby, Subnet condition Ready, SecurityGroup
// status.portGroup, a Running VMI with Kube-OVN's address, a Running Pod; or, for what would not
// come up, the state a cluster shows (a Subnet not Ready, a Pod ContainerCreating, a VM with a
// Failure condition and no VMI). Finalizers hold deleted objects until the lab no longer has
// them, as Kube-OVN's and KubeVirt's do.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RUN_LABEL } from '../../../lib/k8s/labels.ts';
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import { CONSOLE_CREDENTIALS } from '../../../lib/targets/lab/credentials.ts';
import { LabTarget, type LabRealized } from '../../../lib/targets/lab/lab-target.ts';
import { RunNames } from '../../../lib/targets/lab/names.ts';
import { inNamespace } from '../../../lib/targets/lab/proc.ts';
import { runView, type Guest, type RunView } from './cluster-view.ts';
import { NAT_VIEW_KINDS, natStatusOf } from './nat-view.ts';
import type { Faults } from './faults.ts';
import type { GuestSshd } from './guest-ssh.ts';
import { KubeOvnIpam } from './kube-ovn-ipam.ts';
import { FAKE_NODE } from './ovn-central.ts';
import type { Store, WatchEvent } from './store.ts';
import { pendingPodStatus, podStatus, statusOf, vmFailure, vmiOf } from './vm-status.ts';

/** Kube-OVN's (kubeovn/kube-ovn:pkg/util/const.go KubeOVNControllerFinalizer) and KubeVirt's finalizers. */
const FINALIZERS: Record<string, string> = {
  Vpc: 'kubeovn.io/kube-ovn-controller',
  Subnet: 'kubeovn.io/kube-ovn-controller',
  SecurityGroup: 'kubeovn.io/kube-ovn-controller',
  // The NAT gateway's objects and the external network's underlay: Kube-OVN's controller
  // finalizer (pkg/controller/vpc_nat_gw_eip.go, vpc_nat_gw_nat.go handleAddIptables*Finalizer;
  // provider_network.go, vlan.go).
  ProviderNetwork: 'kubeovn.io/kube-ovn-controller',
  Vlan: 'kubeovn.io/kube-ovn-controller',
  VpcNatGateway: 'kubeovn.io/kube-ovn-controller',
  IptablesEIP: 'kubeovn.io/kube-ovn-controller',
  IptablesFIPRule: 'kubeovn.io/kube-ovn-controller',
  IptablesSnatRule: 'kubeovn.io/kube-ovn-controller',
  IptablesDnatRule: 'kubeovn.io/kube-ovn-controller',
  VirtualMachine: 'kubevirt.io/virtualMachineControllerFinalize',
  // The kubelet's graceful deletion: a Pod stays (with its deletionTimestamp) until its lab VM is gone.
  Pod: 'fake-kubelet.test/graceful-deletion',
};

export interface ConsoleTarget {
  readonly lab: LabRealized;
  /** The lab VM's name: the VirtualMachine's or Pod's. */
  readonly vm: string;
  readonly guest: Guest;
}

export class Reconciler {
  private readonly labs = new Map<string, LabRealized>();
  /** Per run, the guests built on its lab. */
  private readonly built = new Map<string, ReadonlyMap<string, Guest>>();
  private readonly ipam = new KubeOvnIpam();
  private readonly running = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private writing = false;
  private readonly late = new Set<Promise<void>>();
  private unsubscribe?: () => void;
  /** The last error of each run's build, for tests and for Subnet conditions. */
  readonly errors = new Map<string, string>();

  /**
   * With `guests` the VMs'
   * sshds start at boot, as in a booted cloud image, for SSH that does not come through a
   * port-forward (a jump host); otherwise on the first port-forward to port 22.
   */
  constructor(private readonly store: Store, private readonly faults: Faults, private readonly guests?: GuestSshd) {}

  start(): void {
    this.unsubscribe = this.store.subscribe((e) => this.onEvent(e));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.idle();
    await Promise.all([...this.labs.values()].map((l) => l.down()));
    this.labs.clear();
  }

  /** Resolves once no reconcile is running or queued. */
  async idle(): Promise<void> {
    while (this.running.size || this.late.size) await Promise.all([...this.running.values(), ...this.late]);
  }

  /** Runs built on the lab, oldest first. */
  runs(): string[] {
    return [...this.labs.keys()];
  }

  /** Kube-OVN's logical switch port of every guest built -> the lab's. */
  ports(): Map<string, string> {
    return new Map([...this.built].flatMap(([runId, guests]) => [...guests].map(([vm, g]) => [g.lsp, new RunNames(runId).vmLsp(vm)] as const)));
  }

  /** The lab VM behind a VMI (its console) or a running Pod (its exec). */
  vmTarget(kind: 'VirtualMachineInstance' | 'Pod', namespace: string, name: string): ConsoleTarget | undefined {
    const o = this.store.get(kind, namespace, name);
    // A VMI carries its template's labels, not its VM's: the run is the VM's (its owner, same name).
    const owner = kind === 'VirtualMachineInstance' ? this.store.get('VirtualMachine', namespace, name) : o;
    const runId = o && owner?.metadata.labels?.[RUN_LABEL];
    const lab = runId ? this.labs.get(runId) : undefined;
    const guest = runId ? this.built.get(runId)?.get(name) : undefined;
    const running = (o?.status as { phase?: string } | undefined)?.phase === 'Running';
    return lab && guest && running ? { lab, vm: name, guest } : undefined;
  }

  private onEvent(e: WatchEvent): void {
    if (this.writing || e.object.kind === 'VirtualMachineInstance') return;
    const run = e.object.metadata.labels?.[RUN_LABEL];
    // ovn-cluster belongs to no run: every run built may hold entries of it.
    const runs = run ? [run] : e.object.kind === 'Vpc' ? [...this.labs.keys()] : [];
    for (const r of runs) this.schedule(r);
  }

  private schedule(runId: string): void {
    if (this.running.has(runId)) {
      this.dirty.add(runId);
      return;
    }
    const loop = (async () => {
      do {
        this.dirty.delete(runId);
        await this.reconcile(runId).catch((e: Error) => this.errors.set(runId, e.message));
      } while (this.dirty.has(runId));
    })().finally(() => this.running.delete(runId));
    this.running.set(runId, loop);
  }

  /** Store writes of the controllers themselves do not trigger another reconcile. */
  private write(f: () => void): void {
    this.writing = true;
    try {
      f();
    } finally {
      this.writing = false;
    }
  }

  private async reconcile(runId: string): Promise<void> {
    const objects = Object.keys(FINALIZERS).flatMap((kind) => this.store.list({ kind, labelSelector: `${RUN_LABEL}=${runId}` }));
    const view = runView(this.store, runId, this.ipam);
    this.write(() => {
      for (const o of objects) {
        const f = FINALIZERS[o.kind]!;
        if (!o.metadata.deletionTimestamp && !(o.metadata.finalizers as string[] | undefined)?.includes(f)) this.store.update({ ...o, metadata: { ...o.metadata, finalizers: [...((o.metadata.finalizers as string[] | undefined) ?? []), f] } });
      }
    });
    let lab = this.labs.get(runId);
    const before = this.built.get(runId) ?? new Map<string, Guest>();
    let fresh: string[] = [];
    if (!view.spec.subnets.length && view.spec.vpcs.length === 1) {
      if (lab) await lab.down();
      this.labs.delete(runId);
      this.built.delete(runId);
      lab = undefined;
    } else {
      this.built.set(runId, view.guests);
      if (!lab) {
        lab = await new LabTarget({ vmNic: (vm) => this.built.get(runId)!.get(vm)!.nic }).up(view.spec, { runId, log: { info: () => undefined, warn: () => undefined } });
        this.labs.set(runId, lab);
        fresh = [...view.guests.keys()];
      } else {
        await sleep(this.faults.programDelayMs);
        const { replaced } = await lab.update(view.spec);
        fresh = [...view.guests.keys()].filter((vm) => !before.has(vm) || replaced.includes(vm));
      }
    }
    this.errors.delete(runId);
    if (lab) await this.boot(runId, lab, view.guests, fresh);
    // The finalizers go as soon as the data plane is gone (of what was deleted when this pass began).
    this.write(() => {
      for (const o of objects.filter((x) => x.metadata.deletionTimestamp)) {
        const current = this.store.get(o.kind, o.metadata.namespace, o.metadata.name);
        if (current) this.store.remove(current);
      }
      // KubeVirt: a VMI goes with its VM (owner reference), and when its guest is no longer built.
      for (const vmi of this.store.list({ kind: 'VirtualMachineInstance' })) {
        const owner = (vmi.metadata.ownerReferences as { kind: string; name: string }[] | undefined)?.find((r) => r.kind === 'VirtualMachine');
        if (!owner) continue;
        const vm = this.store.get('VirtualMachine', vmi.metadata.namespace, owner.name);
        const ours = vm?.metadata.labels?.[RUN_LABEL] === runId;
        if (!vm || (ours && view.guests.get(vm.metadata.name)?.object.metadata.namespace !== vm.metadata.namespace)) this.store.remove(vmi);
      }
    });
    // Status comes late when slowed, without holding up the next reconcile (deletions).
    const late = sleep(this.faults.readinessDelayMs).then(() => this.write(() => this.writeStatus(view, objects, runId)));
    this.late.add(late);
    void late.finally(() => this.late.delete(late));
  }

  private writeStatus(view: RunView, objects: readonly KubeObject[], runId: string): void {
    const { guests, pending } = view;
    const reasonOf = (o: KubeObject) => [...pending].find(([p]) => p.kind === o.kind && p.metadata.namespace === o.metadata.namespace && p.metadata.name === o.metadata.name)?.[1];
    for (const o of objects) {
      const current = this.store.get(o.kind, o.metadata.namespace, o.metadata.name);
      if (!current || current.metadata.deletionTimestamp) continue;
      const guest = guests.get(current.metadata.name);
      const reason = reasonOf(current);
      let status: Record<string, unknown> | undefined;
      if (current.kind === 'Pod') {
        if (guest) status = (current.status as { phase?: string } | undefined)?.phase === 'Running' ? current.status as Record<string, unknown> : podStatus(guest.ip);
        else if (reason) status = pendingPodStatus(reason);
        if (guest && !(current.spec as { nodeName?: string }).nodeName) current.spec = { ...(current.spec as object), nodeName: FAKE_NODE };
      } else if (current.kind === 'VirtualMachine') {
        if (guest && !this.store.get('VirtualMachineInstance', current.metadata.namespace, current.metadata.name)) this.store.create(vmiOf(current, guest));
        status = guest ? { ...(current.status as object), created: true, ready: true, printableStatus: 'Running', conditions: [] } : reason ? vmFailure(reason) : undefined;
      } else if ((NAT_VIEW_KINDS as readonly string[]).includes(current.kind)) status = natStatusOf(current, view.nat, this.store, `${RUN_LABEL}=${runId}`);
      // Ready once the nodes have the bridge (pkg/controller/provider_network.go).
      else if (current.kind === 'ProviderNetwork') status = { ...(current.status as object), ready: true, readyNodes: [FAKE_NODE] };
      else status = statusOf(current, reason);
      if (status && JSON.stringify(status) !== JSON.stringify(current.status)) this.store.update({ ...current, status });
    }
  }

  /**
   * The guests' first moments: cloud-init's users (the console login of the run), files and
   * default route, and a Pod's container command, in the lab VM's namespace. Listeners runcmd
   * starts are the lab's own (cluster-view.ts gives them as the VM's listen ports).
   */
  private async boot(runId: string, lab: LabRealized, guests: ReadonlyMap<string, Guest>, fresh: readonly string[]): Promise<void> {
    const user = [...guests.values()].flatMap((g) => g.config?.users ?? []).find((u) => u.password !== undefined);
    if (user) await writeFile(join(new RunNames(runId).runDir, CONSOLE_CREDENTIALS), `${user.name}\n${user.password}\n`, { mode: 0o600 });
    for (const name of fresh) {
      const guest = guests.get(name)!;
      const ns = lab.namespace(name);
      if (guest.config?.defaultVia) await inNamespace(ns, ['ip', 'route', 'replace', 'default', 'via', guest.config.defaultVia, 'dev', guest.nic]);
      for (const f of guest.config?.files ?? []) {
        // The guest's own disk: a directory of the run, never the machine's paths.
        const path = join(new RunNames(runId).runDir, 'guest-root', name, f.path);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, f.content, { mode: f.mode });
      }
      if (guest.command?.length) {
        // The container's process: killed by pid with the namespace when the lab removes the VM.
        spawn('ip', ['netns', 'exec', ns, ...guest.command], { detached: true, stdio: 'ignore' }).unref();
      }
    }
    if (this.guests) {
      await Promise.all([...guests].filter(([, g]) => g.object.kind === 'VirtualMachine').map(([vm, guest]) => this.guests!.ensure({ lab, vm, guest })));
    }
  }
}
