// Pure plans of what the lab builds outside OVN: one namespace per VM, and the run's node and
// upstream namespaces that stand in for Kube-OVN's node gateway and the internet.
import type { TopologySpec } from '../../topology/types.ts';
import { DEFAULT_VPC, NODE_NAME } from '../../topology/types.ts';
import { OVERLAY_MTU } from '../../topology/dhcp.ts';
import type { Addressed } from '../../topology/addresses.ts';
import { parsePrefix } from '../../net/ipv4.ts';
import { JOIN_GATEWAY, NODE_UPLINK, type RunNames } from './names.ts';
import type { Command, Row } from './rows.ts';

export interface VmPlan {
  readonly name: string;
  readonly namespace: string;
  readonly hostIf: string;
  readonly lsp: string;
  readonly mac: string;
  readonly ip: string;
  readonly prefixLength: number;
  readonly gateway: string;
  readonly subnet: string;
  readonly vpc: string;
  readonly listen: readonly number[];
  /** The guest's NIC on its subnet. */
  readonly nic: string;
  /** The node it runs on; on a multi-node run, the chassis its port is bound on. */
  readonly node: string;
  /** The guest NIC's MTU: its own, else what the overlay hands out (Kube-OVN: 1500 - 100 for Geneve). */
  readonly mtu: number;
  /** managedtap: the guest boots without an address and runs a DHCP client (dhcp.ts). */
  readonly dhcpClient: boolean;
  /**
   * The client gets an answer (its subnet has enableDHCP). Part of the plan, so a change restarts
   * the guest: the guest state the model gives is that of a boot (a running guest would keep its
   * lease until it expires). Always false for bridge guests, which a DHCP change leaves alone.
   */
  readonly dhcpServer: boolean;
}

export function vmPlans(names: RunNames, addresses: ReadonlyMap<string, Addressed>, nicOf: (vm: string) => string): VmPlan[] {
  return [...addresses.values()].map(({ vm, subnet, ip }) => ({
    name: vm.name,
    namespace: names.vmNamespace(vm.name),
    hostIf: names.hostIf('vm', vm.name),
    lsp: names.vmLsp(vm.name),
    mac: names.mac('vm', vm.name),
    ip,
    prefixLength: parsePrefix(subnet.cidrBlock).length,
    gateway: subnet.gateway,
    subnet: subnet.name,
    vpc: subnet.vpc,
    listen: vm.listen.map((l) => l.port),
    nic: nicOf(vm.name),
    node: vm.node ?? NODE_NAME,
    mtu: vm.mtu ?? subnet.mtu ?? OVERLAY_MTU,
    dhcpClient: vm.binding === 'managedtap',
    dhcpServer: vm.binding === 'managedtap' && subnet.enableDHCP,
  }));
}

/**
 * A VM as booted from a cloud image: with binding bridge, the address KubeVirt's DHCP serves, the
 * on-link route and no default route; with managedtap, no address until its DHCP client has one.
 */
export function vmScript(vm: VmPlan): Command[] {
  return [
    ['ip', 'link', 'set', 'lo', 'up'],
    ...(vm.dhcpClient ? [] : [['ip', 'addr', 'add', `${vm.ip}/${vm.prefixLength}`, 'dev', vm.nic]]),
    ['ip', 'link', 'set', vm.nic, 'mtu', String(vm.mtu)],
    ['ip', 'link', 'set', vm.nic, 'up'],
    // The userspace datapath does not fill in offloaded checksums: without this every TCP
    // segment (RSTs included) is dropped and an open port looks like a timeout.
    ['ethtool', '-K', vm.nic, 'tx', 'off'],
  ];
}

/** Node namespace state that follows the topology: routes back into ovn-cluster, natOutgoing. */
export function nodeRows(spec: TopologySpec): Row[] {
  return spec.subnets.filter((s) => s.vpc === DEFAULT_VPC).flatMap((s): Row[] => {
    const route: Row = {
      id: `route:${s.cidrBlock}`, parents: [],
      create: [['ip', 'route', 'replace', s.cidrBlock, 'via', JOIN_GATEWAY]],
      remove: [['ip', 'route', 'del', s.cidrBlock, 'via', JOIN_GATEWAY]],
    };
    // pkg/daemon/gateway_linux.go: natOutgoing subnets are masqueraded towards the uplink
    // (Kube-OVN matches an ipset; one rule per CIDR is the same thing for a handful of subnets).
    const nat = ['-t', 'nat', 'POSTROUTING', '-s', s.cidrBlock, '-o', NODE_UPLINK, '-j', 'MASQUERADE'];
    const masquerade: Row = {
      id: `nat:${s.cidrBlock}`, parents: [],
      create: [['iptables', '-w', ...nat.slice(0, 2), '-A', ...nat.slice(2)]],
      remove: [['iptables', '-w', ...nat.slice(0, 2), '-D', ...nat.slice(2)]],
    };
    return s.natOutgoing ? [route, masquerade] : [route];
  });
}
