// The run engine shared by `vpcheck run` and the Playwright suite: build the topology on a
// target, log in to every VM, set default routes as the docs do, check every VM's positive
// control, probe each phase's cells, re-probe only what differs from the model (bounded, every
// try recorded), and judge each cell from its tries and both ends' controls (judge.ts).
import { randomBytes } from 'node:crypto';
import { cellsOf, satisfies, type Cell, type PhaseCells, type Prediction } from '../model/index.ts';
import { buildControl, parseControl } from '../probes/control.ts';
import { defaultRouteCommand, parseDefaultRoute } from '../probes/default-route.ts';
import { runProbes, type ProbeTry } from '../probes/runner.ts';
import type { Destination, ProbeJob, ProbeSettings, Tools } from '../probes/types.ts';
import type { Session, Transport } from '../sessions/session.ts';
import type { Logger, Realized, Target } from '../targets/target.ts';
import { EXTERNAL, INTERNET, WIRE_PROTOCOL, type Topology, type Vm } from '../topology/types.ts';
import { layoutOf } from './layout.ts';
import { phaseSpec } from '../topology/phases.ts';
import { mapPool } from './pool.ts';
import { vmDiagnostics } from './vm-diagnostics.ts';
import { consoleLine, explainLine } from './reproduce.ts';
import { controlChecks, controlSpecOf, natSourceName } from './controls.ts';
import { eipEnd, externalControl, seenSources, type CheckedVm, type ExternalHost } from './external-host.ts';
import { guestDepartures } from './guest-departures.ts';
import { OUTAGE_SETTLE_MS, openWindows, unwatchable, watchedCells, withOutages } from './outage.ts';
import { judgeCell, judgeSeenAs, type ControlOutcome } from './judge.ts';
import { measuresOf } from './measures.ts';
import { summarize, type CellResult, type ControlCheck, type OutageWindow, type VmControl, type PhaseResult, type RunResult, type Try } from './result.ts';
import pkg from '../../package.json' with { type: 'json' };

export interface RunSettings {
  readonly transport: Transport;
  /** Source VMs probed at once. */
  readonly concurrency: number;
  /** Extra tries for a cell whose observation differs from the expectation. */
  readonly retries: number;
  /** After a phase's patch, keep re-probing differing cells this long (convergence). */
  readonly convergeMs: number;
  /** Run only this phase (its whole merged topology is built directly). */
  readonly phase?: string;
  /** At most this many failing cells per phase get target diagnostics. */
  readonly diagnoseLimit: number;
  readonly runId?: string;
  /** Probe timeouts and counts (lib/probes/types.ts DEFAULT_SETTINGS unless given). */
  readonly probes?: ProbeSettings;
}

export const DEFAULT_RUN_SETTINGS: RunSettings = { transport: 'console', concurrency: 16, retries: 2, convergeMs: 20_000, diagnoseLimit: 20 };

export interface Progress {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  readonly failures: number;
}

export interface RunEvents extends Logger {
  progress?(p: Progress): void;
}

/** A source VM's probes, with the cell each destination id stands for. */
interface Job {
  readonly job: ProbeJob;
  readonly cells: Map<string, Cell>;
}

/** The jobs cut down to the cells `keep` selects; VMs left with none drop out. */
function jobsWhere(byVm: ReadonlyMap<string, Job>, keep: (cell: Cell) => boolean): Map<string, Job> {
  const kept = new Map<string, Job>();
  for (const [vm, { job, cells }] of byVm) {
    const destinations = job.destinations.filter((d) => keep(cells.get(d.id)!));
    if (destinations.length) kept.set(vm, { job: { ...job, destinations }, cells });
  }
  return kept;
}

export class Runner {
  private readonly sessions = new Map<string, Promise<Session>>();
  /** Per VM, the next hop of the default route the run set in it. */
  private readonly routed = new Map<string, string>();
  private readonly results: PhaseResult[] = [];
  private readonly startedAt = new Date();

  private constructor(
    readonly topology: Topology,
    readonly realized: Realized,
    readonly phases: readonly PhaseCells[],
    private readonly target: Target,
    private readonly settings: RunSettings,
    private readonly events: RunEvents,
    private readonly warnings: readonly string[],
  ) {}

