// Copy-paste reproduction of a cell: the exact command to type in the VM's console, and the
// `vpcheck explain` line that shows the model's path for it.
import { INITIAL_PHASE } from '../topology/phases.ts';
import { MEBIBYTE } from '../topology/validate-probes.ts';
import type { ProbeKind } from '../topology/types.ts';
import { shellQuote } from '../sessions/quote.ts';

export function consoleLine(probe: ProbeKind, ip: string, port?: number, size?: number): string {
  switch (probe) {
    case 'icmp':
      return `ping -c 3 -W 1 ${ip}`;
    case 'tcp':
      return `timeout 3 bash -c 'echo > /dev/tcp/${ip}/${port}' && echo open`;
    case 'mtu':
      return `ping -M do -c 3 -W 1 -s ${size} ${ip}`;
    case 'bulk':
      // netcat-openbsd's -N closes the sending half at the end of input, so the echo can finish.
      return `head -c ${size} /dev/zero | timeout 60 nc -N ${ip} ${port} | wc -c`;
  }
}

export function explainLine(file: string, cell: { readonly from: string; readonly to: string; readonly probe: ProbeKind; readonly port?: number; readonly size?: number }, phase: string): string {
  const args = ['vpcheck', 'explain', file, '--from', cell.from, '--to', cell.to];
  if (cell.probe === 'mtu' || cell.probe === 'bulk') args.push('--probe', cell.probe);
  if (cell.port !== undefined) args.push('--port', String(cell.port));
  if (cell.probe === 'mtu' && cell.size !== undefined) args.push('--size', String(cell.size));
  if (cell.probe === 'bulk' && cell.size !== undefined) args.push('--megabytes', String(cell.size / MEBIBYTE));
  if (phase !== INITIAL_PHASE) args.push('--phase', phase);
  return args.map(shellQuote).join(' ');
}
