// The kernel's IPv4 neighbour (ARP) table is one for every network namespace; the lab raises its
// limits while it runs (sysctls.ts) and reports when the kernel still found it full.
import { readFileSync } from 'node:fs';

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
