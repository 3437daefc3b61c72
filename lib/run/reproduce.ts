// Copy-paste reproduction of a cell: the exact command to type in the VM's console, and the
// `vpcheck explain` line that shows the model's path for it.
import { INITIAL_PHASE } from '../topology/phases.ts';
import type { ProbeKind } from '../topology/types.ts';
import { shellQuote } from '../sessions/quote.ts';

export function consoleLine(probe: ProbeKind, ip: string, port?: number): string {
  return probe === 'icmp'
    ? `ping -c 3 -W 1 ${ip}`
    : `timeout 3 bash -c 'echo > /dev/tcp/${ip}/${port}' && echo open`;
}

export function explainLine(file: string, from: string, to: string, port: number | undefined, phase: string): string {
  const args = ['vpcheck', 'explain', file, '--from', from, '--to', to];
  if (port !== undefined) args.push('--port', String(port));
  if (phase !== INITIAL_PHASE) args.push('--phase', phase);
  return args.map(shellQuote).join(' ');
}
