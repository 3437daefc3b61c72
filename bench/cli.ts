// CLI benchmark: the commands users type, each timed as a process of its own through
// bin/vpcheck.js (the bundle in dist/ when it is current, as after `npm run setup`), next to
// `node -e 0` as the floor no Node program beats. Prints figures and the targets from one
// run; asserts nothing. The machine's load average is printed with them: on a shared machine the
// floor moves too, so compare a command with the floor of the same run.
import { existsSync } from 'node:fs';
import { chainFile } from './chain.ts';
import { loadAverage, measure, median } from './measure.ts';

const SEED = 'topologies/vpc-peering-example1.yaml';
const VPCHECK = 'bin/vpcheck.js';

if (!existsSync('dist/inputs.txt')) console.log('note: no dist/ bundle: bin/vpcheck.js falls back to tsx (run `npm run build`)');
const chain1000 = chainFile({ vpcs: 20, vms: 1000 });
const chain200 = chainFile({ vpcs: 4, vms: 200 });
console.log(`vpcheck CLI benchmark; load average at start ${loadAverage()}`);

const rows: [string, string, string][] = [];
function five(label: string, args: readonly string[], targetS?: number): number {
  const runs = Array.from({ length: 5 }, () => measure(args));
  if (runs.some((r) => r.code !== 0)) throw new Error(`${label} failed: ${runs.find((r) => r.code !== 0)!.stderr}`);
  const m = median(runs.map((r) => r.seconds));
  rows.push([label, `${m.toFixed(3)} s, CPU ${median(runs.map((r) => r.cpuSeconds)).toFixed(3)} s (medians of 5)`, targetS === undefined ? '' : `target <= ${targetS} s`]);
  return m;
}
function once(label: string, args: readonly string[], target = ''): void {
  const r = measure(args);
  if (r.code !== 0) throw new Error(`${label} failed: ${r.stderr}`);
  rows.push([label, `${r.seconds.toFixed(2)} s, CPU ${r.cpuSeconds.toFixed(2)} s, ${r.rssMb.toFixed(0)} MB peak RSS`, target]);
}

const floor = five('node -e 0 (floor)', ['-e', '0']);
const version = five('vpcheck --version', [VPCHECK, '--version'], 0.25);
five(`vpcheck validate ${SEED}`, [VPCHECK, 'validate', SEED], 0.4);
five(`vpcheck plan ${SEED}`, [VPCHECK, 'plan', SEED], 0.5);
once('vpcheck plan, 1,000-VM 20-VPC chain (999,000 + 1,000 cells)', [VPCHECK, 'plan', chain1000], 'target <= 2 s and <= 400 MB');
once('vpcheck plan --json, 1,000-VM chain', [VPCHECK, 'plan', chain1000, '--json']);
once('vpcheck plan --json, 200-VM 4-VPC chain (40,000 cells)', [VPCHECK, 'plan', chain200, '--json'], 'target <= 2 s');

const width = Math.max(...rows.map((r) => r[0].length));
for (const [label, value, target] of rows) console.log(`  ${label.padEnd(width)}  ${value.padEnd(46)}  ${target}`.trimEnd());
console.log(`  --version above the floor: ${((version - floor) * 1000).toFixed(0)} ms; load average at end ${loadAverage()}`);
