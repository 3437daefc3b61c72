// The kernel's neighbour limits while a lab runs (lib/targets/lab/neighbours.ts): raised by the
// first run, kept by later ones, restored by the last. The limits are files of the same format
// as /proc/sys's, in a directory of the test's own (writing the machine's would change every
// other lab's on this machine); the saved values go to a state dir that does not exist yet, as on
// a freshly booted machine where /run/vpcheck is missing.
import { expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_NEIGHBOUR_LIMITS, neighbourTableFulls, raiseNeighbourLimits, restoreNeighbourLimits, type NeighbourFiles } from '../../lib/targets/lab/neighbours.ts';

function machine(values: [number, number, number]): NeighbourFiles & { read(): number[] } {
  const root = mkdtempSync(join(tmpdir(), 'vpcheck-neigh-'));
  ['gc_thresh1', 'gc_thresh2', 'gc_thresh3'].forEach((t, i) => writeFileSync(join(root, t), `${values[i]}\n`));
  return {
    sysctlDir: root,
    saved: join(root, 'state', 'not-yet', 'neighbour-limits.json'),
    read: () => ['gc_thresh1', 'gc_thresh2', 'gc_thresh3'].map((t) => Number(readFileSync(join(root, t), 'utf8'))),
  };
}

test('the first run raises the limits, later runs keep the first saved values, the last run restores them', async () => {
  const m = machine([128, 512, 1024]);
  expect(await raiseNeighbourLimits(m)).toEqual([]);
  expect(m.read()).toEqual([LAB_NEIGHBOUR_LIMITS.gc_thresh1, LAB_NEIGHBOUR_LIMITS.gc_thresh2, LAB_NEIGHBOUR_LIMITS.gc_thresh3]);
  expect(JSON.parse(readFileSync(m.saved, 'utf8'))).toEqual({ gc_thresh1: 128, gc_thresh2: 512, gc_thresh3: 1024 });
  // A second run joins: the saved values stay the machine's own, not the raised ones.
  await raiseNeighbourLimits(m);
  expect(JSON.parse(readFileSync(m.saved, 'utf8'))).toEqual({ gc_thresh1: 128, gc_thresh2: 512, gc_thresh3: 1024 });
  await restoreNeighbourLimits(true, m);
  expect(m.read()[2]).toBe(LAB_NEIGHBOUR_LIMITS.gc_thresh3);
  await restoreNeighbourLimits(false, m);
  expect(m.read()).toEqual([128, 512, 1024]);
  expect(existsSync(m.saved)).toBe(false);
  // Nothing saved (a second `down`): nothing changes.
  await restoreNeighbourLimits(false, m);
  expect(m.read()).toEqual([128, 512, 1024]);
});

test('a limit already above the lab\'s stays as it is', async () => {
  const m = machine([100_000, 200_000, 300_000]);
  await raiseNeighbourLimits(m);
  expect(m.read()).toEqual([100_000, 200_000, 300_000]);
  await restoreNeighbourLimits(false, m);
  expect(m.read()).toEqual([100_000, 200_000, 300_000]);
});

test('table_fulls is summed over the CPUs\' rows of /proc/net/stat/arp_cache', () => {
  const stat = [
    'entries  allocs   destroys hash_grows lookups  hits     res_failed rcv_probes_mcast rcv_probes_ucast periodic_gc_runs forced_gc_runs unresolved_discards table_fulls',
    '00000003 00000c03 00000e5b 00000007   000027e5 000010ce 000000ac   00000000         00000000         00000077         0000032c       00000000            00000321',
    '00000003 00000b43 000008e8 00000001   000020ee 00000b8f 0000005f   00000000         00000000         00000000         0000026d       00000000            0000000a',
  ].join('\n');
  expect(neighbourTableFulls(stat)).toBe(0x321 + 0xa);
  // The machine's own file parses the same way.
  expect(neighbourTableFulls()).toBeGreaterThanOrEqual(0);
});
