// `vpcheck run`: build each topology on the target, probe, compare with the model, report.
import { writeFile } from 'node:fs/promises';
import { resultJson } from '../report/json.ts';
import { subnetOf } from '../topology/addresses.ts';
import { redactText } from '../secrets/redact.ts';
import { renderRun } from '../report/terminal.ts';
import type { RunResult } from '../run/result.ts';
import { DEFAULT_RUN_SETTINGS, Runner, type RunEvents } from '../run/runner.ts';
import type { Transport } from '../sessions/session.ts';
import { onTerminate } from '../run/signals.ts';
import { TargetError } from '../targets/target.ts';
import { targetOf, type TargetOptions } from '../targets/index.ts';
import { podLimits } from '../targets/kubeovn/limits.ts';
import { harvesterLimits } from '../targets/harvester/limits.ts';
import { clusterLimits } from '../targets/k8s-common/limits.ts';
import { formatDiagnostic } from '../topology/diagnostics.ts';
import type { Topology } from '../topology/types.ts';
import { EXIT, type Io } from './io.ts';
import { internetIpOf, loadWithModelCheck } from './topology-input.ts';
import { writeReports } from './report.ts';

export interface RunCommandOptions extends TargetOptions {
  readonly transport: Transport;
  readonly json?: string;
  readonly html?: string;
  readonly junit?: string;
  readonly keep?: boolean;
  readonly phase?: string;
  readonly concurrency: number;
  readonly retries: number;
}

export async function runCommand(files: string[], options: RunCommandOptions, io: Io): Promise<number> {
  const loaded: { topology: Topology; warnings: string[] }[] = [];
  let invalid = false;
  for (const file of files) {
    const loadedFile = await loadWithModelCheck(file, internetIpOf(options.target, options.internetIp));
    const { topology } = loadedFile;
    // A setting the target cannot honour would make cells differ from the model for a known reason: refused.
    const limits = !topology || options.target === 'lab' ? [] : [...(options.target === 'kubeovn' ? podLimits(topology, 'error') : []), ...clusterLimits(topology, 'error')];
    const versionNotes = topology && options.target === 'harvester' ? harvesterLimits(topology) : [];
    const diagnostics = [...loadedFile.diagnostics, ...limits, ...versionNotes];
    for (const d of diagnostics) io.err(formatDiagnostic(d));
    if (topology && !limits.length) loaded.push({ topology, warnings: diagnostics.map(formatDiagnostic) });
    else invalid = true;
  }
  if (invalid) return EXIT.invalid;

  const target = targetOf(options);
  const results: RunResult[] = [];
  let code: number = EXIT.ok;
  for (const { topology, warnings } of loaded) {
    let runner: Runner | undefined;
    const release = onTerminate(async () => {
      io.err('interrupted: tearing down');
      await runner?.realized.down();
    });
    try {
      const settings = {
        ...DEFAULT_RUN_SETTINGS,
        transport: options.transport,
        concurrency: options.concurrency,
        retries: options.retries,
        ...(options.phase !== undefined && { phase: options.phase }),
      };
      runner = await Runner.start(topology, target, settings, events(io), warnings);
      await runner.runAll();
      if (options.keep) printKeep(runner, options, io);
      // The verdict is printed first; taking a hundred namespaces down takes a while.
      const result = await runner.finish({ keep: true });
      results.push(result);
      const vms = topology.vms.map((v) => v.name);
      const groupOf = (vm: string) => subnetOf(topology, topology.vms.find((v) => v.name === vm)!)?.name ?? '?';
      io.out(redactText(renderRun(result, { color: io.isTTY && !process.env.NO_COLOR, vms, groupOf })));
      if (result.summary.failed) code = Math.max(code, EXIT.failed);
      if (!options.keep) {
        io.err(`tearing down run ${result.runId}`);
        await runner.realized.down();
      }
    } catch (e) {
      await runner?.realized.down().catch(() => undefined);
      if (e instanceof TargetError) {
        io.err(`${topology.source.file}: the ${target.kind} target failed: ${e.message}`);
        code = EXIT.target;
        continue;
      }
      throw e;
    } finally {
      release();
    }
  }
  if (options.json) {
    await writeFile(options.json, resultJson(results));
    io.err(`result written to ${options.json}`);
  }
  if (results.length) await writeReports(results, options, io);
  return code;
}

function events(io: Io): RunEvents {
  let last = '';
  return {
    info: (m) => io.err(m),
    warn: (m) => io.err(`warning: ${m}`),
    progress: (p) => {
      const line = `${p.phase}: ${p.done}/${p.total} cells probed, ${p.failures} differing so far`;
      if (io.isTTY) process.stderr.write(`\r${line}${p.done === p.total ? '\n' : ''}`);
      else if (p.done === p.total && line !== last) io.err(line);
      last = line;
    },
  };
}

function printKeep(runner: Runner, options: RunCommandOptions, io: Io): void {
  const { realized } = runner;
  const lines = [`kept run ${realized.runId} up. Reach the VMs with:`];
  for (const vm of runner.topology.vms) lines.push(`  ${vm.name} (${realized.vm(vm.name).ip}): ${realized.reach(vm.name)}`);
  // The same cluster as this run, or `down` would look for the run elsewhere.
  const down = ['vpcheck down', ...(options.target === 'lab' ? [] : [`--target ${options.target}`]), ...(options.kubeconfig ? [`--kubeconfig ${options.kubeconfig}`] : []), ...(options.context ? [`--context ${options.context}`] : []), `--run ${realized.runId}`];
  lines.push(`remove it with: ${down.join(' ')}`);
  io.err(lines.join('\n'));
}
