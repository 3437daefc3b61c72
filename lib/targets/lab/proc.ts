// Running the lab's programs: every failure becomes a TargetError (exit 3) that names the command
// and what it printed, because a half-built lab is a target problem, never a network verdict.
import { execa } from 'execa';
import { TargetError } from '../target.ts';
import { shellQuote } from '../../sessions/quote.ts';

/** What a finished program printed, and its exit code. */
export interface ProcessOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface ProcessOptions {
  readonly input?: string;
  readonly timeoutMs?: number;
  readonly env?: Record<string, string>;
  /** Return a non-zero exit instead of throwing. */
  readonly allowFailure?: boolean;
}

export async function run(file: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessOutput> {
  const r = await execa(file, args, {
    input: options.input,
    timeout: options.timeoutMs ?? 30_000,
    env: options.env,
    reject: false,
    stripFinalNewline: false,
  });
  const exitCode = r.exitCode ?? -1;
  if (!options.allowFailure && (exitCode !== 0 || r.timedOut)) {
    const why = r.timedOut ? `timed out after ${options.timeoutMs ?? 30_000} ms` : `exit ${exitCode}`;
    const shown = args.length > 12 ? `${args.slice(0, 12).join(' ')} ... (${args.length} args)` : args.join(' ');
    throw new TargetError(`lab: ${file} ${shown} failed (${why}): ${String(r.stderr).trim().slice(0, 2000)}`);
  }
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode };
}

/** A command inside a network namespace. */
export function inNamespace(ns: string, argv: readonly string[], options?: ProcessOptions): Promise<ProcessOutput> {
  return run('ip', ['netns', 'exec', ns, ...argv], options);
}

/** Runs a list of commands in one shell inside a namespace, stopping at the first failure. */
export function nsScript(ns: string, commands: readonly (readonly string[])[], options?: ProcessOptions): Promise<ProcessOutput> {
  const script = ['set -e', ...commands.map((c) => c.map(shellQuote).join(' '))].join('\n');
  return inNamespace(ns, ['sh', '-c', script], options);
}

export interface NsScript {
  readonly ns: string;
  readonly commands: readonly (readonly string[])[];
}

/**
 * Runs each namespace's commands as nsScript does, `parallel` at a time, all from one shell on the
 * host: one fork from the runner instead of one per namespace (a fork from a process with a large
 * heap costs tens of milliseconds of its event loop; from a small shell, next to nothing).
 */
export async function nsScripts(scripts: readonly NsScript[], parallel: number): Promise<void> {
  if (!scripts.length) return;
  const failed = 'VPCHECK-FAILED';
  const driver = [
    `s(){ if ! o=$(ip netns exec "$1" sh -c "$2" 2>&1); then printf '${failed} %s\\n%s\\n' "$1" "$o" >&2; fi; }`,
    'n=0',
    ...scripts.map(({ ns, commands }) => {
      const script = ['set -e', ...commands.map((c) => c.map(shellQuote).join(' '))].join('\n');
      return `s ${shellQuote(ns)} ${shellQuote(script)} & n=$((n+1)); if [ $n -ge ${parallel} ]; then wait -n; n=$((n-1)); fi`;
    }),
    'wait',
  ].join('\n');
  const { stderr } = await run('bash', ['-s'], { input: driver, timeoutMs: 30_000 * Math.ceil(scripts.length / parallel) });
  const first = stderr.indexOf(`${failed} `);
  if (first < 0) return;
  const [ns, ...output] = stderr.slice(first + failed.length + 1).split(`\n${failed} `)[0]!.split('\n');
  throw new TargetError(`lab: the commands of namespace ${ns} failed: ${output.join('\n').trim().slice(0, 2000)}`);
}

/** Runs tasks with at most `limit` in flight (2 cores: more only adds contention). */
export async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
