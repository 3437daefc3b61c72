// Preloaded into a benchmarked command (node --import): at exit, writes the process's peak
// resident set size in kB to the file named by VPCHECK_BENCH_RSS. The parent cannot read a
// child's rusage from Node, and /usr/bin/time is not installed everywhere.
import { writeFileSync } from 'node:fs';

const file = process.env.VPCHECK_BENCH_RSS;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
