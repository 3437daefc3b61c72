// Fan-out output -> one observation per destination.
import { classifyBulk } from './bulk.ts';
import { classifyFping, classifyPing, classifyTcp } from './classify.ts';
import { FPING_ID } from './fanout.ts';
import { bisectId, classifyMtu, controlId } from './mtu.ts';
import type { Destination, Observation } from './types.ts';

/** The lines one tagged command printed, and its exit status once it finished. */
export interface Reply {
  lines: string[];
  exitCode?: number;
}

const OUTPUT_LINE = /^VPCHECK\+ (\S+) ?(.*)$/;
const STATUS_LINE = /^VPCHECK (\S+) (\d+)\s*$/;

/** Groups the tagged lines by id; anything else on the screen is ignored. */
export function readReplies(output: string): Map<string, Reply> {
  const replies = new Map<string, Reply>();
  const of = (id: string): Reply => replies.get(id) ?? replies.set(id, { lines: [] }).get(id)!;
  for (const line of output.split('\n')) {
    const out = OUTPUT_LINE.exec(line);
    if (out) {
      of(out[1]!).lines.push(out[2]!);
      continue;
    }
    const status = STATUS_LINE.exec(line);
    if (status) of(status[1]!).exitCode = Number(status[2]);
  }
  return replies;
}

export function parseFanout(output: string, destinations: readonly Destination[]): Map<string, Observation> {
  const replies = readReplies(output);
  const fping = replies.get(FPING_ID);
  const result = new Map<string, Observation>();
  for (const d of destinations) {
    const reply = d.probe === 'icmp' && fping ? fping : replies.get(d.id);
    if (reply?.exitCode === undefined) {
      const raw = reply ? reply.lines.join('\n') : output.slice(-2000);
      result.set(d.id, { outcome: 'error', note: 'the probe printed no result line', raw });
      continue;
    }
    result.set(d.id, observe(d, reply, reply.exitCode, replies, reply === fping));
  }
  return result;
}

function observe(d: Destination, reply: Reply, exitCode: number, replies: ReadonlyMap<string, Reply>, fping: boolean): Observation {
  const raw = reply.lines.join('\n');
  switch (d.probe) {
    case 'icmp':
      return fping ? classifyFping(exitCode, raw, d.ip) : classifyPing(exitCode, raw);
    case 'tcp':
      return classifyTcp(exitCode, raw);
    case 'mtu':
      return classifyMtu(reply, replies.get(controlId(d.id)), replies.get(bisectId(d.id)));
    case 'bulk':
      return classifyBulk(reply, replies.get(controlId(d.id)), d.size!);
  }
}
