// The fake's controllers. Where Kube-OVN and KubeVirt would program OVN and start VMs, the fake
// builds each run's objects on the lab target (a real OVN data plane in namespaces) and then
// writes the status they would: Vpc status.standby, Subnet condition Ready, SecurityGroup
// status.portGroup, a Running VMI with its interface address. Finalizers hold deleted objects
// until the lab no longer has them, as Kube-OVN's and KubeVirt's do.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NAME_ANNOTATION, RUN_LABEL } from '../../../lib/k8s/labels.ts';
import { ATTACHMENT_NIC, PRIMARY_NIC } from '../../../lib/targets/kubeovn/render-pod.ts';
import { attachmentOf } from '../../../lib/import/attachment.ts';
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import { patchingRuns } from '../../../lib/targets/k8s-common/ovn-cluster.ts';
import { CONSOLE_CREDENTIALS } from '../../../lib/targets/lab/credentials.ts';
import { LabTarget, type LabRealized } from '../../../lib/targets/lab/lab-target.ts';
import { RunNames } from '../../../lib/targets/lab/names.ts';
import type { Platform } from '../../../lib/topology/types.ts';
import type { Faults } from './faults.ts';
import type { GuestSshd } from './guest-ssh.ts';
import { FAKE_NODE } from './ovn-central.ts';
import type { Store, WatchEvent } from './store.ts';
import { runView } from './to-topology.ts';
import { userDataOf } from './user-data.ts';
import { podStatus, vmiOf, statusOf } from './vm-status.ts';

/** Kube-OVN's (kubeovn/kube-ovn:pkg/util/const.go KubeOVNControllerFinalizer) and KubeVirt's finalizers. */
const FINALIZERS: Record<string, string> = {
  Vpc: 'kubeovn.io/kube-ovn-controller',
  Subnet: 'kubeovn.io/kube-ovn-controller',
  SecurityGroup: 'kubeovn.io/kube-ovn-controller',
  VirtualMachine: 'kubevirt.io/virtualMachineControllerFinalize',
  // The kubelet's graceful deletion: a Pod stays (with its deletionTimestamp) until its lab VM is gone.
  Pod: 'fake.vpcheck/kubelet',
};

export interface ConsoleTarget {
  readonly lab: LabRealized;
  readonly vm: string;
}

export class Reconciler {
  private readonly labs = new Map<string, LabRealized>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private writing = false;
  private readonly late = new Set<Promise<void>>();
  private unsubscribe?: () => void;
  /** The last error of each run's build, for tests and for Subnet conditions. */
  readonly errors = new Map<string, string>();

  /**
   * With `sshdAtBoot` the VMs' sshds start as they do in a booted cloud image, for SSH that does
   * not come through a port-forward (a jump host); otherwise on the first port-forward to port 22.
   */
  constructor(private readonly store: Store, private readonly faults: Faults, private readonly platformOf: (topology: string) => Platform, private readonly guests?: GuestSshd) {}

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

  /** The lab VM behind a VMI (its console) or a running Pod (its exec). */
  vmTarget(kind: 'VirtualMachineInstance' | 'Pod', namespace: string, name: string): ConsoleTarget | undefined {
    const o = this.store.get(kind, namespace, name);
    const runId = o?.metadata.labels?.[RUN_LABEL];
    const lab = runId ? this.labs.get(runId) : undefined;
    const vm = o?.metadata.annotations?.[NAME_ANNOTATION];
    const running = kind !== 'Pod' || (o?.status as { phase?: string } | undefined)?.phase === 'Running';
    return lab && vm && running ? { lab, vm } : undefined;
  }

