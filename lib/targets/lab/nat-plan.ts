// Pure plans of the VPC NAT gateways in the lab: each one a namespace standing in for Kube-OVN's
// vpc-nat-gateway pod, with a LAN leg on its subnet's switch (an OVN port with the lanIp) and an
// external leg on the upstream segment holding its primary address and its EIPs, configured with
// the commands Kube-OVN's nat-gateway.sh runs in the pod (kubeovn/kube-ovn v1.15.x
// dist/images/vpcnatgateway/nat-gateway.sh, byte-identical from v1.15.0 to v1.15.24; the image
// Harvester v1.8 runs is vpc-nat-gateway:v1.15.0).
import { contains, firstHost, formatIPv4, lastHost, parseIPv4, parsePrefix } from '../../net/ipv4.ts';
import type { NatGateway, TopologySpec } from '../../topology/types.ts';
import { TargetError } from '../target.ts';
import { NATGW_EXTERNAL_NIC, NATGW_LAN_NIC, NODE_UPLINK_IP, UPSTREAM_IP, type RunNames } from './names.ts';
import type { Command } from './rows.ts';

export interface NatGatewayPlan {
  readonly name: string;
  readonly namespace: string;
  /** br-int's end of the LAN leg's veth. */
  readonly hostIf: string;
  readonly lsp: string;
  readonly lanMac: string;
  readonly lanIp: string;
  readonly lanPrefixLength: number;
  readonly subnet: string;
  /** The upstream namespace's end of the external leg's veth. */
  readonly upstreamPort: string;
  readonly externalMac: string;
  /** The external leg's own address (Kube-OVN's IPAM address of the pod on the external subnet). */
  readonly primary: string;
  readonly eips: readonly string[];
  /** The commands that configure the namespace, in the order the pod gets them. */
  readonly script: readonly Command[];
}

/**
 * The lab has one external network: the upstream segment its node's uplink and its internet host
 * share. Another is a topology the lab cannot build (exit 3), not one it builds differently.
 */
export function checkExternalNetwork(spec: TopologySpec): void {
  const { name, cidrBlock, gateway } = spec.externalNetwork;
  const wanted = parsePrefix(`${UPSTREAM_IP}/24`);
  const p = parsePrefix(cidrBlock);
  if (p.network !== wanted.network || p.length !== wanted.length || gateway !== UPSTREAM_IP) {
    throw new TargetError(`lab: externalNetwork ${name} is ${cidrBlock} via ${gateway}; the lab's upstream segment is ${formatIPv4(wanted.network)}/24 via ${UPSTREAM_IP} (its internet host), the only external network it can build`);
  }
}

/**
 * Each gateway's primary address on the external network: the first address that is not the
 * network's gateway, the node's uplink, an EIP, or an earlier gateway's primary (Kube-OVN's IPAM
 * gives the pod's external attachment the first free address unless noDefaultEIP).
 */
export function primaryAddresses(spec: TopologySpec): Map<string, string> {
  const net = parsePrefix(spec.externalNetwork.cidrBlock);
  const taken = new Set([spec.externalNetwork.gateway, NODE_UPLINK_IP, ...spec.eips.map((e) => e.v4ip)].map(parseIPv4));
  const out = new Map<string, string>();
  let next = firstHost(net);
  for (const gw of spec.natGateways) {
    while (taken.has(next) && next <= lastHost(net)) next++;
    if (next > lastHost(net)) throw new TargetError(`lab: no free address on external network ${spec.externalNetwork.name} for NAT gateway ${gw.name}`);
    out.set(gw.name, formatIPv4(next));
    taken.add(next);
  }
  return out;
}

export function natGatewayPlans(spec: TopologySpec, names: RunNames): NatGatewayPlan[] {
  if (spec.natGateways.length) checkExternalNetwork(spec);
  const primaries = primaryAddresses(spec);
  return spec.natGateways.map((gw) => {
    const subnet = spec.subnets.find((s) => s.name === gw.subnet)!;
    const plan = {
      name: gw.name,
      namespace: names.natGatewayNamespace(gw.name),
      hostIf: names.hostIf('natgw', gw.name),
      lsp: names.natGatewayLsp(gw.name),
      lanMac: names.mac('natgw', gw.name),
      lanIp: gw.lanIp,
      lanPrefixLength: parsePrefix(subnet.cidrBlock).length,
      subnet: gw.subnet,
      upstreamPort: names.upstreamPort(gw.name),
      externalMac: names.mac('natgw-ext', gw.name),
      primary: primaries.get(gw.name)!,
      eips: spec.eips.filter((e) => e.natGwDp === gw.name).map((e) => e.v4ip),
    };
    return { ...plan, script: gatewayScript(spec, gw, plan) };
  });
}

