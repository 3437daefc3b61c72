// One shell command per source VM that probes all its destinations at once, inside the VM, and
// prints plain ASCII lines a console carries intact:
//   VPCHECK+ <id> <line of the tool's output>     (zero or more, in order)
//   VPCHECK <id> <exit status>                    (last)
// Parallel probes interleave their lines; the id on each line keeps them apart. With fping, one
// process probes every ICMP destination and its lines carry the id @fping. The mtu and bulk
// probes (mtu.ts, bulk.ts) print their small controls under <id>:ctl besides.
import { shellQuote } from '../sessions/quote.ts';
import { bulkFunction, bulkWaitSec } from './bulk.ts';
import { MAX_PAYLOAD, MTU_CONTROL_PAYLOAD, mtuDurationSec, mtuFunction } from './mtu.ts';
import { DEFAULT_SETTINGS, STOCK_TOOLS, type Destination, type ProbeSettings, type Tools } from './types.ts';

export const FPING_ID = '@fping';
const ID = /^[A-Za-z0-9._:-]+$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Whether this fan-out sends its ICMP probes through one fping. */
export function usesFping(destinations: readonly Destination[], tools: Tools, settings: ProbeSettings): boolean {
  return tools.fping && destinations.filter((d) => d.probe === 'icmp').length >= settings.fpingFrom;
}

/** Longest time the command can run, for the session's command timeout. */
export function fanoutDurationSec(settings: ProbeSettings, destinations: readonly Destination[] = []): number {
  const mtu = destinations.map((d) => (d.probe === 'mtu' ? mtuDurationSec(d.size!, settings) : 0));
  // The bulk transfers run after the rest (see buildFanout), each after its control.
  const bulk = destinations.map((d) => (d.probe === 'bulk' ? settings.tcpWaitSec + bulkWaitSec(d.size!, settings) : 0));
  // ARP failure ("No route to host") takes about 3 s whatever the probe's own limit.
  return Math.ceil(Math.max(settings.count * settings.waitSec, settings.tcpWaitSec, 3, ...mtu) + Math.max(0, ...bulk)) + 1;
}

export function pingCommand(ip: string, settings: ProbeSettings): string {
  return `ping -n -c ${settings.count}${settings.count > 1 ? ' -i 0.2' : ''} -W ${settings.waitSec} ${ip}`;
}

export function buildFanout(destinations: readonly Destination[], tools: Tools = STOCK_TOOLS, settings: ProbeSettings = DEFAULT_SETTINGS): string {
  for (const d of destinations) validate(d);
  const fping = usesFping(destinations, tools, settings);
  const icmp = destinations.filter((d) => d.probe === 'icmp');
  const tcp = destinations.filter((d) => d.probe === 'tcp');
  const mtu = destinations.filter((d) => d.probe === 'mtu');
  const bulk = destinations.filter((d) => d.probe === 'bulk');
  const defs = [
    // Every line of $3 tagged with the id, written at once; then the status line.
    `e(){ if [ -n "$3" ]; then mapfile -t L <<<"$3"; printf "VPCHECK+ $1 %s\\n" "\${L[@]}"; fi; printf 'VPCHECK %s %s\\n' "$1" "$2"; }`,
  ];
  const jobs: string[] = [];
  const after: string[] = [];
  if (icmp.length && fping) {
    const ips = [...new Set(icmp.map((d) => d.ip))];
    defs.push(`f(){ o=$(fping -e -r ${settings.count - 1} -t ${settings.waitSec * 1000} -i 1 "$@" 2>&1); e ${FPING_ID} $? "$o"; }`);
    jobs.push(`f ${ips.join(' ')}`);
  } else if (icmp.length) {
    defs.push(`i(){ o=$(${pingCommand('"$2"', settings)} 2>&1); e "$1" $? "$o"; }`);
    jobs.push(...icmp.map((d) => `i ${d.id} ${d.ip}`));
  }
  if (tcp.length) {
    defs.push(`t(){ ${tcpProbe(tools, settings.tcpWaitSec)} }`);
    jobs.push(...tcp.map((d) => `t ${d.id} ${d.ip} ${d.port}`));
  }
  if (mtu.length) {
    defs.push(mtuFunction(settings));
    jobs.push(...mtu.map((d) => `m ${d.id} ${d.ip} ${d.size}`));
  }
  if (bulk.length) {
    defs.push(bulkFunction());
    after.push(...bulk.map((d) => `b ${d.id} ${d.ip} ${d.port} ${d.size} ${bulkWaitSec(d.size!, settings)} ${settings.tcpWaitSec}`));
  }
  // Bulk transfers start once the other probes are done: their traffic would cost those packets.
  const stage = (js: readonly string[]) => (js.length ? ` ${js.map((j) => `${j} &`).join(' ')} wait;` : '');
  const script = `export LC_ALL=C; ${defs.join('; ')};${stage(jobs)}${stage(after)}`.replace(/;$/, '');
  // bash, not the login shell: /dev/tcp and mapfile are bash's, and background jobs of a
  // non-interactive shell print no job messages.
  return `bash -c ${shellQuote(script)}`;
}

function tcpProbe(tools: Tools, waitSec: number): string {
  if (tools.timeout) return `o=$(timeout ${waitSec} bash -c 'exec 3<>/dev/tcp/$0/$1' "$2" "$3" 2>&1); e "$1" $? "$o";`;
  if (tools.nc) return `o=$(nc -z -v -w ${waitSec} "$2" "$3" 2>&1); e "$1" $? "$o";`;
  return `e "$1" 127 "vpcheck: no tcp probe tool: neither timeout nor nc is installed";`;
}

function validate(d: Destination): void {
  if (!ID.test(d.id)) throw new Error(`probe id "${d.id}" may hold only letters, digits and . _ : -`);
  if (!IPV4.test(d.ip)) throw new Error(`probe ${d.id}: "${d.ip}" is not an IPv4 address`);
  if ((d.probe === 'tcp' || d.probe === 'bulk') && !(Number.isInteger(d.port) && d.port! > 0 && d.port! < 65536)) throw new Error(`probe ${d.id}: ${d.probe} needs a port`);
  if (d.probe === 'mtu' && !(Number.isInteger(d.size) && d.size! > MTU_CONTROL_PAYLOAD && d.size! <= MAX_PAYLOAD)) {
    throw new Error(`probe ${d.id}: mtu needs a payload size above the ${MTU_CONTROL_PAYLOAD}-byte control and at most ${MAX_PAYLOAD}`);
  }
  if (d.probe === 'bulk' && !(Number.isInteger(d.size) && d.size! > 0)) throw new Error(`probe ${d.id}: bulk needs a size in bytes`);
}
