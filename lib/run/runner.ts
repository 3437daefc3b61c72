// The run engine shared by `vpcheck run` and the Playwright suite: build the topology on a
// target, log in to every VM, set default routes as the docs do, probe each phase's cells,
// re-probe only what differs from the model (bounded, every try recorded), and judge.
import { randomBytes } from 'node:crypto';
import { cellsOf, satisfies, type Cell, type PhaseCells, type Prediction } from '../model/index.ts';
import { defaultRouteCommand, parseDefaultRoute } from '../probes/default-route.ts';
import { runProbes, type ProbeTry } from '../probes/runner.ts';
import type { ProbeJob } from '../probes/types.ts';
import type { Session, Transport } from '../sessions/session.ts';
import type { Logger, Realized, Target } from '../targets/target.ts';
import type { Topology } from '../topology/types.ts';
import { layoutOf } from '../report/layout.ts';
import { phaseSpec } from '../topology/phases.ts';
import { mapPool } from './pool.ts';
import { vmDiagnostics } from './vm-diagnostics.ts';
import { consoleCommand, explainCommand } from './reproduce.ts';
import { summarize, type CellResult, type VmControl, type PhaseResult, type RunResult, type Try } from './result.ts';
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

export class Runner {
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly routed = new Set<string>();
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

