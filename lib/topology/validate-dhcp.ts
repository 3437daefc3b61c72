// DHCP and bindings (Harvester v1.7/v1.8): option strings OVN would not take are errors; what the
// platform accepts but leaves a guest without an address, with a doubled route step or with an
// MTU the overlay cannot carry is a warning.
import { contains, isIPv4, isPrefix, parseIPv4, parsePrefix } from '../net/ipv4.ts';
import { MTU_RANGE, OVERLAY_MTU, parseDhcpV4Options } from './dhcp.ts';
import type { SpecSource } from './normalize.ts';
import type { Report } from './validate.ts';

export function validateDhcp(src: SpecSource, report: Report): void {
  const { spec, at, raw } = src;
  spec.subnets.forEach((s, i) => {
    let optionMtu: { value: number; offset: number } | undefined;
    if (s.dhcpV4Options !== undefined) {
      const path = at('subnets', i, 'dhcpV4Options');
      const parsed = parseDhcpV4Options(s.dhcpV4Options);
      if (!parsed.ok) {
        report('error', path, parsed.message, parsed.offset);
      } else {
        const router = parsed.options.find((o) => o.key === 'router');
        if (router && router.value !== s.gateway && isPrefix(s.cidrBlock)) {
          const where = contains(parsePrefix(s.cidrBlock), parseIPv4(router.value)) ? `not the gateway ${s.gateway}` : `outside ${s.cidrBlock}`;
          report('warning', path, `router=${router.value} is ${where}: DHCP guests take it as their default route, and it forwards only if something there routes`, router.offset);
        }
        const mtu = parsed.options.find((o) => o.key === 'mtu');
        if (mtu) optionMtu = { value: Number(mtu.value), offset: mtu.offset };
      }
    }
    if (s.mtu !== undefined && (s.mtu < MTU_RANGE[0] || s.mtu > MTU_RANGE[1])) {
      report('error', at('subnets', i, 'mtu'), `mtu ${s.mtu} is outside ${MTU_RANGE[0]}-${MTU_RANGE[1]}, the range of OVN's DHCP option mtu`);
    }
    const mtu = optionMtu ?? (s.mtu !== undefined ? { value: s.mtu, offset: undefined } : undefined);
    if (mtu && mtu.value > OVERLAY_MTU && mtu.value <= MTU_RANGE[1]) {
      const path = optionMtu ? at('subnets', i, 'dhcpV4Options') : at('subnets', i, 'mtu');
      report('warning', path, `MTU ${mtu.value} is larger than a Geneve overlay carries on a 1500-byte node network (Kube-OVN uses 1500 - 100 = ${OVERLAY_MTU}); guests would send packets the tunnel drops`, mtu.offset);
    }
    // mtu acts without DHCP too: kube-ovn-cni sets it on the pod's interface, whose MTU KubeVirt
    // passes on to the guest's NIC (and the model's overlay MTU is the subnet's).
    if (!s.enableDHCP && s.dhcpV4Options !== undefined && s.dhcpV4Options !== '') {
      report('warning', at('subnets', i, 'dhcpV4Options'), `dhcpV4Options has no effect: subnet ${s.name} has enableDHCP false, so no DHCP answers its ports`);
    }
  });

  spec.vms.forEach((vm, i) => {
    const subnet = spec.subnets.find((s) => s.provider === vm.network);
    if (!subnet || vm.binding !== 'managedtap') return;
    if (!subnet.enableDHCP) {
      report('warning', at('vms', i, 'binding'), `VM ${vm.name} will have no address at all: binding managedtap leaves addressing to the guest's DHCP client and subnet ${subnet.name} has enableDHCP false (Harvester v1.7 documents enableDHCP with managedtap; v1.8 sets managedtap only on DHCP subnets)`);
    } else if (raw.vms[i]!.defaultRoute !== undefined && raw.vms[i]!.defaultRoute !== false) {
      const gw = subnet.dhcpV4Options && parseDhcpV4Options(subnet.dhcpV4Options);
      const router = gw && gw.ok ? gw.options.find((o) => o.key === 'router')?.value : undefined;
      report('warning', at('vms', i, 'defaultRoute'), `VM ${vm.name} already gets its default route from DHCP (binding managedtap, subnet ${subnet.name} enableDHCP: router ${router && isIPv4(router) ? router : subnet.gateway}); the route step is the v1.6 workaround for binding bridge and is redundant here`);
    }
  });
}
