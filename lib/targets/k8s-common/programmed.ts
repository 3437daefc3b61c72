// Waiting until a change is in place on a cluster. First choice: read the expected rows back from
// OVN's northbound database through ovn-central (nb-state.ts), polling until every row is there
// and every taken-out row gone. Where that database cannot be read (pods/exec refused, no
// ovn-central pod), a bounded number of observations of the Kubernetes status: the run's objects
// ready and unchanged (same resourceVersion) several times in a row. Both are bounded by the
// ready timeout; a timeout names what was still missing.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecResult } from '../../k8s/pod-exec.ts';
import type { Readiness } from '../target.ts';
import { describeRow, rowCounts, type NbExpectation } from './nb-expect.ts';
import { findCommand, listCommand, namedRows, nbState, parseFound, unmet } from './nb-state.ts';

/** Runs ovn-nbctl with these arguments; throws when it cannot be run at all (exec refused, no pod). */
export type NbRead = (args: readonly string[]) => Promise<ExecResult>;

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

/** Raised when the wait ran out: `what` says what was still missing. */
export class NotReady extends Error {
  constructor(readonly what: string) {
    super(what);
    this.name = 'NotReady';
  }
}

/** Raised when the NB database cannot be read at all, with the reason. */
export class Unreadable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unreadable';
  }
}

const MAX_NAMED = 12;

/** "a; b; c and 4 more". */
function list(items: readonly string[]): string {
  return items.slice(0, MAX_NAMED).join('; ') + (items.length > MAX_NAMED ? ` and ${items.length - MAX_NAMED} more` : '');
}

/** ovn-nbctl through `read`; Unreadable when it could not run. */
async function tryRead(read: NbRead, args: readonly string[]): Promise<ExecResult> {
  try {
    return await read(args);
  } catch (e) {
    throw new Unreadable((e as Error).message);
  }
}

/**
 * Polls the NB database until it meets `e`. A failed ovn-nbctl (a row removed between the two
 * calls) is tried again; NotReady at the deadline names the rows still missing or still there.
 */
export async function waitProgrammed(read: NbRead, e: NbExpectation, options: WaitOptions): Promise<Readiness> {
  const started = Date.now();
  const named = namedRows(e);
  let why = '';
  for (;;) {
    const found = await tryRead(read, findCommand(named));
    if (found.exitCode === 0) {
      const first = parseFound(named, found.stdout);
      const args = listCommand(first);
      const listed = args && (await tryRead(read, args));
      if (!listed || listed.exitCode === 0) {
        const { missing, stale } = unmet(nbState(first, listed?.stdout), e);
        if (!missing.length && !stale.length) {
          const gone = e.absent.length ? `; ${e.absent.length} taken-out rows gone` : '';
          return { kind: 'programmed', checked: `read back from OVN's northbound DB: ${rowCounts(e.present)}${gone}`, waitedMs: Date.now() - started };
        }
        why = [missing.length ? `missing ${list(missing.map(describeRow))}` : '', stale.length ? `still there ${list(stale.map(describeRow))}` : ''].filter(Boolean).join('; ');
      } else why = `ovn-nbctl list exited with ${listed.exitCode}: ${listed.stderr.trim()}`;
    } else why = `ovn-nbctl find exited with ${found.exitCode}: ${found.stderr.trim()}`;
    if (Date.now() - started + options.intervalMs > options.timeoutMs) throw new NotReady(`OVN's northbound DB: ${why}`);
    await sleep(options.intervalMs);
  }
}

/** One look at the run's objects: key -> resourceVersion when ready, undefined while not. */
export type Observe = () => Promise<ReadonlyMap<string, string | undefined>>;

/**
 * Observes until `count` observations in a row show every object ready and unchanged.
 * NotReady at the deadline names the objects not ready or still changing.
 */
export async function waitStable(observe: Observe, count: number, reason: string, options: WaitOptions): Promise<Readiness> {
  const started = Date.now();
  let previous: ReadonlyMap<string, string | undefined> | undefined;
  let streak = 0;
  for (;;) {
    const seen = await observe();
    const notReady = [...seen].filter(([, v]) => v === undefined).map(([k]) => k);
    const changed = previous ? [...seen.keys()].filter((k) => seen.get(k) !== previous!.get(k) || !previous!.has(k)) : [];
    const same = previous !== undefined && previous.size === seen.size && changed.length === 0;
    streak = notReady.length ? 0 : same ? streak + 1 : 1;
    if (streak >= count) {
      return { kind: 'observed-stable', checked: `${count} observations ${options.intervalMs} ms apart of ${seen.size} objects, ready and unchanged (OVN's northbound DB not readable: ${reason})`, waitedMs: Date.now() - started };
    }
    previous = seen;
    if (Date.now() - started + options.intervalMs > options.timeoutMs) {
      const what = notReady.length ? `not ready: ${list(notReady)}` : `still changing: ${list(changed)}`;
      throw new NotReady(`the objects' status (OVN's northbound DB not readable: ${reason}): ${what}`);
    }
    await sleep(options.intervalMs);
  }
}
