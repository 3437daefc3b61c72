// The guest's own view of its network in one line, for every report: "10.0.1.5/24 on enp1s0
// mtu 1400, default via 10.0.1.1", so a failing cell shows what the VM itself had next to what
// the model predicted.
import type { GuestViewInterface, GuestViewRoute, GuestView } from '../probes/guest.ts';
import type { CellResult, PhaseResult } from '../run/result.ts';

function interfaceText(i: GuestViewInterface): string {
  const addresses = i.addresses.map((a) => `${a.cidr}${a.lease ? ` (dhcp, lease ${a.lease.remainingSec} s left)` : ''}`);
  return `${addresses.join(', ') || 'no address'} on ${i.name} mtu ${i.mtu}${i.state === 'DOWN' ? ' (down)' : ''}`;
}

function routeText(r: GuestViewRoute, devs: number): string {
  const via = r.gateway ? ` via ${r.gateway}` : '';
  // The device says something only where the guest has more than one to choose from.
  const dev = r.dev && (devs > 1 || !r.gateway) ? ` dev ${r.dev}` : '';
  return `${r.dst}${via}${dev}${r.protocol === 'dhcp' ? ' (dhcp)' : ''}`;
}

export function guestText(state: GuestView): string {
  if (state.status === 'unavailable') return `unavailable: ${state.reason}`;
  const interfaces = state.interfaces.map(interfaceText);
  // The kernel's connected routes only repeat the addresses.
  const routes = state.routes.filter((r) => r.protocol !== 'kernel');
  const defaults = routes.filter((r) => r.dst === 'default');
  const others = routes.filter((r) => r.dst !== 'default');
  const devs = state.interfaces.length;
  return [
    ...(interfaces.length ? interfaces : ['no interface besides loopback']),
    ...(defaults.length ? defaults.map((r) => routeText(r, devs)) : ['no default route']),
    ...others.map((r) => routeText(r, devs)),
  ].join(', ');
}

export interface CellGuest {
  readonly vm: string;
  readonly view: string;
  /** Where the view departs from the model's state of the VM. */
  readonly departures: readonly string[];
}

/** The guest views of a cell's ends that are VMs with a control in the phase: source first. */
export function cellGuests(phase: PhaseResult, cell: Pick<CellResult, 'from' | 'to'>): CellGuest[] {
  return [...new Set([cell.from, cell.to])].flatMap((vm) => {
    const control = phase.controls.find((c) => c.vm === vm);
    return control?.guest ? [{ vm, view: guestText(control.guest), departures: control.departures ?? [] }] : [];
  });
}

/** A cell end's view for one line of text: the view, then what departs from the model. */
export function cellGuestLines(g: CellGuest): string[] {
  return [`${g.vm} guest: ${g.view}`, ...g.departures.map((d) => `  departs from the model: ${d}`)];
}
