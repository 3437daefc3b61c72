// Machine-wide kernel settings the lab raises while it needs them, and puts back after. Each is
// one for the whole machine and settable only from the initial namespace, so the first run to
// need a setting saves the value it found beside the run records (a `vpcheck down` after kill -9
// restores it too), never lowers one set higher, and the last run that needs it restores it.
// - The IPv4 neighbour limits (net.ipv4.neigh.default.gc_thresh1/2/3, 128/512/1024 by default):
//   the ARP table is one for every namespace, and past gc_thresh3 the kernel refuses new entries
//   ("neighbor table overflow", ENOBUFS), so a lab of hundreds of VMs loses probes for want of one.
//   Raised while any run is recorded. The lab uses IPv4 only; the ipv6 table is left alone.
// - net.core.rmem_default, while multi-chassis runs are up: a run chassis' vswitchd carries all of
//   its cross-chassis traffic through one AF_PACKET socket on its underlay NIC, whose receive buffer
//   is rmem_default when the socket opens; at 208 KiB it overflows at about 10k packets a second and
//   a probe burst loses 2-20 % of its packets (shared/reference/multichassis.md, "Burst loss").
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { withLabLock } from './lock.ts';
import { STATE_DIR } from './names.ts';

export interface RaisedSysctls {
  /** In raising order (restored in reverse: gc_thresh1 <= 2 <= 3 holds at every moment). */
  readonly settings: readonly { readonly name: string; readonly file: string; readonly value: number }[];
  /** Where the values found first are kept. */
  readonly saved: string;
  /** What a setting left at the kernel's value costs, for the warning. */
  readonly consequence: string;
}

/** Enough for a 500-VM lab's ARP entries with room to spare (an entry is a few hundred bytes). */
export const LAB_NEIGHBOUR_LIMITS = { gc_thresh1: 8192, gc_thresh2: 32768, gc_thresh3: 65536 } as const;
/** Measured: a 30-VM mesh of 870 cells x 5 pings across 3 chassis loses nothing with it. */
export const LAB_RMEM_DEFAULT = 4_194_304;

export function neighbourLimits(sysctlDir = '/proc/sys/net/ipv4/neigh/default', saved = join(STATE_DIR, 'neighbour-limits.json')): RaisedSysctls {
  return {
    settings: Object.entries(LAB_NEIGHBOUR_LIMITS).map(([name, value]) => ({ name: `net.ipv4.neigh.default.${name}`, file: join(sysctlDir, name), value })),
    saved,
    consequence: 'a lab of hundreds of VMs may overflow the kernel\'s neighbour table',
  };
}

export function socketBuffers(file = '/proc/sys/net/core/rmem_default', saved = join(STATE_DIR, 'rmem-default.json')): RaisedSysctls {
  return { settings: [{ name: 'net.core.rmem_default', file, value: LAB_RMEM_DEFAULT }], saved, consequence: 'probe bursts between nodes may lose packets' };
}

/** Raises each setting to the lab's value, saving the values found first if none are saved yet; returns what could not be done. */
export async function raiseSysctls(s: RaisedSysctls): Promise<string[]> {
  return withLabLock(s.saved, async () => {
    const current = await Promise.all(s.settings.map(async (x) => Number((await readFile(x.file, 'utf8')).trim())));
    if (!(await readSaved(s.saved))) {
      await mkdir(dirname(s.saved), { recursive: true });
      await writeFile(s.saved, JSON.stringify(Object.fromEntries(s.settings.map((x, i) => [x.name, current[i]]))));
    }
    const problems: string[] = [];
    for (const [i, x] of s.settings.entries()) {
      if (current[i]! >= x.value) continue;
      // A read-only /proc/sys (a container): the lab still works, with the kernel's value.
      await writeFile(x.file, String(x.value)).catch((e: Error) => problems.push(`could not raise ${x.name} to ${x.value} (${e.message}); ${s.consequence}`));
    }
    return problems;
  });
}

/**
 * Puts the saved values back unless `stillNeeded`; a no-op when none are saved. Asked under the
 * lock raiseSysctls takes, so a run raising them at that moment keeps the raised values.
 */
export async function restoreSysctls(s: RaisedSysctls, stillNeeded: () => Promise<boolean>): Promise<void> {
  await withLabLock(s.saved, async () => {
    if (await stillNeeded()) return;
    const saved = await readSaved(s.saved);
    if (!saved) return;
    for (const x of [...s.settings].reverse()) {
      if (saved[x.name] !== undefined) await writeFile(x.file, String(saved[x.name])).catch(() => undefined);
    }
    await rm(s.saved, { force: true });
  });
}

async function readSaved(file: string): Promise<Record<string, number> | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, number>;
  } catch {
    return undefined;
  }
}
