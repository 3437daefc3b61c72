// The mtu probe: one ping of `size` payload bytes with Don't Fragment set (iputils `ping -M do`),
// beside a small one to the same address in the same command. A reply passes; the sender's own
// MTU refuses it before it leaves ("ping: local error: message too long, mtu=1400"); silence is a
// timeout, a verdict only when the small ping was answered (else the path, not the size, is what
// failed: `error`). When the size does not pass and the small ping does, the command bisects
// between them for the largest payload that passes (ceil(log2(size - 56)) steps: 11 for 1472;
// one when the sender's own MTU refused it), so a report can say "largest passing 1372".
import { classifyPing } from './classify.ts';
import type { Reply } from './parse.ts';
import type { Observation, ProbeSettings } from './types.ts';

/** ping's default payload: the small Don't-Fragment ping every MTU verdict rests on. */
export const MTU_CONTROL_PAYLOAD = 56;
/** The largest ICMP payload of an IPv4 packet (65535 - 20 - 8). */
export const MAX_PAYLOAD = 65507;

export const controlId = (id: string): string => `${id}:ctl`;
export const bisectId = (id: string): string => `${id}:bisect`;

const MESSAGE_TOO_LONG = /[Mm]essage too long(?:, mtu=(\d+))?/;
const NO_DF = /invalid option -- '?M'?|unrecognized option/;

export function mtuPing(ip: string, size: number | string, settings: Pick<ProbeSettings, 'waitSec'>): string {
  return `ping -n -M do -c 1 -W ${settings.waitSec} -s ${size} ${ip}`;
}

/**
 * A bisection step: two echo requests 0.2 s apart (an interval iputils lets users who are not
 * root set in every version: older ones refused less than 200 ms, 20221126 less than 2 ms),
 * passing on either reply, so one lost packet does not lower the result (seen on the lab: a
 * step at 764 bytes lost while other VMs' 10 MB transfers crossed the userspace datapath).
 */
function stepPing(ip: string, size: string, settings: Pick<ProbeSettings, 'waitSec'>): string {
  return `ping -n -M do -c 2 -i 0.2 -W ${settings.waitSec} -s ${size} ${ip}`;
}

/**
 * The fan-out's shell function `m <id> <ip> <size>`. It prints, through the fan-out's `e`, the
 * small ping under <id>:ctl, the bisection's tries under <id>:bisect ("tried 764+ 1118+ 1295+
 * 1383- ...": each size and whether it passed), and the sized ping under <id>, last.
 */
export function mtuFunction(settings: Pick<ProbeSettings, 'waitSec'>): string {
  const ping = (size: string) => mtuPing('"$2"', size, settings);
  return [
    // The control first: it also resolves the neighbour, which the sized ping then need not wait for.
    `m(){ local c k o r lo hi t x; c=$(${ping(String(MTU_CONTROL_PAYLOAD))} 2>&1); k=$?; e "$1:ctl" $k "$c"`,
    `o=$(${ping('$3')} 2>&1); r=$?`,
    `if [ $r != 0 ] && [ $k = 0 ]; then lo=${MTU_CONTROL_PAYLOAD}; hi=$3; t=tried`,
    // A local refusal names the sender's MTU: its largest payload (MTU - 20 - 8) goes first, and
    // when it passes, one more byte is refused locally for sure: one step instead of eleven.
    `case $o in *mtu=[0-9]*) x=\${o##*mtu=}; x=$((\${x%%[!0-9]*} - 28)); if [ $x -gt $lo ] && [ $x -lt $hi ]; then if ${stepPing('"$2"', '$x', settings)} >/dev/null 2>&1; then lo=$x; hi=$((x+1)); t="$t $x+"; else hi=$x; t="$t $x-"; fi; fi;; esac`,
    `while [ $((hi-lo)) -gt 1 ]; do x=$(((lo+hi)/2)); if ${stepPing('"$2"', '$x', settings)} >/dev/null 2>&1; then lo=$x; t="$t $x+"; else hi=$x; t="$t $x-"; fi; done; e "$1:bisect" 0 "$t"; fi`,
    `e "$1" $r "$o"; }`,
  ].join('; ');
}

