// Where a guest's own view departs from the state the model starts every cell from (its address,
// default route and MTU: lib/model/guest.ts). A cell that fails beside such a departure is
// explained by it, and one that passes beside it passed for another reason than the model's: the
// run says so in both cases rather than leave the user to compare two lines. Pure.
import { formatIPv4 } from '../net/ipv4.ts';
import type { GuestState } from '../model/guest.ts';
import type { GuestView } from '../probes/guest.ts';

/** The VM as the target built it: the address vpcheck gave it and its NIC's name. */
export interface GuestTarget {
  readonly ip: string;
  readonly nic: string;
}

export function guestDepartures(model: GuestState, vm: GuestTarget, view: GuestView | undefined): string[] {
  if (!view || view.status !== 'observed') return [];
  const out: string[] = [];
  const nic = view.interfaces.find((i) => i.name === vm.nic);
  const addresses = nic?.addresses.map((a) => a.cidr.split('/')[0]!) ?? [];
  const has = nic ? (addresses.length ? addresses.join(', ') : 'none') : `no ${vm.nic}`;
  if (model.addressed && !addresses.includes(vm.ip)) out.push(`address: the model has ${vm.ip} on ${vm.nic} (${model.address}); the guest has ${has}`);
  if (!model.addressed && addresses.length) out.push(`address: the model has none (${model.address}); the guest has ${has}`);

  const defaults = view.routes.filter((r) => r.dst === 'default');
  const seen = defaults.length ? defaults.map((r) => `via ${r.gateway ?? '(none)'}${r.dev && r.dev !== vm.nic ? ` dev ${r.dev}` : ''}`).join(', ') : 'none';
  if (model.defaultRoute) {
    const via = formatIPv4(model.defaultRoute.via);
    if (!defaults.some((r) => r.gateway === via && (r.dev === undefined || r.dev === vm.nic))) {
      out.push(`default route: the model has via ${via} (${model.defaultRoute.source}); the guest has ${seen}`);
    }
  } else if (defaults.length) {
    out.push(`default route: the model has none (${model.noRoute ?? 'no route step'}); the guest has ${seen}`);
  }

  if (model.mtu !== undefined && nic && nic.mtu !== model.mtu) out.push(`mtu: the model has ${model.mtu}; the guest's ${vm.nic} has ${nic.mtu}`);
  return out;
}
