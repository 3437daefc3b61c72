// The JSON result of a run (DESIGN "A run writes one JSON result"): what was tested, where,
// with what, and per phase every cell's expected and observed outcome with the evidence.
import type { Expected } from '../model/index.ts';
import type { GuestView } from '../probes/guest.ts';
import type { Outcome, ProbeKind } from '../topology/types.ts';
import type { Evidence, Readiness, TargetKind } from '../targets/target.ts';
import type { Transport } from '../sessions/session.ts';
import type { Layout } from './layout.ts';

export interface Try {
  readonly outcome: Outcome;
  /** Milliseconds since the run started. */
  readonly atMs: number;
  readonly raw: string;
}

export interface CellResult {
  readonly from: string;
  readonly to: string;
  readonly probe: ProbeKind;
  readonly port?: number;
  /** mtu: the ICMP payload bytes of the Don't-Fragment ping; bulk: the bytes sent through the echo service. */
  readonly size?: number;
  readonly toIp: string;
  readonly expected: Expected;
  readonly observed: Outcome;
  readonly pass: boolean;
  /** The model's reason for the expected outcome. */
  readonly reason: string;
  /** Every probe of this cell, first to last (retries happen only while observed differs). */
  readonly tries: readonly Try[];
  readonly detail: {
    readonly loss?: number;
    readonly rttMs?: number;
    readonly note?: string;
    /** A reachable internet cell: the source address the upstream host saw (its who-am-I service). */
    readonly seenAs?: string;
    /**
     * mtu and bulk: the outcome of the small probe sent beside the sized one in the same command
     * (a 56-byte Don't-Fragment ping; 64 bytes through the echo service). A timeout is a verdict
     * only when it is `reachable`.
     */
    readonly control?: Outcome;
    /** mtu, when `size` did not pass and the small ping did: the largest payload that passed (bisection). */
    readonly largestPayload?: number;
    /** bulk: bytes that came back through the echo service (all of `size` when it passed). */
    readonly bytes?: number;
    /** bulk: milliseconds from the connect to the last byte back, or to the stall's time limit. */
    readonly transferMs?: number;
    /** bulk: `bytes` over `transferMs`, in megabits per second (one direction). */
    readonly throughputMbps?: number;
  };
  /** After a phase's patch: ms from the patch being applied to the first try that passed. */
  readonly convergedMs?: number;
  /** Copy-paste reproduction of a failing cell: the probe in the VM's console, and the model's view. */
  readonly reproduce?: { readonly console: string; readonly explain: string };
  readonly diagnostics?: readonly Evidence[];
  /** The cell's outage window during the change that led to this phase (lib/run/outage.ts). */
  readonly outage?: OutageWindow;
}

/**
 * A path that had to stay up while a phase's change was applied, pinged every 10 ms from its
 * source: the longest time without a reply and the packets lost. Absent fields were not measured
 * (see note).
 */
export interface OutageWindow {
  readonly from: string;
  readonly to: string;
  readonly toIp: string;
  /** The window's positive control: the path answered before the change began. */
  readonly upAtStart: boolean;
  readonly sent?: number;
  readonly received?: number;
  /** The longest time without a reply, start and stop of the window included. */
  readonly longestGapMs?: number;
  readonly firstReplyMs?: number;
  readonly sinceLastReplyMs?: number;
  /** The `expect:` line's bound. */
  readonly maxOutageMs?: number;
  /** Set when bounded and measured: longestGapMs <= maxOutageMs. */
  readonly pass?: boolean;
  /** Why nothing was measured. */
  readonly note?: string;
}

/** One thing a VM's positive control checked, with what the VM showed. */
export interface ControlCheck {
  readonly check: 'dhcp' | 'session' | 'default-route' | 'gateway' | 'address' | 'listen' | 'neighbour';
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * A VM's positive control in one phase (every VM, every phase): its cells, from it and towards
 * it, are judged only when `ok` (lib/run/judge.ts). A failed `listen` check leaves `ok` true and
 * makes only the tcp cells towards the unseen ports inconclusive.
 */
export interface VmControl {
  readonly vm: string;
  readonly ok: boolean;
  /** Why the control failed. */
  readonly reason?: string;
  readonly checks: readonly ControlCheck[];
  /**
   * The guest's own view, read by the control command (after the default-route step):
   * `{status: "observed", interfaces: [{name, mtu, state, addresses: [{cidr, lease?: {remainingSec}}]}],
   * routes: [{dst, gateway?, dev?, protocol?}]}` or `{status: "unavailable", reason}`. Absent from
   * results written before vpcheck recorded it.
   */
  readonly guest?: GuestView;
  /**
   * Where that view departs from the state the model starts the VM's cells from (address, default
   * route, MTU: lib/run/guest-departures.ts), one sentence each; absent when it does not.
   */
  readonly departures?: readonly string[];
}

export interface PhaseResult {
  readonly name: string;
  readonly startedAt: string;
  readonly durationMs: number;
  /** Time to apply the phase's patch on the target (0 for the initial phase). */
  readonly applyMs: number;
  /**
   * How the phase's topology (the build, or the patch) was known to be in place before probing;
   * absent from results written before vpcheck recorded it.
   */
  readonly readiness?: Readiness;
  /** Logins, the default-route step and the positive controls. */
  readonly prepareMs: number;
  /** Probing, re-probes and convergence included. */
  readonly probeMs: number;
  readonly controls: readonly VmControl[];
  readonly results: readonly CellResult[];
  /** The outage windows of the change that led to this phase (none for the first). */
  readonly outages?: readonly OutageWindow[];
  /** The phase's network (VPCs, subnets, peerings, routes, VMs), for reports to draw. */
  readonly layout?: Layout;
}

export interface RunResult {
  readonly topology: string;
  readonly file: string;
  readonly topologySha256: string;
  readonly target: TargetKind;
  readonly transport: Transport;
  readonly runId: string;
  readonly vpcheckVersion: string;
  /** Component versions of the target (lab: ovs, ovn, kernel). */
  readonly versions: Readonly<Record<string, string>>;
  readonly startedAt: string;
  readonly endedAt: string;
  /** Validator warnings of the topology, shown above the matrix. */
  readonly warnings: readonly string[];
  /** What went wrong on the target during the run besides the network (Realized.incidents). */
  readonly incidents?: readonly string[];
  readonly phases: readonly PhaseResult[];
  readonly summary: { readonly passed: number; readonly failed: number; readonly errors: number };
}

export function summarize(phases: readonly PhaseResult[]): RunResult['summary'] {
  let passed = 0;
  let failed = 0;
  let errors = 0;
  for (const p of phases) {
    for (const c of p.results) {
      if (c.pass) passed++;
      else failed++;
      if (c.observed === 'error') errors++;
    }
  }
  return { passed, failed, errors };
}
