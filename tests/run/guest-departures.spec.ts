// The guest's own view against the state the model starts a VM's cells from: each way a guest can
// depart (address, default route, MTU) is named with both sides, and a guest that matches, or
// whose view could not be read, departs in nothing.
import { expect, test } from '@playwright/test';
import { parseIPv4 } from '../../lib/net/ipv4.ts';
import type { GuestState } from '../../lib/model/guest.ts';
import type { GuestView } from '../../lib/probes/guest.ts';
import { guestDepartures } from '../../lib/run/guest-departures.ts';

const vm = { ip: '10.0.1.5', nic: 'enp1s0' };
const leased: GuestState = { addressed: true, address: 'binding managedtap: OVN\'s DHCP on subnet s1 leases it', defaultRoute: { via: parseIPv4('10.0.1.1'), source: 'DHCP router option' }, mtu: 1400 };
const bridgeNoRoute: GuestState = { addressed: true, address: 'binding bridge', noRoute: 'binding bridge does not pass the router option' };
const unaddressed: GuestState = { addressed: false, address: 'subnet s1 has enableDHCP false', noRoute: 'it has no address' };

function view(o: { cidrs?: string[]; mtu?: number; defaults?: { gateway: string; dev?: string }[] } = {}): GuestView {
  return {
    status: 'observed',
    interfaces: [{ name: 'enp1s0', mtu: o.mtu ?? 1400, state: 'UP', addresses: (o.cidrs ?? ['10.0.1.5/24']).map((cidr) => ({ cidr })) }],
    routes: [...(o.defaults ?? [{ gateway: '10.0.1.1' }]).map((d) => ({ dst: 'default', gateway: d.gateway, dev: d.dev ?? 'enp1s0', protocol: 'dhcp' })), { dst: '10.0.1.0/24', dev: 'enp1s0', protocol: 'kernel' }],
  };
}

test('a guest that holds what the model says departs in nothing', () => {
  expect(guestDepartures(leased, vm, view())).toEqual([]);
  expect(guestDepartures(bridgeNoRoute, vm, view({ mtu: 1500, defaults: [] }))).toEqual([]);
  expect(guestDepartures(unaddressed, vm, view({ cidrs: [], defaults: [] }))).toEqual([]);
});

test('an unread view is no evidence either way', () => {
  expect(guestDepartures(leased, vm, { status: 'unavailable', reason: 'ip: unknown option -j' })).toEqual([]);
  expect(guestDepartures(leased, vm, undefined)).toEqual([]);
});

test('each departure names the model\'s state, its mechanism and what the guest has', () => {
  expect(guestDepartures(leased, vm, view({ cidrs: [], defaults: [], mtu: 1500 }))).toEqual([
    'address: the model has 10.0.1.5 on enp1s0 (binding managedtap: OVN\'s DHCP on subnet s1 leases it); the guest has none',
    'default route: the model has via 10.0.1.1 (DHCP router option); the guest has none',
    'mtu: the model has 1400; the guest\'s enp1s0 has 1500',
  ]);
  expect(guestDepartures(bridgeNoRoute, vm, view({ mtu: 1500 }))).toEqual(['default route: the model has none (binding bridge does not pass the router option); the guest has via 10.0.1.1']);
  expect(guestDepartures(unaddressed, vm, view({ defaults: [] }))).toEqual(['address: the model has none (subnet s1 has enableDHCP false); the guest has 10.0.1.5']);
});

test('a default route through another gateway or another NIC is not the model\'s', () => {
  expect(guestDepartures(leased, vm, view({ defaults: [{ gateway: '10.0.1.254' }] }))).toEqual(['default route: the model has via 10.0.1.1 (DHCP router option); the guest has via 10.0.1.254']);
  expect(guestDepartures(leased, vm, view({ defaults: [{ gateway: '10.0.1.1', dev: 'eth0' }] }))).toEqual(['default route: the model has via 10.0.1.1 (DHCP router option); the guest has via 10.0.1.1 dev eth0']);
  expect(guestDepartures(leased, { ...vm, nic: 'net1' }, view())).toEqual([
    'address: the model has 10.0.1.5 on net1 (binding managedtap: OVN\'s DHCP on subnet s1 leases it); the guest has no net1',
    'default route: the model has via 10.0.1.1 (DHCP router option); the guest has via 10.0.1.1 dev enp1s0',
  ]);
});
