// Outage windows: while a phase's change is applied, a continuous ping per monitored cell runs
// inside the source VM (10 ms apart), so the report can say how long a path that must stay up was
// down and how many packets it lost. Two commands per source VM: one starts a pinger per
// destination in the background (detached, so a console or SSH channel closing cannot end it),
// the other stops them and prints one summary line per destination, computed inside the guest
// so that a serial console carries a line per cell, not a line per packet:
//   VPCHECK-OUTAGE <id> <sent> <received> <longest gap ms> <first reply ms> <since last reply ms>
// Times come from the guest's own clock (`ping -D` stamps, `date` at start and stop), never the
// runner's, whose clock a cluster VM does not share.
import { shellQuote } from '../sessions/quote.ts';

export const OUTAGE_INTERVAL_MS = 10;
/** A pinger ends by itself after this long, should the stop command never come. */
const PINGER_DEADLINE_SEC = 600;
const ID = /^[A-Za-z0-9._-]+$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export interface OutageTarget {
  /** Names the destination in the summary line: letters, digits, . _ - */
  readonly id: string;
  readonly ip: string;
}

export interface OutageReading {
  readonly id: string;
  /** Echo requests sent during the window. */
  readonly sent: number;
  readonly received: number;
  /**
   * The longest time without a reply: between two replies, from the start to the first reply, or
   * from the last reply to the stop. With every reply there it is about the ping interval.
   */
  readonly longestGapMs: number;
  /** From the start to the first reply; undefined when none came. */
  readonly firstReplyMs?: number;
  /** From the last reply to the stop; undefined when none came. */
  readonly sinceLastReplyMs?: number;
}

function dirOf(token: string): string {
  if (!ID.test(token)) throw new Error(`outage token "${token}" may hold only letters, digits and . _ -`);
  return `/tmp/vpcheck-outage-${token}`;
}

/** Starts one pinger per target in the background. `token` names this window's files in the guest. */
export function startOutageCommand(token: string, targets: readonly OutageTarget[]): string {
  const dir = dirOf(token);
  const pingers = targets.map((t) => {
    if (!ID.test(t.id)) throw new Error(`outage id "${t.id}" may hold only letters, digits and . _ -`);
    if (!IPV4.test(t.ip)) throw new Error(`outage ${t.id}: "${t.ip}" is not an IPv4 address`);
    // setsid: the pinger leaves the session's process group; `exec` keeps the pid the file holds.
    // Its own start time, taken as it begins: a slow spawn is not an outage.
    const ping = `echo $$ > ${dir}/${t.id}.pid; date +%s.%N > ${dir}/${t.id}.start; exec ping -D -n -i ${OUTAGE_INTERVAL_MS / 1000} -W 1 -w ${PINGER_DEADLINE_SEC} ${t.ip}`;
    return `setsid sh -c ${shellQuote(ping)} > ${dir}/${t.id}.out 2>&1 < /dev/null &`;
  });
  // Returns once every pinger has a first reply (the window's positive control: the path was up
  // when the change began) or after two seconds, printing which ones answered.
  const ready = `for i in $(seq 40); do n=0; for f in ${dir}/*.out; do grep -q " bytes from " "$f" || n=1; done; [ $n = 0 ] && break; sleep 0.05; done`;
  const report = `for f in ${dir}/*.out; do grep -q " bytes from " "$f" && echo "VPCHECK-OUTAGE-UP $(basename "$f" .out)"; done; true`;
  return `bash -c ${shellQuote(`rm -rf ${dir}; mkdir -p ${dir} && { ${pingers.join(' ')} true; } && ${ready}; ${report}`)}`;
}

/**
 * Stops the pingers (SIGINT: ping prints its statistics), waits up to a second for them to
 * finish writing, prints a summary line per target and removes the files.
 */
export function stopOutageCommand(token: string): string {
  const dir = dirOf(token);
  const summarize = [
    // Reply lines look like "[1796219665.095552] 64 bytes from 10.0.1.3: icmp_seq=1 ttl=64 time=0.07 ms".
    `awk -v s="$s" -v e="$e" -v id="$id" '`,
    '/^\\[[0-9.]+\\] [0-9]+ bytes from / { t = substr($1, 2, length($1) - 2) + 0; if (!n) f = t; if (t - p > g) g = t - p; p = t; n++ }',
    '/packets transmitted/ { sent = $1 }',
    'END { if (e - p > g) g = e - p; if (n) printf "VPCHECK-OUTAGE %s %d %d %.0f %.0f %.0f\\n", id, sent, n, g * 1000, (f - s) * 1000, (e - p) * 1000;',
    '      else printf "VPCHECK-OUTAGE %s %d 0 %.0f - -\\n", id, sent, (e - s) * 1000 }',
    `' p="$s" "$f"`,
  ].join(' ');
  const script = [
    `d=${dir}; [ -d $d ] || { echo "VPCHECK-OUTAGE-MISSING"; exit 0; }`,
    // Stopped first, then the clock read: no reply can come after the window's end.
    'for p in $d/*.pid; do kill -INT "$(cat "$p")" 2>/dev/null; done',
    'e=$(date +%s.%N)',
    'for i in $(seq 20); do n=0; for f in $d/*.out; do grep -q "packets transmitted" "$f" || n=1; done; [ $n = 0 ] && break; sleep 0.05; done',
    `for f in $d/*.out; do id=$(basename "$f" .out); s=$(cat $d/$id.start); ${summarize}; done`,
    'rm -rf $d',
  ].join('; ');
  return `bash -c ${shellQuote(script)}`;
}

/** The targets that answered before the change began (the start command's output). */
export function parseOutageStart(output: string): Set<string> {
  return new Set(output.split(/\r?\n/).flatMap((l) => /^VPCHECK-OUTAGE-UP (\S+)\s*$/.exec(l.trim())?.[1] ?? []));
}

/** The summary lines of a stop command's output; targets without one are missing from the map. */
export function parseOutage(output: string): Map<string, OutageReading> {
  const readings = new Map<string, OutageReading>();
  for (const line of output.split(/\r?\n/)) {
    const m = /^VPCHECK-OUTAGE (\S+) (\d+) (\d+) (\d+) (\d+|-) (\d+|-)\s*$/.exec(line.trim());
    if (!m) continue;
    const [, id, sent, received, gap, first, last] = m;
    readings.set(id!, {
      id: id!,
      sent: Number(sent),
      received: Number(received),
      longestGapMs: Number(gap),
      ...(first !== '-' && { firstReplyMs: Number(first) }),
      ...(last !== '-' && { sinceLastReplyMs: Number(last) }),
    });
  }
  return readings;
}
