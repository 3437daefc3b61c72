// The bulk probe: `size` bytes through the destination's TCP echo service (a `listen:` port; the
// lab's is socat ... EXEC:cat) and back, counting what returns, with the clock read around it.
// bash's /dev/tcp carries it, as it does the tcp probe, so it needs no nc of a particular flavour:
// one background `head` writes while another reads exactly `size` bytes back; wc counts them
// outside timeout(1), which ends a stalled transfer (and kills its whole process group), so a
// stall still tells how many bytes came back. A small transfer of CONTROL_BYTES runs first in the
// same command: a stall counts only beside that control (the service answered small segments).
import { NOT_FOUND } from './classify.ts';
import type { Reply } from './parse.ts';
import type { Observation, ProbeSettings } from './types.ts';

/** The control's transfer: one small segment each way. */
export const CONTROL_BYTES = 64;
// timeout(1) exits 124 when the command ran out of time.
const TIMED_OUT = 124;
// wc -c prints the count alone on its line (busybox's with leading spaces).
const COUNT = /^[ \t]*(\d+)[ \t]*$/m;
const STATUS = /^status (\d+)$/m;
const CLOCK = /^clock (\d+) (\d+)$/m;
const CONNECTED = /^connected$/m;

/** Seconds a transfer of `size` bytes may take before it counts as stalled. */
export function bulkWaitSec(size: number, settings: Pick<ProbeSettings, 'bulkMinSec' | 'bulkMinBytesPerSec'>): number {
  return Math.max(settings.bulkMinSec, Math.ceil(size / settings.bulkMinBytesPerSec));
}

/**
 * The fan-out's shell function `b <id> <ip> <port> <size> <seconds> <control seconds>`: the
 * control under <id>:ctl, then the transfer under <id>. Each prints "connected" once the connect
 * succeeded, the connect's own errors, wc's count of the bytes back, "status <timeout's exit>"
 * and "clock <start ns> <end ns>" (date +%s%N).
 */
export function bulkFunction(): string {
  const transfer = 'exec 3<>/dev/tcp/$1/$2 || exit 1; echo connected >&2; head -c $3 /dev/zero >&3 & head -c $3 <&3';
  // bt <tag> <ip> <port> <bytes> <seconds>
  const one = `bt(){ local s o t; s=$(date +%s%N); o=$( { timeout $5 bash -c '${transfer}' bulk "$2" "$3" "$4" | wc -c; echo "status \${PIPESTATUS[0]}"; } 2>&1 ); t=$(date +%s%N); e "$1" 0 "$o"$'\\n'"clock $s $t"; }`;
  return `${one}; b(){ bt "$1:ctl" "$2" "$3" ${CONTROL_BYTES} $6; bt "$1" "$2" "$3" "$4" "$5"; }`;
}

/** One transfer's outcome from its reply; the connect's failures read as the tcp probe reads them. */
export function classifyTransfer(reply: Reply, size: number): Observation {
  const raw = reply.lines.join('\n');
  const count = COUNT.exec(raw);
  const status = STATUS.exec(raw);
  if (NOT_FOUND.test(raw) || status?.[1] === '127') return { outcome: 'error', note: 'no bulk probe tool (bash, timeout, head and wc are needed)', raw };
  if (!count || !status) return { outcome: 'error', note: 'the transfer printed no byte count', raw };
  const bytes = Number(count[1]);
  const exit = Number(status[1]);
  // date +%s%N is GNU coreutils'; a date without %N prints no digits there and the time is left out.
  const clock = CLOCK.exec(raw);
  const measured = { bytes, ...(clock && { transferMs: Math.round((Number(clock[2]) - Number(clock[1])) / 1e6) }) };
  if (bytes === size) return { outcome: 'reachable', ...measured, raw };
  if (/Connection refused/.test(raw)) return { outcome: 'refused', ...measured, raw };
  if (/Network is unreachable/.test(raw)) return { outcome: 'network-unreachable', ...measured, raw };
  // ARP got no answer: nobody replied, like a timeout.
  if (/No route to host/.test(raw)) return { outcome: 'timeout', note: 'No route to host', ...measured, raw };
  if (exit === TIMED_OUT) {
    const note = CONNECTED.test(raw) ? `connected; ${bytes} of ${size} bytes came back within the time limit` : 'the connect got no answer within the time limit';
    return { outcome: 'timeout', note, ...measured, raw };
  }
  return { outcome: 'error', note: `${bytes} of ${size} bytes came back and the connection closed (exit ${exit}): is the port an echo service?`, ...measured, raw };
}

/** One bulk destination's observation from its two replies: a stall needs the control's answer beside it. */
export function classifyBulk(main: Reply, control: Reply | undefined, size: number): Observation {
  const big = classifyTransfer(main, size);
  const small = control?.exitCode === undefined ? undefined : classifyTransfer(control, CONTROL_BYTES);
  const raw = [...main.lines, ...(control ? [`-- the ${CONTROL_BYTES}-byte control transfer:`, ...control.lines] : [])].join('\n');
  const observed: Observation = { ...big, raw, ...(small && { control: small.outcome }) };
  if (big.outcome !== 'timeout' || small?.outcome === 'reachable') return observed;
  if (!small || small.outcome === 'error') return { ...observed, outcome: 'error', note: `observed timeout, but the ${CONTROL_BYTES}-byte control transfer ${small ? `failed (${small.note ?? 'error'})` : 'printed no result'}: not a volume verdict` };
  // The small transfer failed too: the path failed, not the volume; the judge takes it only where
  // the model expects the path itself to fail.
  return { ...observed, outcome: small.outcome, note: `the ${CONTROL_BYTES}-byte control transfer got ${small.outcome}${small.note ? ` (${small.note})` : ''} too: the path failed, not only this volume` };
}
