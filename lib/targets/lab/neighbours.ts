// The kernel's IPv4 neighbour (ARP) table is one for every network namespace, and its limits
// (net.ipv4.neigh.default.gc_thresh1/2/3: 128/512/1024 by default) can be set only from the
// initial namespace. A lab of hundreds of VMs holds thousands of entries; past gc_thresh3 the
// kernel refuses new ones ("neighbor table overflow", ENOBUFS) and probes fail for want of an
// ARP entry. So the lab raises the limits while any run is recorded and the last run to leave
// puts the old values back; they are saved beside the run records so that a `vpcheck down`
// after kill -9 restores them too. The lab uses IPv4 only, so the ipv6 table is left alone.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withLabLock } from './lock.ts';
import { STATE_DIR } from './names.ts';

/** Enough for a 500-VM lab's ARP entries with room to spare (an entry is a few hundred bytes). */
export const LAB_NEIGHBOUR_LIMITS = { gc_thresh1: 8192, gc_thresh2: 32768, gc_thresh3: 65536 } as const;
type Threshold = keyof typeof LAB_NEIGHBOUR_LIMITS;
const THRESHOLDS = Object.keys(LAB_NEIGHBOUR_LIMITS) as Threshold[];

/** Where the limits are and where their old values are kept; tests point these elsewhere. */
export interface NeighbourFiles {
  readonly sysctlDir: string;
  readonly saved: string;
}

export const SYSTEM_NEIGHBOUR_FILES: NeighbourFiles = {
  sysctlDir: '/proc/sys/net/ipv4/neigh/default',
  saved: join(STATE_DIR, 'neighbour-limits.json'),
};

/**
 * Raises each threshold to the lab's value (never lowers one set higher), saving the values found
 * first if none are saved yet. Returns what could not be done (a read-only /proc/sys in a
 * container): the lab still works, only with the kernel's limits.
 */
export async function raiseNeighbourLimits(files: NeighbourFiles = SYSTEM_NEIGHBOUR_FILES): Promise<string[]> {
  return withLabLock(files.saved, async () => {
    const current = await readLimits(files.sysctlDir);
    if (!(await readSaved(files.saved))) {
      await mkdir(dirname(files.saved), { recursive: true });
      await writeFile(files.saved, JSON.stringify(current));
    }
    const problems: string[] = [];
    for (const t of THRESHOLDS) {
      if (current[t] >= LAB_NEIGHBOUR_LIMITS[t]) continue;
      await writeFile(join(files.sysctlDir, t), String(LAB_NEIGHBOUR_LIMITS[t])).catch((e: Error) => {
        problems.push(`could not raise net.ipv4.neigh.default.${t} to ${LAB_NEIGHBOUR_LIMITS[t]} (${e.message}); a lab of hundreds of VMs may overflow the kernel's neighbour table`);
      });
    }
    return problems;
  });
}

/** Puts the saved values back once no run is left (`runsLeft` false); a no-op when none are saved. */
export async function restoreNeighbourLimits(runsLeft: boolean, files: NeighbourFiles = SYSTEM_NEIGHBOUR_FILES): Promise<void> {
  if (runsLeft) return;
  await withLabLock(files.saved, async () => {
    const saved = await readSaved(files.saved);
    if (!saved) return;
    // gc_thresh1 <= gc_thresh2 <= gc_thresh3 is not enforced, but lowering from the top down
    // never leaves a moment where a lower threshold exceeds a higher one.
    for (const t of [...THRESHOLDS].reverse()) await writeFile(join(files.sysctlDir, t), String(saved[t])).catch(() => undefined);
    await rm(files.saved, { force: true });
  });
}

async function readLimits(dir: string): Promise<Record<Threshold, number>> {
  const entries = await Promise.all(THRESHOLDS.map(async (t) => [t, Number((await readFile(join(dir, t), 'utf8')).trim())] as const));
  return Object.fromEntries(entries) as Record<Threshold, number>;
}

async function readSaved(file: string): Promise<Record<Threshold, number> | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<Threshold, number>;
  } catch {
    return undefined;
  }
}

/**
 * How often the kernel found its neighbour table full since boot: the table_fulls column of
 * /proc/net/stat/arp_cache (one row of hex counters per CPU), summed. The table is one for the
 * machine, so the count covers every namespace.
 */
export function neighbourTableFulls(stat = readFileSync('/proc/net/stat/arp_cache', 'utf8')): number {
  const [header, ...rows] = stat.trim().split('\n');
  const column = header!.trim().split(/\s+/).indexOf('table_fulls');
  if (column < 0) throw new Error('no table_fulls column in /proc/net/stat/arp_cache');
  return rows.reduce((sum, row) => sum + parseInt(row.trim().split(/\s+/)[column]!, 16), 0);
}