/** Longest time the mtu probe of one destination takes: the control, the sized ping, the bisection. */
export function mtuDurationSec(size: number, settings: Pick<ProbeSettings, 'waitSec'>): number {
  // The bisection, plus the step at the sender's own MTU.
  const steps = Math.ceil(Math.log2(Math.max(2, size - MTU_CONTROL_PAYLOAD))) + 1;
  return 2 * settings.waitSec + steps * (settings.waitSec + 0.2);
}

/** One ping's outcome, with a local "message too long" told from silence. */
function classifyDfPing(exitCode: number, raw: string): Observation {
  // busybox's ping: "ping: invalid option -- 'M'".
  if (NO_DF.test(raw)) return { outcome: 'error', note: "this ping cannot set Don't Fragment (-M do): the mtu probe needs iputils ping", raw };
  const tooLong = MESSAGE_TOO_LONG.exec(raw);
  if (tooLong) return { outcome: 'message-too-long', loss: 100, note: tooLong[1] ? `the sender's MTU is ${tooLong[1]}` : 'refused by the sender: message too long', raw };
  return classifyPing(exitCode, raw);
}

/** The largest size the bisection saw pass, the control's when none did. */
export function largestPassing(bisect: Reply | undefined): number | undefined {
  const line = bisect?.lines.join(' ') ?? '';
  if (bisect?.exitCode === undefined || !/^tried\b/.test(line)) return undefined;
  const passed = [...line.matchAll(/(\d+)\+/g)].map((m) => Number(m[1]));
  return Math.max(MTU_CONTROL_PAYLOAD, ...passed);
}

/** One mtu destination's observation from its three replies (`main` is the sized ping's). */
export function classifyMtu(main: Reply, control: Reply | undefined, bisect: Reply | undefined): Observation {
  const sized = classifyDfPing(main.exitCode ?? -1, main.lines.join('\n'));
  const small = control?.exitCode === undefined ? undefined : classifyDfPing(control.exitCode, control.lines.join('\n'));
  const raw = [
    ...main.lines,
    ...(control ? [`-- the ${MTU_CONTROL_PAYLOAD}-byte control ping:`, ...control.lines] : []),
    ...(bisect ? [`-- bisection: ${bisect.lines.join(' ')}`] : []),
  ].join('\n');
  const observed: Observation = { ...sized, raw, ...(small && { control: small.outcome }) };
  if (sized.outcome === 'reachable' || sized.outcome === 'error' || sized.outcome === 'network-unreachable') return observed;
  // The sender's own refusal is decided before anything leaves it: a verdict whatever the path.
  if (sized.outcome === 'message-too-long') {
    const largest = small?.outcome === 'reachable' ? largestPassing(bisect) : undefined;
    return { ...observed, ...(largest !== undefined && { largestPayload: largest }) };
  }
  if (!small) return { outcome: 'error', note: 'the small control ping printed no result', raw };
  if (small.outcome !== 'reachable') {
    // Silence of even the small ping says the path failed, not the size: the cell observes what
    // the path did, and the judge takes it only where the model expects the path itself to fail.
    if (small.outcome === 'message-too-long' || small.outcome === 'error') return { outcome: 'error', control: small.outcome, note: `the ${MTU_CONTROL_PAYLOAD}-byte control ping got ${small.outcome}: not a size verdict`, raw };
    return { outcome: small.outcome, control: small.outcome, note: `the ${MTU_CONTROL_PAYLOAD}-byte control ping got ${small.outcome} too: the path failed, not only this size`, raw };
  }
  const largest = largestPassing(bisect);
  return { ...observed, ...(largest !== undefined && { largestPayload: largest }) };
}
