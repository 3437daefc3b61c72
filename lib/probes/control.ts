// The positive control run before a VM's probes: the VM answers on its session (with a fresh
// nonce, so stale console output cannot pass for an answer), lists its probe tools and, when the
// model says it should, gets a reply from its own gateway. A VM whose control fails has all its
// cells `error`: we could not have seen a real timeout from it.
import { randomBytes } from 'node:crypto';
import { pingCommand } from './fanout.ts';
import { parseFanout } from './parse.ts';
import { DEFAULT_SETTINGS, type Observation, type Tools } from './types.ts';

const TOOLS = ['ping', 'fping', 'timeout', 'nc'] as const;
// A gateway gets three chances (its first reply may wait for ARP), one ping each, stopping at
// the first reply: a healthy VM pays one round trip, not three ping intervals.
const GATEWAY_TRIES = 3;

export interface Control {
  readonly command: string;
  readonly nonce: string;
  readonly gateway?: string;
}

export interface ControlObservation {
  readonly ok: boolean;
  /** Why the control failed. */
  readonly reason?: string;
  readonly tools: Tools;
  readonly gateway?: Observation;
}

export function buildControl(gateway?: string): Control {
  const nonce = randomBytes(4).toString('hex');
  const ping = gateway ? pingCommand(gateway, DEFAULT_SETTINGS) : '';
  const probe = gateway
    ? `; for n in ${Array.from({ length: GATEWAY_TRIES }, (_, i) => i + 1).join(' ')}; do o=$(${ping} 2>&1); r=$?; [ $r = 0 ] && break; done; ` +
      // POSIX shell builtins only: the login shell may not be bash, and a VM may lack sed.
      `printf '%s\\n' "$o" | while IFS= read -r l; do printf 'VPCHECK+ gateway %s\\n' "$l"; done; printf 'VPCHECK gateway %s\\n' $r`
    : '';
  const command =
    `printf 'VPCHECK-ALIVE %s\\n' ${nonce}; for t in ${TOOLS.join(' ')}; do command -v $t >/dev/null 2>&1 && printf 'VPCHECK-TOOL %s\\n' $t; done${probe}`;
  return { command, nonce, ...(gateway ? { gateway } : {}) };
}

export function parseControl(control: Control, output: string): ControlObservation {
  const has = (tool: string): boolean => new RegExp(`^VPCHECK-TOOL ${tool}\\s*$`, 'm').test(output);
  const tools: Tools = { ping: has('ping'), fping: has('fping'), timeout: has('timeout'), nc: has('nc') };
  if (!new RegExp(`^VPCHECK-ALIVE ${control.nonce}\\s*$`, 'm').test(output)) {
    return { ok: false, reason: 'the VM did not answer the control command', tools };
  }
  if (!control.gateway) return { ok: true, tools };
  const gateway = parseFanout(output, [{ id: 'gateway', ip: control.gateway, probe: 'icmp' }]).get('gateway')!;
  if (gateway.outcome === 'reachable') return { ok: true, tools, gateway };
  const why = gateway.note ?? gateway.outcome;
  return { ok: false, reason: `positive control failed: no reply from gateway ${control.gateway} (${why})`, tools, gateway };
}
