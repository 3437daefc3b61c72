// Runs a command as a user would (a process of its own) and reports its wall time and peak RSS.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const PRELOAD = new URL('./peak-rss.mjs', import.meta.url).href;
const rssDir = mkdtempSync(join(tmpdir(), 'vpcheck-rss-'));
let n = 0;

export interface Measured {
  /** When the process was started (ms since the epoch), to place a result's own times against. */
  readonly startedAt: number;
  readonly seconds: number;
  /** CPU time (user + system) of the command's process, children not included. */
  readonly cpuSeconds: number;
  readonly rssMb: number;
  readonly code: number | null;
  readonly stderr: string;
}

/** `node --import peak-rss.mjs <args>`, stdout to /dev/null. */
export function measure(args: readonly string[]): Measured {
  const rssFile = join(rssDir, `rss-${n++}`);
  const argv = ['--import', PRELOAD, ...args];
  const startedAt = Date.now();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, VPCHECK_BENCH_RSS: rssFile }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  const [rssKb, cpuMs] = readFileSync(rssFile, 'utf8').split(' ').map(Number);
  return { startedAt, seconds, cpuSeconds: cpuMs! / 1000, rssMb: rssKb! / 1024, code: r.status, stderr: r.stderr };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export function loadAverage(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}