  /** Builds the topology (the selected phase's, if any) and computes every phase's cells. */
  static async start(topology: Topology, target: Target, settings: RunSettings, events: RunEvents, warnings: readonly string[] = []): Promise<Runner> {
    const selected = settings.phase === undefined ? { spec: topology } : phaseSpec(topology, settings.phase);
    if ('error' in selected) throw new Error(selected.error);
    const first = selected.spec;
    // Run ids prefix every lab name and label, so they stay short (24 characters at most).
    const runId = settings.runId ?? `${topology.name.slice(0, 17).replace(/-+$/, '')}-${randomBytes(3).toString('hex')}`;
    events.info(`building ${topology.name} on ${target.kind} (run ${runId}): ${first.vms.length} VMs, ${first.subnets.length} subnets`);
    const realized = await target.up(first, { runId, log: events });
    // The cells name the internet by the address this target gives it.
    const phases = cellsOf(topology, { internetIP: realized.internetIP }).filter((p) => settings.phase === undefined || p.phase === settings.phase);
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
    if (index > 0) {
      this.events.info(`phase ${phase.phase}: applying the patch`);
      const { replaced } = await this.realized.update(phase.spec);
      await this.forget(replaced);
      applyMs = Date.now() - began;
    }
    const prepared = Date.now();
    const controls = await this.setDefaultRoutes(phase);
    const probing = Date.now();
    // One model walk per cell: the probe needs its address, the verdict its reason.
    const predictions = new Map(phase.cells.map((c) => [c, phase.model.predict(c)]));
    const byVm = this.jobsOf(phase, predictions);
    const total = phase.cells.length;
    let done = 0;
    let failures = 0;
    const differs = (cell: Cell, outcome: ProbeTry['outcome']) => outcome !== 'error' && !satisfies(cell.expected, outcome);
    const tries = new Map<Cell, ProbeTry[]>();
    const probe = async (jobs: Map<string, { job: ProbeJob; cells: Map<string, Cell> }>, maxTries: number, report: boolean) =>
      mapPool([...jobs.values()], this.settings.concurrency, async ({ job, cells }) => {
        const out = await runProbes((vm) => this.session(vm), new Map([[job.vm, job]]), {
          concurrency: 1,
          maxTries,
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

    await probe(byVm, 1 + this.settings.retries, true);
    // After a patch the data plane converges at its own pace: keep probing what still differs.
    while (index > 0 && Date.now() - began < this.settings.convergeMs) {
      const pending = this.pendingJobs(byVm, tries, differs);
      if (!pending.size) break;
      await new Promise((r) => setTimeout(r, 500));
      await probe(pending, 1, false);
    }
    const probeMs = Date.now() - probing;
    const unprepared = new Map(controls.filter((c) => !c.ok).map((c) => [c.vm, c.reason ?? 'not prepared']));
    const results = await this.judge(phase, predictions, tries, index > 0 ? began : undefined, unprepared);
    const result: PhaseResult = {
      name: phase.phase,
      startedAt: new Date(began).toISOString(),
      durationMs: Date.now() - began,
      applyMs,
      prepareMs: probing - prepared,
      probeMs,
      controls,
      results,
    };
    this.results.push(result);
    return result;
  }

  /** Tears the topology down (unless kept) and returns the whole result. */
  async finish(options: { keep?: boolean } = {}): Promise<RunResult> {
    await Promise.all([...this.sessions.values()].map((s) => s.then((x) => x.close()).catch(() => undefined)));
    this.sessions.clear();
    const versions = await this.target.versions().catch(() => ({}));
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
      s = this.realized.openSession(vm, this.settings.transport);
      s.catch(() => undefined);
      this.sessions.set(vm, s);
    }
    return s;
  }

  /** The docs' step: "ip route add default via <gateway> dev enp1s0" where the VM should have one. */
  private async setDefaultRoutes(phase: PhaseCells): Promise<VmControl[]> {
    return mapPool(phase.spec.vms, this.settings.concurrency, async (vm): Promise<VmControl> => {
      const want = vm.defaultRoute;
      if (want === this.routed.has(vm.name)) return { vm: vm.name, ok: true };
      const gw = this.realized.vm(vm.name).gateway;
      try {
        const session = await this.session(vm.name);
        if (!want) {
          const r = await session.run('ip route del default 2>&1 || sudo -n ip route del default');
          this.routed.delete(vm.name);
          return r.exitCode === 0 ? { vm: vm.name, ok: true } : { vm: vm.name, ok: false, reason: `removing the default route failed: ${r.output.trim()}` };
        }
        const r = parseDefaultRoute(await session.run(defaultRouteCommand(gw, this.realized.vm(vm.name).nic)));
        if (r.status === 'failed') return { vm: vm.name, ok: false, reason: `ip route add default via ${gw} failed: ${r.output.trim()}` };
        this.routed.add(vm.name);
        return { vm: vm.name, ok: true };
      } catch (e) {
        return { vm: vm.name, ok: false, reason: `session: ${(e as Error).message}` };
      }
    });
  }

  /** One job per source VM; the gateway control only where the model says the gateway answers. */
  private jobsOf(phase: PhaseCells, predictions: ReadonlyMap<Cell, Prediction>): Map<string, { job: ProbeJob; cells: Map<string, Cell> }> {
    const byVm = new Map<string, { job: ProbeJob; cells: Map<string, Cell> }>();
    phase.cells.forEach((cell, i) => {
      let entry = byVm.get(cell.from);
      if (!entry) {
        const gateway = this.realized.vm(cell.from).gateway;
        const gatewayAnswers = phase.model.predict({ from: cell.from, to: gateway, probe: 'icmp' }).outcome === 'reachable';
        entry = { job: { vm: cell.from, ...(gatewayAnswers && { gateway }), destinations: [] }, cells: new Map() };
        byVm.set(cell.from, entry);
      }
      const id = `c${i}`;
      const toIp = predictions.get(cell)!.toIp;
      (entry.job.destinations as { id: string; ip: string; probe: Cell['probe']; port?: number }[]).push({ id, ip: toIp, probe: cell.probe, ...(cell.port !== undefined && { port: cell.port }) });
      entry.cells.set(id, cell);
    });
    return byVm;
  }

  private pendingJobs(
    byVm: Map<string, { job: ProbeJob; cells: Map<string, Cell> }>,
    tries: Map<Cell, ProbeTry[]>,
    differs: (cell: Cell, outcome: ProbeTry['outcome']) => boolean,
  ): Map<string, { job: ProbeJob; cells: Map<string, Cell> }> {
    const pending = new Map<string, { job: ProbeJob; cells: Map<string, Cell> }>();
    for (const [vm, { job, cells }] of byVm) {
      const destinations = job.destinations.filter((d) => {
        const t = tries.get(cells.get(d.id)!) ?? [];
        return t.length > 0 && differs(cells.get(d.id)!, t[t.length - 1]!.outcome);
      });
      if (destinations.length) pending.set(vm, { job: { ...job, destinations }, cells });
    }
    return pending;
  }

  /**
   * `unprepared`: VMs the run could not set up as the topology says (e.g. their default route).
   * A cell towards one of them that differs is inconclusive (`error`), not a network verdict.
   */
  private async judge(phase: PhaseCells, predictions: ReadonlyMap<Cell, Prediction>, tries: Map<Cell, ProbeTry[]>, appliedAt: number | undefined, unprepared: Map<string, string>): Promise<CellResult[]> {
    const file = this.topology.source.file;
    let diagnosed = 0;
    return mapPool(phase.cells, 4, async (cell): Promise<CellResult> => {
      const all = tries.get(cell) ?? [];
      const last = all[all.length - 1];
      const seen = last?.outcome ?? 'error';
      const blame = !satisfies(cell.expected, seen) && seen !== 'error' ? unprepared.get(cell.to) : undefined;
      const observed = blame ? 'error' : seen;
      const pass = satisfies(cell.expected, observed);
      const prediction = predictions.get(cell)!;
      const firstPass = all.find((t) => satisfies(cell.expected, t.outcome));
      const base: CellResult = {
        from: cell.from,
        to: cell.to,
        probe: cell.probe,
        ...(cell.port !== undefined && { port: cell.port }),
        toIp: prediction.toIp,
        expected: cell.expected,
        observed,
        pass,
        reason: prediction.reason,
        tries: all.map((t): Try => ({ outcome: t.outcome, atMs: t.startedAt - this.startedAt.getTime(), raw: t.raw })),
        detail: {
          ...(last?.loss !== undefined && { loss: last.loss }),
          ...(last?.rttMs !== undefined && { rttMs: last.rttMs }),
          ...(blame
            ? { note: `observed ${seen}, but ${cell.to} could not be prepared (${blame}): inconclusive` }
            : last?.note !== undefined ? { note: last.note } : last ? {} : { note: 'never probed' }),
        },
        ...(appliedAt !== undefined && firstPass && { convergedMs: firstPass.startedAt - appliedAt }),
      };
      if (pass) return base;
      const reproduce = { console: consoleCommand(cell.probe, prediction.toIp, cell.port), explain: explainCommand(file, cell.from, cell.to, cell.port, phase.phase) };
      if (observed === 'error' || diagnosed >= this.settings.diagnoseLimit) return { ...base, reproduce };
      diagnosed++;
      const [target, vm] = await Promise.all([
        this.realized
          .diagnose({ from: cell.from, toIp: prediction.toIp, probe: cell.probe, ...(cell.port !== undefined && { port: cell.port }) })
          .catch((e: Error) => [{ title: 'diagnostics failed', command: '', output: e.message }]),
        this.session(cell.from).then((s) => vmDiagnostics(s, prediction.toIp), (e: Error) => [{ title: `session to ${cell.from}`, command: '', output: e.message }]),
      ]);
      return { ...base, reproduce, diagnostics: [...target, ...vm] };
    });
  }
}
