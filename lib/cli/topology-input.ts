// Loading a topology for a command: print its diagnostics (warnings above whatever follows,
// errors with exit 2) and the model's disagreements with `expect:` lines.
import { checkExpectations } from '../model/index.ts';
import { formatDiagnostic, type Diagnostic } from '../topology/diagnostics.ts';
import { loadTopologyFile } from '../topology/load.ts';
import { INITIAL_PHASE } from '../topology/phases.ts';
import type { Topology } from '../topology/types.ts';
import type { TargetKind } from '../targets/target.ts';
import type { Io } from './io.ts';

/** The address `to: internet` probes: the lab's simulated upstream host, or a public address on a cluster. */
export function internetIpOf(target: TargetKind, override?: string): string {
  return override ?? (target === 'lab' ? '192.0.2.1' : '8.8.8.8');
}

/** Diagnostics of the file plus a warning per `expect:` line the model disagrees with. */
export async function loadWithModelCheck(file: string, internetIP: string): Promise<{ topology?: Topology; diagnostics: Diagnostic[] }> {
  const { topology, diagnostics } = await loadTopologyFile(file);
  if (!topology) return { diagnostics: [...diagnostics] };
  const disagreements: Diagnostic[] = checkExpectations(topology, { internetIP }).map((d) => ({
    severity: 'warning',
    file,
    ...(topology.source.locate(d.path) ?? { line: 1, col: 1 }),
    path: d.path,
    message: `expects ${d.expected} but the model predicts ${d.predicted}${d.phase === INITIAL_PHASE ? '' : ` in phase "${d.phase}"`}: ${d.reason}`,
  }));
  const all = [...diagnostics, ...disagreements].sort((a, b) => a.line - b.line || a.col - b.col);
  return { topology, diagnostics: all };
}

/** Where `to: internet` points for a command that predicts: the --target's address unless --internet-ip. */
export interface InternetOptions {
  readonly target: TargetKind;
  readonly internetIp?: string;
}

/** Loads for plan and explain (loadForCommand), with the internet address the model then uses. */
export async function loadForPrediction(file: string, options: InternetOptions, io: Io): Promise<{ topology: Topology; internetIP: string } | undefined> {
  const internetIP = internetIpOf(options.target, options.internetIp);
  const topology = await loadForCommand(file, internetIP, io);
  return topology && { topology, internetIP };
}

/** Loads for a command: prints warnings, returns undefined (exit 2) on errors. */
export async function loadForCommand(file: string, internetIP: string, io: Io): Promise<Topology | undefined> {
  const { topology, diagnostics } = await loadWithModelCheck(file, internetIP);
  for (const d of diagnostics) io.err(formatDiagnostic(d));
  return topology;
}