  /** Builds the topology (the selected phase's, if any) and computes every phase's cells (`cells`: the model's cellsOf). */
  static async start(topology: Topology, target: Target, settings: RunSettings, events: RunEvents, warnings: readonly string[] = [], cells = cellsOf): Promise<Runner> {
    const selected = settings.phase === undefined ? { spec: topology } : phaseSpec(topology, settings.phase);
    if ('error' in selected) throw new Error(selected.error);
    const first = selected.spec;
    // Run ids prefix every lab name and label, so they stay short (24 characters at most).
    const runId = settings.runId ?? `${topology.name.slice(0, 17).replace(/-+$/, '')}-${randomBytes(3).toString('hex')}`;
    events.info(`building ${topology.name} on ${target.kind} (run ${runId}): ${first.vms.length} VMs, ${first.subnets.length} subnets`);
    const realized = await target.up(first, { runId, log: events });
    // The cells name the internet by the address this target gives it.
    const phases = cells(topology, { internetIP: realized.internetIP }).filter((p) => settings.phase === undefined || p.phase === settings.phase);
    return new Runner(topology, realized, phases, target, settings, events, warnings);
  }

  /** Runs every phase in order. */
  async runAll(): Promise<PhaseResult[]> {
    for (let i = 0; i < this.phases.length; i++) await this.runPhase(i);
    return this.results;
  }

  async runPhase(index: number): Promise<PhaseResult> {
    const phase = this.phases[index]!;
    const began = Date.now();
    let applyMs = 0;
    let readiness = this.realized.readiness;
    let outages: OutageWindow[] | undefined;
    if (index > 0) {
      const watched = watchedCells(this.phases[index - 1]!, phase);
      if (watched.length) this.events.info(`phase ${phase.phase}: watching ${watched.length} path${watched.length === 1 ? '' : 's'} for outages during the change`);
      const windows = watched.length ? await openWindows(watched, `${this.realized.runId}-${index}`, (vm) => this.session(vm), this.settings.concurrency) : undefined;
      this.events.info(`phase ${phase.phase}: applying the patch`);
      const updated = await this.realized.update(phase.spec);
      readiness = updated.readiness;
      applyMs = Date.now() - began;
      if (windows) await new Promise((r) => setTimeout(r, OUTAGE_SETTLE_MS));
      outages = [...(await windows?.close(updated.replaced)) ?? [], ...unwatchable(phase, watched)];
      await this.forget(updated.replaced);
    }
    const prepared = Date.now();
    // One model walk per cell: the probe needs its address, the verdict its reason.
    const predictions = new Map(phase.cells.map((c) => [c, phase.model.predict(c)]));
    const [controls, external] = await Promise.all([
      mapPool(phase.spec.vms, this.settings.concurrency, (vm) => this.control(phase, vm)),
      externalControl(phase, predictions, this.realized, this.target.kind, () => this.session(EXTERNAL)),
    ]);
    const probing = Date.now();
    // Only VMs that passed their control are probed from: their other cells are inconclusive anyway.
    const checked = [...controls, ...(external && 'checked' in external ? [external.checked] : [])];
    const tools = new Map(checked.flatMap((c) => (c.seen ? [[c.record.vm, c.seen.tools] as const] : [])));
    const byVm = this.jobsOf(phase, predictions, tools);
    const total = phase.cells.length;
    let done = phase.cells.filter((c) => !tools.has(c.from)).length;
    let failures = done;
    const differs = (cell: Cell, outcome: ProbeTry['outcome']) => outcome !== 'error' && !satisfies(cell.expected, outcome);
    const tries = new Map<Cell, ProbeTry[]>();
    const probe = async (jobs: Map<string, Job>, maxTries: number, report: boolean, concurrency = this.settings.concurrency) =>
      mapPool([...jobs.values()], concurrency, async ({ job, cells }) => {
        const out = await runProbes((vm) => this.session(vm), new Map([[job.vm, job]]), {
          concurrency: 1,
          maxTries,
          ...(this.settings.probes && { settings: this.settings.probes }),
          retry: (r) => differs(cells.get(r.destination.id)!, r.observed.outcome),
        });
        for (const r of out) {
          const cell = cells.get(r.destination.id)!;
          tries.set(cell, [...(tries.get(cell) ?? []), ...r.tries]);
          if (report && (r.observed.outcome === 'error' || differs(cell, r.observed.outcome))) failures++;
        }
        if (report) {
          done += out.length;
          this.events.progress?.({ phase: phase.phase, done, total, failures });
        }
      });

    // Cells expected to answer first, a bounded number of source VMs at a time (their replies are
    // the traffic); then the cells expected to get none, from every VM at once: each has to wait
    // out its timeout, and so they wait out one window together instead of one per round of VMs.
    const answering = (cell: Cell) => cell.expected === 'reachable';
    await probe(jobsWhere(byVm, answering), 1 + this.settings.retries, true);
    const silent = jobsWhere(byVm, (cell) => !answering(cell));
    await probe(silent, 1 + this.settings.retries, true, Math.max(this.settings.concurrency, silent.size));
    // After a patch the data plane converges at its own pace: keep probing what still differs.
    while (index > 0 && Date.now() - began < this.settings.convergeMs) {
      const pending = this.pendingJobs(byVm, tries, differs);
      if (!pending.size) break;
      await new Promise((r) => setTimeout(r, 500));
      await probe(pending, 1, false);
    }
    const seenAs = await seenSources(phase, tries, tools, this.realized, this.settings.concurrency, (vm) => this.session(vm));
    const probeMs = Date.now() - probing;
    const judged = await this.judge(phase, predictions, tries, index > 0 ? began : undefined, checked, external, seenAs);
    const results = outages ? withOutages(judged, outages) : judged;
    const result: PhaseResult = {
      name: phase.phase,
      startedAt: new Date(began).toISOString(),
      durationMs: Date.now() - began,
      applyMs,
      readiness,
      prepareMs: probing - prepared,
      probeMs,
      controls: checked.map((c) => c.record),
      results,
      ...(outages?.length && { outages }),
    };
    this.results.push(result);
    return result;
  }

