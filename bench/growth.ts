// Growth benchmark: `vpcheck run` of generated chains (bench/chain.ts) of 10, 100 (on one node and on
// three) and 250 VMs (500 with --with-500), each as a process of its own on the lab. The cost of each stage comes
// from the run's JSON result: build (process start, loading and the lab build, up to the start of
// the first phase), controls (logins, default routes, positive controls), probe, and teardown
// (end of the phase to the end of the run: the target's versions and down()); then the vpcheck
// process's peak RSS (the lab's daemons and the VMs' shells not included). Prints one table so
// that a reader sees how each cost grows; asserts nothing.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../lib/run/result.ts';
import { chainFile, type ChainSize } from './chain.ts';
import { loadAverage, measure } from './measure.ts';

const SIZES: ChainSize[] = [
  { vms: 10, vpcs: 1 },
  { vms: 100, vpcs: 10 },
  // The same chain with its VMs spread over three nodes (lab chassis joined by Geneve).
  { vms: 100, vpcs: 10, nodes: 3 },
  { vms: 250, vpcs: 25 },
  ...(process.argv.includes('--with-500') ? [{ vms: 500, vpcs: 25 }] : []),
];
const out = mkdtempSync(join(tmpdir(), 'vpcheck-growth-'));
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

console.log(`vpcheck run growth on the lab (chains: 10 VMs per VPC up to 250, 20 at 500); load average at start ${loadAverage()}`);
console.log('  VMs   VPCs nodes  cells     end to end  build    controls  probe    teardown  peak RSS  cells right');
for (const size of SIZES) {
  const json = join(out, `chain-${size.vms}-${size.nodes ?? 1}n.json`);
  const r = measure(['bin/vpcheck.js', 'run', chainFile(size), '--json', json]);
  if (r.code !== 0 && r.code !== 1) throw new Error(`run of ${size.vms} VMs failed (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  const phase = result.phases[0]!;
  const phaseStart = Date.parse(phase.startedAt);
  const cells = phase.results.length;
  console.log([
    String(size.vms).padStart(5), String(size.vpcs).padStart(5), String(size.nodes ?? 1).padStart(5), String(cells).padStart(7),
    `${r.seconds.toFixed(1)} s`.padStart(12), s(phaseStart - r.startedAt).padStart(7), s(phase.prepareMs).padStart(9), s(phase.probeMs).padStart(8),
    s(Date.parse(result.endedAt) - phaseStart - phase.durationMs).padStart(9), `${r.rssMb.toFixed(0)} MB`.padStart(9),
    `${result.summary.passed}/${cells}`.padStart(12),
  ].join(' '));
  for (const incident of result.incidents ?? []) console.log(`        lab: ${incident}`);
}
console.log(`  load average at end ${loadAverage()}`);