  private onEvent(e: WatchEvent): void {
    if (this.writing || e.object.kind === 'VirtualMachineInstance') return;
    const runs = e.object.metadata.labels?.[RUN_LABEL] ? [e.object.metadata.labels[RUN_LABEL]] : e.object.kind === 'Vpc' ? [...patchingRuns(e.object), ...this.labs.keys()] : [];
    for (const run of new Set(runs)) this.schedule(run);
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
    const view = runView(this.store, runId, this.platformOf);
    this.write(() => {
      for (const o of objects) {
        const f = FINALIZERS[o.kind]!;
        if (!o.metadata.deletionTimestamp && !(o.metadata.finalizers as string[] | undefined)?.includes(f)) this.store.update({ ...o, metadata: { ...o.metadata, finalizers: [...((o.metadata.finalizers as string[] | undefined) ?? []), f] } });
      }
    });
    let lab = this.labs.get(runId);
    const hasNetworkObjects = view.spec.networks.length > 0 || view.spec.vpcs.length > 1;
    if (!hasNetworkObjects) {
      if (lab) await lab.down();
      this.labs.delete(runId);
    } else if (!lab) {
      lab = await new LabTarget({ vmNic: (vm) => this.nicOf(runId, vm) }).up(view.spec, { runId, log: { info: () => undefined, warn: () => undefined } });
      this.labs.set(runId, lab);
    } else {
      await sleep(this.faults.programDelayMs);
      await lab.update(view.spec);
    }
    this.errors.delete(runId);
    if (lab) await this.cloudInit(runId, lab, view.vms);
    // The finalizers go as soon as the data plane is gone; only status comes late when slowed.
    this.write(() => {
      for (const o of objects) {
        const current = this.store.get(o.kind, o.metadata.namespace, o.metadata.name);
        if (current?.metadata.deletionTimestamp) this.store.remove(current);
      }
      for (const o of this.store.list({ kind: 'VirtualMachineInstance', labelSelector: `${RUN_LABEL}=${runId}` })) {
        if (![...view.vms.values()].some((vm) => vm.metadata.name === o.metadata.name && vm.metadata.namespace === o.metadata.namespace)) this.store.remove(o);
      }
    });
    // Status comes late when slowed, without holding up the next reconcile (deletions).
    const late = sleep(this.faults.readinessDelayMs).then(() => this.write(() => {
      for (const [name, vm] of view.vms) {
        const current = this.store.get(vm.kind, vm.metadata.namespace, vm.metadata.name);
        if (!current) continue;
        if (vm.kind === 'Pod') {
          if ((current.status as { phase?: string } | undefined)?.phase !== 'Running') this.store.update({ ...current, spec: { ...(current.spec as object), nodeName: FAKE_NODE }, status: podStatus(lab!.vm(name).ip) });
        } else if (!this.store.get('VirtualMachineInstance', vm.metadata.namespace, vm.metadata.name)) this.store.create(vmiOf(vm, name, lab!.vm(name).ip));
      }
      for (const o of objects) {
        const current = this.store.get(o.kind, o.metadata.namespace, o.metadata.name);
        if (!current) continue;
        const reason = [...view.pending].find(([p]) => p.kind === current.kind && p.metadata.name === current.metadata.name)?.[1];
        const status = statusOf(current, reason);
        if (status && JSON.stringify(status) !== JSON.stringify(current.status)) this.store.update({ ...current, status });
      }
    }));
    this.late.add(late);
    void late.finally(() => this.late.delete(late));
  }

  /** A Pod on Kube-OVN's primary network (no multus attachment) has eth0; a VM or attached Pod enp1s0. */
  private nicOf(runId: string, vm: string): string {
    const pod = this.store.list({ kind: 'Pod', labelSelector: `${RUN_LABEL}=${runId}` }).find((o) => o.metadata.annotations?.[NAME_ANNOTATION] === vm);
    return pod && attachmentOf(pod)?.networks.length === 0 ? PRIMARY_NIC : ATTACHMENT_NIC;
  }

  /** cloud-init's part: the console user and password of the VMs' user-data (one per run); sshd at boot. */
  private async cloudInit(runId: string, lab: LabRealized, vms: ReadonlyMap<string, KubeObject>): Promise<void> {
    const machines = [...vms].filter(([, o]) => o.kind === 'VirtualMachine');
    for (const [, vm] of machines) {
      const user = userDataOf(this.store, vm).users?.[0];
      if (user) {
        await writeFile(join(new RunNames(runId).runDir, CONSOLE_CREDENTIALS), `${user.name}\n${user.plain_text_passwd}\n`, { mode: 0o600 });
        break;
      }
    }
    if (this.guests) await Promise.all(machines.map(([name, vm]) => this.guests!.ensure({ lab, vm: name }, vm)));
  }
}