  /** Tears the topology down (unless kept) and returns the whole result. */
  async finish(options: { keep?: boolean } = {}): Promise<RunResult> {
    await Promise.all([...this.sessions.values()].map((s) => s.then((x) => x.close()).catch(() => undefined)));
    this.sessions.clear();
    const versions = await this.target.versions().catch(() => ({}));
    const incidents = this.realized.incidents?.() ?? [];
    if (!options.keep) await this.realized.down();
    return {
      topology: this.topology.name,
      file: this.topology.source.file,
      topologySha256: this.topology.source.sha256,
      target: this.target.kind,
      transport: this.settings.transport,
      runId: this.realized.runId,
      vpcheckVersion: pkg.version,
      versions,
      startedAt: this.startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      warnings: this.warnings,
      ...(incidents.length > 0 && { incidents }),
      phases: this.results.map((r) => ({ ...r, layout: layoutOf(this.phases.find((p) => p.phase === r.name)!.spec) })),
      summary: summarize(this.results),
    };
  }

  /** VMs the target rebuilt: a new session next time, and their default route set again. */
  private async forget(vms: readonly string[]): Promise<void> {
    if (vms.length) this.events.info(`rebuilt by the patch: ${vms.join(', ')}`);
    await Promise.all(vms.map(async (vm) => {
      const s = this.sessions.get(vm);
      this.sessions.delete(vm);
      this.routed.delete(vm);
      await s?.then((x) => x.close()).catch(() => undefined);
    }));
  }

  private session(vm: string): Promise<Session> {
    let s = this.sessions.get(vm);
    if (!s) {
      s = vm === EXTERNAL && this.realized.externalSession ? this.realized.externalSession() : this.realized.openSession(vm, this.settings.transport);
      s.catch(() => undefined);
      this.sessions.set(vm, s);
    }
    return s;
  }

