// Preloaded into a benchmarked command (node --import): at exit, writes the process's peak
// resident set size in kB and the CPU time it used in ms to the file named by
// VPCHECK_BENCH_RSS. The parent cannot read a child's rusage from Node, and /usr/bin/time is not
// installed everywhere. CPU time is the figure a loaded, shared machine disturbs least.
import { writeFileSync } from 'node:fs';

const file = process.env.VPCHECK_BENCH_RSS;
if (file) {
  process.on('exit', () => {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    writeFileSync(file, `${maxRSS} ${(userCPUTime + systemCPUTime) / 1000}`);
  });
}
