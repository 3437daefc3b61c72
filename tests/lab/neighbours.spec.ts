// The kernel's neighbour-table overflow count (lib/targets/lab/neighbours.ts), read from /proc/net/stat/arp_cache.
import { expect, test } from '@playwright/test';
import { neighbourTableFulls } from '../../lib/targets/lab/neighbours.ts';

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