  /** The VM's default route as the topology says, then its positive control (lib/probes/control.ts). */
  private async control(phase: PhaseCells, vm: Vm): Promise<CheckedVm> {
    const checks: ControlCheck[] = [];
    const failed = (check: ControlCheck): CheckedVm => ({
      record: { vm: vm.name, ok: false, reason: check.detail, checks: [...checks, check], guest: { status: 'unavailable', reason: `not read: ${check.detail}` } },
    });
    try {
      // The guest's lease first: its console shows the client's output, and sshd needs the address.
      const lease = await this.realized.lease?.(vm.name);
      if (lease && !lease.ok) return failed({ check: 'dhcp', ok: false, detail: lease.detail });
      if (lease) checks.push({ check: 'dhcp', ok: true, detail: lease.detail });
      const session = await this.session(vm.name);
      const route = await this.setDefaultRoute(vm, session);
      if (route && !route.ok) return failed(route);
      if (route) checks.push(route);
      const built = this.realized.vm(vm.name);
      const control = buildControl(controlSpecOf(phase.model, vm, built));
      const seen = parseControl(control, (await session.run(control.command, { timeoutMs: 30_000 })).output);
      checks.push(...controlChecks(control, seen));
      const departures = guestDepartures(phase.model.guestOf(vm.name), built, seen.guest);
      const record: VmControl = { vm: vm.name, ok: seen.ok, ...(seen.reason !== undefined && { reason: seen.reason }), checks, guest: seen.guest, ...(departures.length > 0 && { departures }) };
      return seen.ok ? { record, seen } : { record };
    } catch (e) {
      return failed({ check: 'session', ok: false, detail: `session: ${(e as Error).message}` });
    }
  }

  /**
   * The docs' step, "ip route add default via <gateway> dev enp1s0", where the VM should have one
   * and does not yet (and its removal where it should not); undefined when there was nothing to do.
   */
  private async setDefaultRoute(vm: Vm, session: Session): Promise<ControlCheck | undefined> {
    const { gateway, nic } = this.realized.vm(vm.name);
    // `defaultRoute: <address>` names the next hop (Harvester v1.8's NAT gateway page: the lanIp).
    const via = vm.defaultRoute ? (vm.defaultRouteVia ?? gateway) : undefined;
    const current = this.routed.get(vm.name);
    if (via === current) return undefined;
    if (current !== undefined) {
      const r = await session.run('ip route del default 2>&1 || sudo -n ip route del default');
      this.routed.delete(vm.name);
      if (r.exitCode !== 0 || via === undefined) {
        return { check: 'default-route', ok: r.exitCode === 0, detail: r.exitCode === 0 ? 'default route removed' : `removing the default route failed: ${r.output.trim()}` };
      }
    }
    const r = parseDefaultRoute(await session.run(defaultRouteCommand(via!, nic)));
    if (r.status === 'failed') return { check: 'default-route', ok: false, detail: `ip route add default via ${via} failed: ${r.output.trim()}` };
    this.routed.set(vm.name, via!);
    return { check: 'default-route', ok: true, detail: r.status === 'added' ? `added via ${via} dev ${nic}` : `present: ${r.output}` };
  }

  /** One job per source VM that passed its control, with the tools it found. */
  private jobsOf(phase: PhaseCells, predictions: ReadonlyMap<Cell, Prediction>, tools: ReadonlyMap<string, Tools>): Map<string, Job> {
    const byVm = new Map<string, Job>();
    phase.cells.forEach((cell, i) => {
      const found = tools.get(cell.from);
      if (!found) return;
      const entry = byVm.get(cell.from) ?? byVm.set(cell.from, { job: { vm: cell.from, tools: found, destinations: [] }, cells: new Map() }).get(cell.from)!;
      const id = `c${i}`;
      const toIp = predictions.get(cell)!.toIp;
      (entry.job.destinations as Destination[]).push({ id, ip: toIp, probe: cell.probe, ...(cell.port !== undefined && { port: cell.port }), ...(cell.size !== undefined && { size: cell.size }) });
      entry.cells.set(id, cell);
    });
    return byVm;
  }

  private pendingJobs(byVm: Map<string, Job>, tries: Map<Cell, ProbeTry[]>, differs: (cell: Cell, outcome: ProbeTry['outcome']) => boolean): Map<string, Job> {
    return jobsWhere(byVm, (cell) => {
      const t = tries.get(cell) ?? [];
      return t.length > 0 && differs(cell, t[t.length - 1]!.outcome);
    });
  }

