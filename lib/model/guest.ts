// A VM's own network state before any probe: address, default route and MTU, from its KubeVirt
// binding, its subnet's DHCP and the docs' route step. Every cell starts from it.
// KubeVirt's bridge binding serves the guest its address by KubeVirt's own DHCP but, on a
// secondary network, no default route (harvester/harvester#8847, kubeovn/kube-ovn#4582): the docs'
// "ip route add default" step. With the managedtap binding the guest's DHCP client talks to OVN's
// native DHCP, which answers only on subnets with enableDHCP (lib/topology/dhcp.ts).
import { dhcpV4Of } from '../topology/dhcp.ts';
import type { Subnet, Vm } from '../topology/types.ts';
import { parseIPv4 } from '../net/ipv4.ts';

export interface GuestRoute {
  readonly via: number;
  readonly source: 'route step' | 'DHCP router option';
}

export interface GuestState {
  /** False: the guest holds no address (managedtap on a subnet without DHCP). */
  readonly addressed: boolean;
  /** Where the address comes from, or why there is none; names the mechanism. */
  readonly address: string;
  readonly defaultRoute?: GuestRoute;
  /** Why there is no default route, when there is none. */
  readonly noRoute?: string;
  /** The MTU the guest is given: its own `mtu`, else what DHCP hands out; undefined: it keeps what it booted with. */
  readonly mtu?: number;
}

export function guestStateOf(vm: Vm, subnet: Subnet): GuestState {
  const step: GuestRoute | undefined = vm.defaultRoute ? { via: parseIPv4(vm.defaultRouteVia ?? subnet.gateway), source: 'route step' } : undefined;
  const own = vm.mtu !== undefined ? { mtu: vm.mtu } : {};
  if (vm.binding === 'bridge') {
    return {
      addressed: true,
      address: 'binding bridge: KubeVirt\'s DHCP serves the address',
      ...(step ? { defaultRoute: step } : { noRoute: 'binding bridge does not pass the router option and defaultRoute: false skips the route step' }),
      ...own,
    };
  }
  const dhcp = dhcpV4Of(subnet);
  if (!dhcp) {
    return {
      addressed: false,
      address: `binding managedtap leaves addressing to the guest's DHCP client and subnet ${subnet.name} has enableDHCP false`,
      noRoute: 'it has no address',
    };
  }
  // The route step runs after the lease and finds the route present (lib/probes/default-route.ts).
  return {
    addressed: true,
    address: `binding managedtap: OVN's DHCP on subnet ${subnet.name} leases it`,
    defaultRoute: { via: parseIPv4(dhcp.router), source: 'DHCP router option' },
    mtu: vm.mtu ?? dhcp.mtu,
  };
}