/**
 * The pod's network as the controller and nat-gateway.sh leave it (section numbers of
 * /work/wt/briefs/nat-facts.md, all kube-ovn v1.15.24): the legs' addresses; ip_forward=1 (the
 * StatefulSet's postStart hook); `init` (1.2): the nat chains and jumps, nothing in filter;
 * `subnet-route-add` (1.3) per VPC subnet but the gateway's own, via its subnet's gateway on
 * the LAN leg; `eip-add` (1.4): each EIP a secondary address with the network's prefix length,
 * then the default route via GATEWAY_V4; then `floating-ip-add` (1.5), `snat-add` (1.6, with
 * --random-fully, which the controller appends for iptables >= 1.6.2) and `dnat-add` (1.7), each
 * an `iptables -A` in the order of the file.
 */
function gatewayScript(spec: TopologySpec, gw: NatGateway, plan: Omit<NatGatewayPlan, 'script'>): Command[] {
  const lan = NATGW_LAN_NIC;
  const ext = NATGW_EXTERNAL_NIC;
  const extLength = parsePrefix(spec.externalNetwork.cidrBlock).length;
  const subnet = spec.subnets.find((s) => s.name === gw.subnet)!;
  const nat = (...args: string[]): Command => ['iptables', '-w', '-t', 'nat', ...args];
  const fipEips = new Set<string>();
  const eipOf = (name: string) => spec.eips.find((e) => e.name === name && e.natGwDp === gw.name)?.v4ip;
  const routes = spec.subnets
    .filter((s) => s.vpc === gw.vpc && !contains(parsePrefix(s.cidrBlock), parseIPv4(subnet.gateway)))
    .map((s): Command => ['ip', 'route', 'replace', s.cidrBlock, 'via', subnet.gateway, 'dev', lan]);
  return [
    ['sysctl', '-qw', 'net.ipv4.ip_forward=1'],
    ['ip', 'link', 'set', 'lo', 'up'],
    ['ip', 'addr', 'add', `${plan.lanIp}/${plan.lanPrefixLength}`, 'dev', lan],
    ['ip', 'link', 'set', lan, 'up'],
    ['ip', 'addr', 'add', `${plan.primary}/${extLength}`, 'dev', ext],
    ['ip', 'link', 'set', ext, 'up'],
    // The userspace datapath does not fill in offloaded checksums (DESIGN "Every new veth needs
    // ethtool -K <nic> tx off"): forwarded TCP would leave with a bad one.
    ['ethtool', '-K', lan, 'tx', 'off'],
    ['ethtool', '-K', ext, 'tx', 'off'],
    nat('-N', 'DNAT_FILTER'),
    nat('-N', 'SNAT_FILTER'),
    nat('-N', 'EXCLUSIVE_DNAT'),
    nat('-N', 'EXCLUSIVE_SNAT'),
    nat('-N', 'SHARED_DNAT'),
    nat('-N', 'SHARED_SNAT'),
    nat('-A', 'PREROUTING', '-j', 'DNAT_FILTER'),
    nat('-A', 'DNAT_FILTER', '-j', 'EXCLUSIVE_DNAT'),
    nat('-A', 'DNAT_FILTER', '-j', 'SHARED_DNAT'),
    nat('-A', 'POSTROUTING', '-j', 'SNAT_FILTER'),
    nat('-A', 'SNAT_FILTER', '-j', 'EXCLUSIVE_SNAT'),
    nat('-A', 'SNAT_FILTER', '-j', 'SHARED_SNAT'),
    ...routes,
    ...plan.eips.map((eip): Command => ['ip', 'addr', 'replace', `${eip}/${extLength}`, 'dev', ext]),
    ['ip', 'route', 'replace', 'default', 'via', spec.externalNetwork.gateway, 'dev', ext],
    ...spec.fipRules.flatMap((f) => {
      const eip = eipOf(f.eip);
      // floating-ip-add exits 0 without a change when the EIP already has a FIP (1.5).
      if (!eip || fipEips.has(eip)) return [];
      fipEips.add(eip);
      return [nat('-A', 'EXCLUSIVE_DNAT', '-d', eip, '-j', 'DNAT', '--to-destination', f.internalIp), nat('-A', 'EXCLUSIVE_SNAT', '-s', f.internalIp, '-j', 'SNAT', '--to-source', eip)];
    }),
    ...spec.snatRules.flatMap((r) => {
      const eip = eipOf(r.eip);
      return eip ? [nat('-A', 'SHARED_SNAT', '-o', ext, '-s', r.internalCIDR, '-j', 'SNAT', '--to-source', eip, '--random-fully')] : [];
    }),
    ...spec.dnatRules.flatMap((r) => {
      const eip = eipOf(r.eip);
      return eip ? [nat('-A', 'SHARED_DNAT', '-p', r.protocol, '-d', eip, '--dport', String(r.externalPort), '-j', 'DNAT', '--to-destination', `${r.internalIp}:${r.internalPort}`)] : [];
    }),
  ];
}
