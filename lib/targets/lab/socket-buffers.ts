// A run chassis' vswitchd sends and receives all of its cross-chassis traffic through one
// AF_PACKET socket on its underlay NIC, whose receive buffer is net.core.rmem_default when the
// socket opens; at the default 208 KiB it overflows at about 10k packets a second and a probe
// burst loses 2-20 % of its packets (shared/reference/multichassis.md, "Burst loss"). The sysctl
// is one for the machine, so, as with the neighbour limits (neighbours.ts), the lab raises it
// while multi-chassis runs are up, before their vswitchds start, saves the value it found beside
// the run records, and the last multi-chassis run to leave (or `vpcheck down`) puts it back.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { withLabLock } from './lock.ts';
import { STATE_DIR } from './names.ts';

/** Measured: a 30-VM mesh of 870 cells x 5 pings across 3 chassis loses nothing with it. */
export const LAB_RMEM_DEFAULT = 4_194_304;

export interface SocketBufferFiles {
  readonly sysctl: string;
  readonly saved: string;
}

export const SYSTEM_SOCKET_BUFFER_FILES: SocketBufferFiles = {
  sysctl: '/proc/sys/net/core/rmem_default',
  saved: join(STATE_DIR, 'rmem-default.json'),
};

/** Raises rmem_default (never lowers it), saving the value found first; returns what failed. */
export async function raiseSocketBuffers(files: SocketBufferFiles = SYSTEM_SOCKET_BUFFER_FILES): Promise<string[]> {
  return withLabLock(files.saved, async () => {
    const current = Number((await readFile(files.sysctl, 'utf8')).trim());
    if ((await readSaved(files.saved)) === undefined) {
      await mkdir(dirname(files.saved), { recursive: true });
      await writeFile(files.saved, JSON.stringify({ rmem_default: current }));
    }
    if (current >= LAB_RMEM_DEFAULT) return [];
    return writeFile(files.sysctl, String(LAB_RMEM_DEFAULT)).then(() => [], (e: Error) =>
      [`could not raise net.core.rmem_default to ${LAB_RMEM_DEFAULT} (${e.message}); probe bursts between nodes may lose packets`]);
  });
}

/**
 * Puts the saved value back once no multi-chassis run is left; a no-op when none is saved. The
 * question is asked under the lock raiseSocketBuffers takes, so a run starting its chassis at
 * that moment (it marks itself first) keeps the raised value.
 */
export async function restoreSocketBuffers(multiChassisRunsLeft: () => Promise<boolean>, files: SocketBufferFiles = SYSTEM_SOCKET_BUFFER_FILES): Promise<void> {
  await withLabLock(files.saved, async () => {
    if (await multiChassisRunsLeft()) return;
    const saved = await readSaved(files.saved);
    if (saved === undefined) return;
    await writeFile(files.sysctl, String(saved)).catch(() => undefined);
    await rm(files.saved, { force: true });
  });
}

async function readSaved(file: string): Promise<number | undefined> {
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { rmem_default: number }).rmem_default;
  } catch {
    return undefined;
  }
}
