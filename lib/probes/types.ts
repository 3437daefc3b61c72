// Probe jobs and what they observed: plain values, so probing stays separate from judging.
import type { Outcome, ProbeKind } from '../topology/types.ts';

/** One cell of a source VM's row: where to probe and how. */
export interface Destination {
  /** Caller's key for the cell; letters, digits and . _ : - only (it travels through the VM's shell). */
  readonly id: string;
  readonly ip: string;
  readonly probe: ProbeKind;
  /** Required for tcp and bulk. */
  readonly port?: number;
  /** Required for mtu (ICMP payload bytes) and bulk (bytes through the echo service). */
  readonly size?: number;
}

/** Everything one source VM probes in one fan-out. */
export interface ProbeJob {
  readonly vm: string;
  /** The probe tools the VM's positive control found (lib/probes/control.ts). */
  readonly tools: Tools;
  readonly destinations: readonly Destination[];
}

/** Which probe tools the VM has (found by its positive control). */
export interface Tools {
  readonly ping: boolean;
  readonly fping: boolean;
  readonly timeout: boolean;
  readonly nc: boolean;
}

export const STOCK_TOOLS: Tools = { ping: true, fping: false, timeout: true, nc: false };

export interface ProbeSettings {
  /** Echo requests per destination. */
  readonly count: number;
  /** Seconds to wait for an echo reply. */
  readonly waitSec: number;
  /** Seconds a TCP connect may take. */
  readonly tcpWaitSec: number;
  /** Use one fping for all ICMP destinations when the VM has it and there are at least this many. */
  readonly fpingFrom: number;
  /**
   * A bulk transfer may take max(bulkMinSec, size / bulkMinBytesPerSec) seconds; past that it has
   * stalled (10 MB: 10 s by default; the lab moves 10 MB in 0.1-0.6 s).
   */
  readonly bulkMinSec: number;
  readonly bulkMinBytesPerSec: number;
}

export const DEFAULT_SETTINGS: ProbeSettings = { count: 1, waitSec: 1, tcpWaitSec: 2, fpingFrom: 2, bulkMinSec: 5, bulkMinBytesPerSec: 1_000_000 };

/** What one probe of one cell saw. */
export interface Observation {
  readonly outcome: Outcome;
  /** Packet loss in percent (icmp). */
  readonly loss?: number;
  /** Average round-trip time (icmp). */
  readonly rttMs?: number;
  /** Why, when the outcome alone does not say it (an error's cause, an ICMP error seen). */
  readonly note?: string;
  /**
   * mtu and bulk: the outcome of the small probe the same command sent beside it (a 56-byte
   * Don't-Fragment ping; 64 bytes through the echo service): what a negative verdict rests on.
   */
  readonly control?: Outcome;
  /** mtu, when `size` did not pass and the small ping did: the largest payload that passed (bisection). */
  readonly largestPayload?: number;
  /** bulk: the bytes that came back through the echo service. */
  readonly bytes?: number;
  /** bulk: milliseconds from the connect to the last byte back, or to the stall's time limit. */
  readonly transferMs?: number;
  /** The probe tool's own output, kept for the report and for `error` cells. */
  readonly raw: string;
}
