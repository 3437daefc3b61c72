// The docs' default-route step, verbatim: "ip route add default via <gateway> dev enp1s0", run
// only when the VM has no default route yet (cloud-init may have set one), through sudo when the
// console user is not root.
import type { CommandResult, Session } from '../sessions/session.ts';

export type DefaultRouteStatus = 'present' | 'added' | 'failed';

export interface DefaultRouteResult {
  readonly status: DefaultRouteStatus;
  /** What the VM printed: the route that was there, or why adding failed. */
  readonly output: string;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const NIC = /^[A-Za-z0-9_.-]{1,15}$/;

export function defaultRouteCommand(gateway: string, nic = 'enp1s0'): string {
  if (!IPV4.test(gateway)) throw new Error(`gateway "${gateway}" is not an IPv4 address`);
  if (!NIC.test(nic)) throw new Error(`"${nic}" is not an interface name`);
  return 'S=; [ "$(id -u)" = 0 ] || S="sudo -n"; ' +
    'if ip -4 route show default | grep .; then echo VPCHECK-ROUTE present; ' +
    `elif $S ip route add default via ${gateway} dev ${nic}; then echo VPCHECK-ROUTE added; ` +
    'else echo VPCHECK-ROUTE failed; fi';
}

export function parseDefaultRoute(result: CommandResult): DefaultRouteResult {
  const status = /^VPCHECK-ROUTE (present|added|failed)\s*$/m.exec(result.output)?.[1] as DefaultRouteStatus | undefined;
  const output = result.output.replace(/^VPCHECK-ROUTE .*\n?/m, '').trim();
  return { status: status ?? 'failed', output: status ? output : `unexpected output (exit ${result.exitCode}): ${output}` };
}

/** Runs the step on a VM's session; a SessionError propagates (the VM's cells become `error`). */
export async function addDefaultRoute(session: Session, gateway: string, nic?: string): Promise<DefaultRouteResult> {
  return parseDefaultRoute(await session.run(defaultRouteCommand(gateway, nic)));
}
