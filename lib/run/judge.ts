// One cell's verdict from its evidence, as cilium-cli's connectivity check turns an Action into
// one result line: the expectation, the tries, and the positive controls of both ends. A cell
// passes only when both ends were shown to be alive this phase (DESIGN "a run never passes a cell
// it could not really test"); otherwise it is `error`, whatever was observed. Pure: no I/O.
import { satisfies, type Expected } from '../model/index.ts';
import { WIRE_PROTOCOL, type Outcome, type ProbeKind } from '../topology/types.ts';

/** A VM's positive control this phase, as a verdict needs it. */
export type ControlOutcome =
  | {
      readonly status: 'ok';
      /** TCP ports the VM was seen listening on (checked only on VMs whose `listen:` declares some). */
      readonly listening: readonly number[];
    }
  | { readonly status: 'failed'; readonly reason: string }
  /** No control ran on the VM this phase. */
  | { readonly status: 'missing' };

export interface CellEvidence {
  readonly from: string;
  readonly to: string;
  readonly probe: ProbeKind;
  readonly port?: number;
  readonly expected: Expected;
  /** Every try of the cell, first to last; the last decides. mtu and bulk tries carry their small control's outcome. */
  readonly tries: readonly { readonly outcome: Outcome; readonly note?: string; readonly control?: Outcome }[];
  /**
   * mtu and bulk: whether the model expects the same path's small probe (a ping; a connect to
   * the port) to get through. A failed small control is then a broken path, never a size verdict.
   */
  readonly smallExpected?: boolean;
  readonly source: ControlOutcome;
  /** Set when the destination is a VM; the internet and raw addresses have no control. */
  readonly destination?: {
    readonly control: ControlOutcome;
    /** The TCP ports its `listen:` declares. */
    readonly listen: readonly number[];
  };
}

export interface Verdict {
  readonly observed: Outcome;
  readonly pass: boolean;
  /** Why, when the outcome alone does not say it. */
  readonly note?: string;
}

export function judgeCell(e: CellEvidence): Verdict {
  const last = e.tries[e.tries.length - 1];
  const inconclusive = (why: string): Verdict => ({
    observed: 'error',
    pass: false,
    note: last && last.outcome !== 'error' ? `observed ${last.outcome}, but ${why}: inconclusive` : `${why}: inconclusive`,
  });
  const unproven = (vm: string, control: ControlOutcome): string | undefined =>
    control.status === 'missing' ? `no positive control ran on ${vm}` : control.status === 'failed' ? `${vm} failed its positive control (${control.reason})` : undefined;

  const source = unproven(e.from, e.source);
  if (source) return inconclusive(source);
  const destination = e.destination && unproven(e.to, e.destination.control);
  if (destination) return inconclusive(destination);
  if (!last) return { observed: 'error', pass: false, note: 'never probed' };
  // A probe that could not run says nothing about the network.
  if (last.outcome === 'error') return { observed: 'error', pass: false, note: last.note ?? 'the probe could not run' };
  // A connection made proves the listener (a bulk transfer's too); anything else towards a declared port means
  // something only if that port was seen listening (else a stopped service looks like a drop).
  const served = WIRE_PROTOCOL[e.probe] === 'tcp' && e.port !== undefined && e.destination?.listen.includes(e.port);
  if (served && last.outcome !== 'reachable' && e.destination?.control.status === 'ok' && !e.destination.control.listening.includes(e.port!)) {
    return inconclusive(`nothing was seen listening on tcp/${e.port} in ${e.to}`);
  }
  // A size or volume verdict rests on its small control: where the model expects small packets
  // through and they did not get through either, the path broke, and an expected size timeout must
  // not pass for it.
  if (last.control !== undefined && last.control !== 'reachable' && last.outcome !== 'message-too-long' && e.smallExpected) {
    return { observed: last.outcome, pass: false, note: `${last.note ?? `the small control got ${last.control}`}, where the model expects small packets through: not a size verdict` };
  }
  return { observed: last.outcome, pass: satisfies(e.expected, last.outcome), ...(last.note !== undefined && { note: last.note }) };
}

/**
 * A reachable internet cell's source address as the upstream saw it, against the model's (issue
 * 18: how a user tells SNAT from FIP from a leak). Nothing to compare when the model names no
 * address or the service did not answer (then the note says so and the cell keeps its verdict).
 */
export function judgeSeenAs(seen: string | undefined, predicted: string | undefined, name: (ip: string) => string | undefined): { readonly mismatch: boolean; readonly note?: string } {
  const named = (ip: string) => {
    const n = name(ip);
    return n ? `${ip} (${n})` : ip;
  };
  if (seen === undefined) return { mismatch: false, note: 'the upstream\'s who-am-I service did not answer: the source address it saw is unknown' };
  if (predicted === undefined || seen === predicted) return { mismatch: false };
  return { mismatch: true, note: `the upstream saw ${named(seen)} as the source, the model expects ${named(predicted)}` };
}