  /** Each cell's verdict from its tries and its ends' controls; diagnostics for the first failures. */
  private async judge(
    phase: PhaseCells,
    predictions: ReadonlyMap<Cell, Prediction>,
    tries: Map<Cell, ProbeTry[]>,
    appliedAt: number | undefined,
    controls: readonly CheckedVm[],
    external: ExternalHost,
    seenAs: ReadonlyMap<string, string | undefined>,
  ): Promise<CellResult[]> {
    const file = this.topology.source.file;
    const vms = new Map(phase.spec.vms.map((v) => [v.name, v]));
    const outcomes = new Map(controls.map((c): [string, ControlOutcome] => [
      c.record.vm,
      c.seen ? { status: 'ok', listening: c.seen.listening ?? [] } : { status: 'failed', reason: c.record.reason ?? 'failed' },
    ]));
    const outcomeOf = (vm: string): ControlOutcome => outcomes.get(vm) ?? { status: 'missing' };
    let diagnosed = 0;
    return mapPool(phase.cells, 4, async (cell): Promise<CellResult> => {
      const all = tries.get(cell) ?? [];
      const last = all[all.length - 1];
      const to = vms.get(cell.to);
      const prediction = predictions.get(cell)!;
      const destination = to
        ? { control: outcomeOf(cell.to), listen: to.listen.map((l) => l.port) }
        : cell.from === EXTERNAL ? eipEnd(phase, cell, prediction, controls, outcomeOf) : undefined;
      const skipped = cell.from === EXTERNAL && external && 'skipped' in external ? external.skipped : undefined;
      const verdict = skipped !== undefined ? { observed: 'error' as const, pass: false, note: skipped } : judgeCell({
        from: cell.from,
        to: cell.to,
        probe: cell.probe,
        ...(cell.port !== undefined && { port: cell.port }),
        expected: cell.expected,
        tries: all,
        ...(WIRE_PROTOCOL[cell.probe] !== cell.probe && { smallExpected: phase.model.predict({ from: cell.from, to: cell.to, probe: WIRE_PROTOCOL[cell.probe], ...(cell.port !== undefined && { port: cell.port }) }).outcome === 'reachable' }),
        source: outcomeOf(cell.from),
        ...(destination && { destination }),
      });
      const source = cell.to === INTERNET && seenAs.has(cell.from) && verdict.pass
        ? { seen: seenAs.get(cell.from), ...judgeSeenAs(seenAs.get(cell.from), prediction.seenAs, (ip) => natSourceName(phase.model, cell.from, ip)) }
        : undefined;
      const pass = verdict.pass && !source?.mismatch;
      const observed = verdict.observed;
      const note = [verdict.note, source?.note].filter(Boolean).join('; ') || undefined;
      const firstPass = all.find((t) => satisfies(cell.expected, t.outcome));
      const base: CellResult = {
        from: cell.from,
        to: cell.to,
        probe: cell.probe,
        ...(cell.port !== undefined && { port: cell.port }),
        ...(cell.size !== undefined && { size: cell.size }),
        toIp: prediction.toIp,
        expected: cell.expected,
        observed,
        pass,
        reason: prediction.reason,
        tries: all.map((t): Try => ({ outcome: t.outcome, atMs: t.startedAt - this.startedAt.getTime(), raw: t.raw })),
        detail: {
          ...(last?.loss !== undefined && { loss: last.loss }),
          ...(last?.rttMs !== undefined && { rttMs: last.rttMs }),
          ...measuresOf(last),
          ...(note !== undefined && { note }),
          ...(source?.seen !== undefined && { seenAs: source.seen }),
        },
        ...(appliedAt !== undefined && firstPass && { convergedMs: firstPass.startedAt - appliedAt }),
      };
      if (pass) return base;
      const reproduce = { console: consoleLine(cell.probe, prediction.toIp, cell.port, cell.size), explain: explainLine(file, cell, phase.phase) };
      if (observed === 'error' || diagnosed >= this.settings.diagnoseLimit) return { ...base, reproduce };
      diagnosed++;
      const [target, vm] = await Promise.all([
        this.realized
          .diagnose({ from: cell.from, toIp: prediction.toIp, probe: WIRE_PROTOCOL[cell.probe], ...(cell.port !== undefined && { port: cell.port }) })
          .catch((e: Error) => [{ title: 'diagnostics failed', command: '', output: e.message }]),
        this.session(cell.from).then((s) => vmDiagnostics(s, prediction.toIp), (e: Error) => [{ title: `session to ${cell.from}`, command: '', output: e.message }]),
      ]);
      return { ...base, reproduce, diagnostics: [...target, ...vm] };
    });
  }
}
