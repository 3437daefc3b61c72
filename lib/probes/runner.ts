// Runs probe jobs: one fan-out command per source VM, VMs in parallel up to a bound, with the
// tools the VM's positive control found (the caller runs the control, once per VM and phase, and
// probes only from VMs that passed it). It observes and records; whether a cell passes is the
// caller's business (the `retry` predicate is where the caller's judgement asks for another try).
import type { Session } from '../sessions/session.ts';
import { buildFanout, fanoutDurationSec } from './fanout.ts';
import { parseFanout } from './parse.ts';
import { DEFAULT_SETTINGS, type Destination, type Observation, type ProbeJob, type ProbeSettings } from './types.ts';

export interface ProbeTry extends Observation {
  /** Epoch milliseconds when the fan-out command was sent. */
  readonly startedAt: number;
  /** Duration of the whole fan-out command this try was part of. */
  readonly durationMs: number;
  /** The exact command run on the VM: the copy-paste reproduction. */
  readonly command: string;
}

export interface ProbedCell {
  readonly vm: string;
  readonly destination: Destination;
  /** The last try. */
  readonly observed: ProbeTry;
  /** Every try, in order. */
  readonly tries: readonly ProbeTry[];
}

export interface RunProbesOptions {
  /** Source VMs probed at the same time. */
  readonly concurrency: number;
  readonly settings?: ProbeSettings;
  /** Asked after each try; true probes the cell again (all such cells of a VM in one fan-out). */
  readonly retry?: (cell: ProbedCell) => boolean;
  /** Tries per cell at most, the first included. */
  readonly maxTries?: number;
}

export type SessionFor = (vm: string) => Promise<Session>;

export async function runProbes(sessions: SessionFor, jobsByVm: ReadonlyMap<string, ProbeJob>, options: RunProbesOptions): Promise<ProbedCell[]> {
  const queue = [...jobsByVm.values()];
  const results: ProbedCell[][] = [];
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) results.push(await probeVm(sessions, job, options));
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, queue.length)) }, worker));
  return results.flat();
}

async function probeVm(sessions: SessionFor, job: ProbeJob, options: RunProbesOptions): Promise<ProbedCell[]> {
  const settings = options.settings ?? DEFAULT_SETTINGS;
  const tries = new Map<string, ProbeTry[]>(job.destinations.map((d) => [d.id, []]));
  const record = (ds: readonly Destination[], observe: (d: Destination) => Observation, startedAt: number, command: string): void => {
    const durationMs = Date.now() - startedAt;
    for (const d of ds) tries.get(d.id)!.push({ ...observe(d), startedAt, durationMs, command });
  };
  const cells = (): ProbedCell[] =>
    job.destinations.map((destination) => {
      const all = tries.get(destination.id)!;
      return { vm: job.vm, destination, observed: all[all.length - 1]!, tries: all };
    });

  let session: Session;
  try {
    session = await sessions(job.vm);
  } catch (err) {
    record(job.destinations, () => ({ outcome: 'error', note: `session: ${(err as Error).message}`, raw: '' }), Date.now(), '');
    return cells();
  }

  let pending = job.destinations;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const command = buildFanout(pending, job.tools, settings);
    const startedAt = Date.now();
    try {
      const result = await session.run(command, { timeoutMs: (fanoutDurationSec(settings, pending) + 30) * 1000 });
      const seen = parseFanout(result.output, pending);
      record(pending, (d) => seen.get(d.id)!, startedAt, command);
    } catch (err) {
      // The session is gone: nothing more can be tried from this VM.
      record(pending, () => ({ outcome: 'error', note: `session: ${(err as Error).message}`, raw: '' }), startedAt, command);
      break;
    }
    if (!options.retry || attempt >= (options.maxTries ?? 1)) break;
    const current = new Map(cells().map((c) => [c.destination.id, c]));
    pending = pending.filter((d) => options.retry!(current.get(d.id)!));
  }
  return cells();
}
