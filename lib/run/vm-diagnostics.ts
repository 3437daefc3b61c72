// Evidence from inside the VM for a cell that differs from the model: the route its kernel picks
// for the destination, and its whole table. Read over the run's own session, so it is the same on
// every target and transport (on a cluster, the VM's console may be all vpcheck is granted).
import type { Session } from '../sessions/session.ts';
import type { Evidence } from '../targets/target.ts';

const TIMEOUT_MS = 10_000;

export async function vmDiagnostics(session: Session, toIp: string): Promise<Evidence[]> {
  const items: [title: string, command: string][] = [
    [`route ${session.vm} picks for ${toIp}`, `ip route get ${toIp}`],
    [`ip route in ${session.vm}`, 'ip route'],
  ];
  const out: Evidence[] = [];
  // One after the other: a session runs one command at a time anyway.
  for (const [title, command] of items) {
    const output = await session.run(`${command} 2>&1`, { timeoutMs: TIMEOUT_MS }).then(
      (r) => r.output,
      (e: Error) => `could not run it: ${e.message}`,
    );
    out.push({ title, command, output });
  }
  return out;
}
