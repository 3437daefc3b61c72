// The one interface every place vpcheck can build a topology on implements: the embedded lab,
// a Harvester cluster, or any Kubernetes cluster with Kube-OVN.
import type { Duplex } from 'node:stream';
import type { TopologySpec } from '../topology/types.ts';
import type { Session, Transport } from '../sessions/session.ts';

export type TargetKind = 'lab' | 'harvester' | 'kubeovn';

/**
 * How each kind of target reaches its VMs, its default first: KubeVirt VMs have no exec API, and
 * the pods standing in for VMs on kubeovn have no console or sshd. Target.transports is its row;
 * the command line reads the table before any target code is loaded.
 */
export const TRANSPORTS: Readonly<Record<TargetKind, readonly [Transport, ...Transport[]]>> = {
  lab: ['console', 'ssh', 'exec'],
  harvester: ['console', 'ssh'],
  kubeovn: ['exec'],
};

export function isTargetKind(kind: string): kind is TargetKind {
  return Object.hasOwn(TRANSPORTS, kind);
}

/** Refuses a transport this kind of target does not offer, with why (`because`) and what it offers. */
export function checkTransport(kind: TargetKind, transport: Transport, because: string): void {
  const offered = TRANSPORTS[kind];
  if (!offered.includes(transport)) throw new TargetError(`${kind}: transport ${transport} is not available (${because}); use --transport ${offered.join(' or ')}`);
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export interface RunContext {
  /** Short id carried by every object the run creates (lab names, `vpcheck/run=<id>` labels). */
  readonly runId: string;
  readonly log: Logger;
}

/** A VM as built: what sessions and probes need to address it. */
export interface RealizedVm {
  readonly name: string;
  readonly ip: string;
  readonly mac: string;
  readonly gateway: string;
  readonly subnet: string;
  /** The NIC name inside the VM (enp1s0, as in the docs). */
  readonly nic: string;
}

/** One piece of evidence collected for a cell that differs from the model (a result's `diagnostics`). */
export interface Evidence {
  readonly title: string;
  readonly command: string;
  readonly output: string;
}

export interface DiagnoseRequest {
  /** A VM, or `external` (the external host). */
  readonly from: string;
  /** Destination address (a VM's, the internet address, or any IP). */
  readonly toIp: string;
  readonly probe: 'icmp' | 'tcp';
  readonly port?: number;
}

/**
 * How a build or a change was known to be in place before probing: `programmed` when its rows
 * were read back from OVN's northbound database (the lab writes them itself), `observed-stable`
 * when that database could not be read and the cluster's status of the objects was seen ready
 * and unchanged a bounded number of times in a row.
 */
export interface Readiness {
  readonly kind: 'programmed' | 'observed-stable';
  /** What was checked, one line. */
  readonly checked: string;
  /** Time spent waiting for it, after the objects were applied. */
  readonly waitedMs: number;
}

export interface UpdateResult {
  /**
   * VMs the change rebuilt or restarted (a new network, address or template): their sessions are
   * gone and so is what was set inside them, such as the default route.
   */
  readonly replaced: readonly string[];
  readonly readiness: Readiness;
}

export interface Realized {
  readonly runId: string;
  /** The address `to: internet` probes (lab: 192.0.2.1; clusters: 8.8.8.8 unless overridden). */
  readonly internetIP: string;
  /** How the latest build or change was known to be in place. */
  readonly readiness: Readiness;
  vm(name: string): RealizedVm;
  /** Converge the live topology to the next phase's spec (minimal diff) and wait until applied. */
  update(next: TopologySpec): Promise<UpdateResult>;
  openSession(vm: string, transport: Transport): Promise<Session>;
  /** How a person gets a shell in the VM (a command line, comments allowed): printed by run --keep. */
  reach(vm: string): string;
  diagnose(request: DiagnoseRequest): Promise<Evidence[]>;
  /**
   * For a VM whose guest runs a DHCP client the target starts (lab: managedtap), waits for its
   * lease and says what the client did; undefined for other VMs. Not ok: the VM's control fails.
   */
  lease?(vm: string): Promise<{ readonly ok: boolean; readonly detail: string } | undefined>;
  /**
   * What went wrong on the target while the run was up that can explain failed cells without
   * the network being at fault (lab: the kernel's neighbour table overflowed). Asked before down().
   */
  incidents?(): string[];
  /**
   * A session on the host `from: external` cells probe from (lab: the upstream host, which holds
   * externalNetwork.gateway); absent where the target has none, and those cells are not run.
   */
  externalSession?(): Promise<Session>;
  /**
   * A TCP port of internetIP where a service answers a connection with the source address it saw
   * (lab: socat on the upstream host); absent where the target has none.
   */
  readonly seenAsPort?: number;
  /** Remove everything this run created. Safe to call twice. */
  down(): Promise<void>;
}

export interface Target {
  readonly kind: TargetKind;
  /** How sessions reach its VMs, the default first: TRANSPORTS[kind]. */
  readonly transports: readonly [Transport, ...Transport[]];
  /** Component versions for the result (lab: OVS, OVN, kernel; cluster: Kubernetes, Kube-OVN, ...). */
  versions(): Promise<Record<string, string>>;
  up(spec: TopologySpec, run: RunContext): Promise<Realized>;
  /** Remove what earlier runs left (after kill -9): one run by id, or all. Returns the run ids removed. */
  down(which: { runId: string } | { all: true }): Promise<string[]>;
}

/** Raised when the target cannot be reached or built: exit code 3. */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/** A byte stream into a VM (serial console or a TCP connection to its sshd). */
export type VmStream = Duplex;
