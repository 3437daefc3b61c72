// VPC NAT gateways (Kube-OVN VpcNatGateway, IptablesEIP, Iptables{Snat,Dnat,FIP}Rule): references
// and addresses are errors, because Kube-OVN's controller leaves such objects never ready; a
// gateway nothing routes to, or a rule that matches no VM, is a warning: Kube-OVN programs it, it
// just carries nothing, and a customer's broken setup must stay reproducible.
// The rule shapes are nat-gateway.sh's (kubeovn/kube-ovn v1.15.x dist/images/vpcnatgateway): a FIP
// DNATs every port of its EIP, so an EIP with a FIP can carry no other rule; DNAT rules are keyed
// by EIP, protocol and port.
import type { SpecSource } from './normalize.ts';
import type { Report } from './validate.ts';
import { broadcast, contains, covers, isIPv4, isPrefix, parseIPv4, parsePrefix, type Prefix } from '../net/ipv4.ts';
import { assignAddresses, reservedReason } from './addresses.ts';
import { suggest } from './structure.ts';
import { EXTERNAL, INTERNET, NODE_INTERNAL_IP, type Eip } from './types.ts';

export function validateNat(src: SpecSource, report: Report): void {
  const { spec, at } = src;
  const error = (path: string, message: string) => report('error', path, message);
  const unknown = (what: string, name: string, known: readonly string[]) =>
    `no ${what} named "${name}"${suggest(name, known)}; defined: ${known.join(', ') || 'none'}`;
  const address = (path: string, text: string, what: string) => {
    if (isIPv4(text)) return true;
    error(path, `"${text}" is not an IPv4 address (${what})`);
    return false;
  };

  // Probes name VMs and EIPs in one namespace, beside the two words `to:`/`from:` reserve.
  const vmNames = new Set(spec.vms.map((v) => v.name));
  spec.vms.forEach((vm, i) => {
    if (vm.name === INTERNET || vm.name === EXTERNAL) error(at('vms', i, 'name'), `"${vm.name}" is a reserved word of probes (${INTERNET}, ${EXTERNAL}); name the VM otherwise`);
  });
  spec.eips.forEach((e, i) => {
    if (e.name === INTERNET || e.name === EXTERNAL) error(at('eips', i, 'name'), `"${e.name}" is a reserved word of probes (${INTERNET}, ${EXTERNAL}); name the EIP otherwise`);
    else if (vmNames.has(e.name)) error(at('eips', i, 'name'), `EIP "${e.name}" has the name of a VM; probes name both in to:, so they must differ`);
  });

  const ext = spec.externalNetwork;
  let external: Prefix | undefined;
  if (!isPrefix(ext.cidrBlock)) error('externalNetwork.cidrBlock', `"${ext.cidrBlock}" is not an IPv4 CIDR (the external network), e.g. 192.0.2.0/24`);
  else external = parsePrefix(ext.cidrBlock);
  if (address('externalNetwork.gateway', ext.gateway, 'the external network\'s gateway') && external && !contains(external, parseIPv4(ext.gateway))) {
    error('externalNetwork.gateway', `gateway ${ext.gateway} is outside the external network ${ext.cidrBlock}`);
  }

  const vpcNames = spec.vpcs.map((v) => v.name);
  const subnetNames = spec.subnets.map((s) => s.name);
  const gwNames = spec.natGateways.map((g) => g.name);
  const lanIps = new Map<number, string>();
  const fixed = new Map(spec.vms.flatMap((vm) => (vm.ip !== undefined && isIPv4(vm.ip) ? [[`${vm.network}|${parseIPv4(vm.ip)}`, vm.name] as const] : [])));
  spec.natGateways.forEach((gw, i) => {
    if (!vpcNames.includes(gw.vpc)) error(at('natGateways', i, 'vpc'), unknown('VPC', gw.vpc, vpcNames));
    gw.externalSubnets.forEach((name, k) => {
      if (name !== ext.name) error(at('natGateways', i, 'externalSubnets', k), `no external subnet named "${name}"; the external network is ${ext.name} (externalNetwork.name)`);
    });
    const subnet = spec.subnets.find((s) => s.name === gw.subnet);
    if (!subnet) return void error(at('natGateways', i, 'subnet'), unknown('subnet', gw.subnet, subnetNames));
    if (subnet.vpc !== gw.vpc && vpcNames.includes(gw.vpc)) error(at('natGateways', i, 'subnet'), `subnet ${subnet.name} is in VPC ${subnet.vpc}, not ${gw.vpc}: the gateway's LAN leg must be on a subnet of its VPC`);
    const path = at('natGateways', i, 'lanIp');
    if (!address(path, gw.lanIp, 'lanIp') || !isPrefix(subnet.cidrBlock)) return;
    const ip = parseIPv4(gw.lanIp);
    if (!contains(parsePrefix(subnet.cidrBlock), ip)) return void error(path, `${gw.lanIp} is outside subnet ${subnet.name} (${subnet.cidrBlock})`);
    const why = isIPv4(subnet.gateway) ? reservedReason(subnet, ip) : undefined;
    if (why) return void error(path, `${gw.lanIp} is ${why} of subnet ${subnet.name}; the gateway's LAN leg cannot hold it`);
    const vm = fixed.get(`${subnet.provider}|${ip}`);
    if (vm) return void error(path, `${gw.lanIp} is VM ${vm}'s address`);
    const other = lanIps.get(ip);
    if (other) return void error(path, `${gw.lanIp} is already the lanIp of gateway ${other}`);
    lanIps.set(ip, gw.name);
  });

  const v4ips = new Map<number, string>();
  spec.eips.forEach((e, i) => {
    const gw = spec.natGateways.find((g) => g.name === e.natGwDp);
    if (!gw) error(at('eips', i, 'natGwDp'), unknown('NAT gateway', e.natGwDp, gwNames));
    if (e.externalSubnet !== ext.name) error(at('eips', i, 'externalSubnet'), `no external subnet named "${e.externalSubnet}"; the external network is ${ext.name} (externalNetwork.name)`);
    else if (gw && !gw.externalSubnets.includes(e.externalSubnet)) error(at('eips', i, 'externalSubnet'), `gateway ${gw.name} is not attached to ${e.externalSubnet} (its externalSubnets: ${gw.externalSubnets.join(', ') || 'none'})`);
    const path = at('eips', i, 'v4ip');
    if (!address(path, e.v4ip, 'EIP') || !external) return;
    const ip = parseIPv4(e.v4ip);
    if (!contains(external, ip)) return void error(path, `${e.v4ip} is outside the external network ${ext.name} (${ext.cidrBlock}); an EIP is an address of it`);
    const taken = ip === external.network ? 'its network address'
      : ip === broadcast(external) ? 'its broadcast address'
        : e.v4ip === ext.gateway ? 'its gateway (the upstream router)'
          : e.v4ip === NODE_INTERNAL_IP ? 'the node\'s own address on it'
            : v4ips.has(ip) ? `already EIP ${v4ips.get(ip)}` : undefined;
    if (taken) return void error(path, `${e.v4ip} is ${taken} of the external network ${ext.cidrBlock}`);
    v4ips.set(ip, e.name);
  });

  const eipNames = spec.eips.map((e) => e.name);
  const eipOf = (kind: 'snatRules' | 'dnatRules' | 'fipRules', i: number, name: string): Eip | undefined => {
    const e = spec.eips.find((x) => x.name === name);
    if (!e) error(at(kind, i, 'eip'), unknown('EIP', name, eipNames));
    return e;
  };
  const gatewayVpc = (e: Eip | undefined) => spec.natGateways.find((g) => g.name === e?.natGwDp)?.vpc;
  // Where VMs really are (fixed or assigned), for rules whose inside address no VM holds.
  let vmAt: Map<string, string> | undefined;
  const holder = (vpc: string, ip: string): string | undefined => {
    if (!vmAt) {
      vmAt = new Map();
      try {
        for (const a of assignAddresses(spec).values()) vmAt.set(`${a.subnet.vpc}|${a.ip}`, a.vm.name);
      } catch {
        // IPAM exhaustion is the address validator's error; no holder is known then.
      }
    }
    return vmAt.get(`${vpc}|${ip}`);
  };
  const insideAddress = (kind: 'dnatRules' | 'fipRules', i: number, e: Eip | undefined, internalIp: string) => {
    const path = at(kind, i, 'internalIp');
    if (!address(path, internalIp, 'internalIp')) return;
    const vpc = gatewayVpc(e);
    if (vpc && !holder(vpc, internalIp)) report('warning', path, `no VM of VPC ${vpc} has ${internalIp}: the rule is programmed on gateway ${e!.natGwDp} but forwards to nothing`);
  };

  const fipEips = new Map<string, string>();
  const fipInside = new Map<string, string>();
  spec.fipRules.forEach((r, i) => {
    const e = eipOf('fipRules', i, r.eip);
    insideAddress('fipRules', i, e, r.internalIp);
    if (fipEips.has(r.eip)) error(at('fipRules', i, 'eip'), `EIP ${r.eip} already has FIP ${fipEips.get(r.eip)}; a FIP takes its EIP whole`);
    else fipEips.set(r.eip, r.name);
    if (fipInside.has(r.internalIp)) error(at('fipRules', i, 'internalIp'), `${r.internalIp} already has FIP ${fipInside.get(r.internalIp)}; nat-gateway.sh would source-translate it to the first one only`);
    else fipInside.set(r.internalIp, r.name);
  });
  const sharedWithFip = (kind: 'snatRules' | 'dnatRules', i: number, eip: string) => {
    const fip = fipEips.get(eip);
    if (fip) error(at(kind, i, 'eip'), `EIP ${eip} has FIP ${fip}, which translates every port of it; use another EIP for this rule`);
  };

  spec.snatRules.forEach((r, i) => {
    const e = eipOf('snatRules', i, r.eip);
    sharedWithFip('snatRules', i, r.eip);
    const path = at('snatRules', i, 'internalCIDR');
    if (!isPrefix(r.internalCIDR) && !isIPv4(r.internalCIDR)) return void error(path, `"${r.internalCIDR}" is not an IPv4 CIDR (internalCIDR), e.g. 10.0.1.0/24`);
    const vpc = gatewayVpc(e);
    if (!vpc) return;
    const cidr = parsePrefix(isPrefix(r.internalCIDR) ? r.internalCIDR : `${r.internalCIDR}/32`);
    const own = spec.subnets.filter((s) => s.vpc === vpc && isPrefix(s.cidrBlock));
    if (!own.some((s) => covers(parsePrefix(s.cidrBlock), cidr) || covers(cidr, parsePrefix(s.cidrBlock)))) {
      report('warning', path, `${r.internalCIDR} is in no subnet of VPC ${vpc} (${own.map((s) => `${s.name} ${s.cidrBlock}`).join(', ') || 'none'}): no VM's traffic matches this SNAT`);
    }
  });

  const ports = new Map<string, string>();
  spec.dnatRules.forEach((r, i) => {
    const e = eipOf('dnatRules', i, r.eip);
    sharedWithFip('dnatRules', i, r.eip);
    for (const field of ['externalPort', 'internalPort'] as const) {
      if (!Number.isInteger(r[field]) || r[field] < 1 || r[field] > 65535) error(at('dnatRules', i, field), `port ${r[field]} is not in 1-65535`);
    }
    insideAddress('dnatRules', i, e, r.internalIp);
    const key = `${r.eip}|${r.protocol}|${r.externalPort}`;
    if (ports.has(key)) error(at('dnatRules', i, 'externalPort'), `${r.eip} ${r.protocol}/${r.externalPort} is already forwarded by DNAT ${ports.get(key)}`);
    else ports.set(key, r.name);
  });

  // A gateway carries nothing until something routes to it: the Vpc's static route (Kube-OVN's
  // docs) or the guests' own default route via the lanIp (Harvester v1.8's page).
  spec.natGateways.forEach((gw, i) => {
    const vpc = spec.vpcs.find((v) => v.name === gw.vpc);
    if (!vpc || !lanIps.has(isIPv4(gw.lanIp) ? parseIPv4(gw.lanIp) : -1)) return;
    const routed = vpc.staticRoutes.some((r) => r.nextHopIP === gw.lanIp) || vpc.policyRoutes.some((r) => r.nextHopIP === gw.lanIp)
      || spec.vms.some((vm) => vm.defaultRouteVia === gw.lanIp);
    if (!routed) {
      report('warning', at('natGateways', i, 'lanIp'), `nothing routes to gateway ${gw.name}: VPC ${gw.vpc} has no staticRoutes entry via ${gw.lanIp} (e.g. { cidr: 0.0.0.0/0, nextHopIP: ${gw.lanIp} }, Kube-OVN's docs; kubeovn/kube-ovn#4241) and no VM routes via it (defaultRoute: ${gw.lanIp}, Harvester v1.8's page), so no traffic leaves through it and DNAT/FIP replies cannot return`);
    }
  });

  // The route step's next hop must be on the VM's own subnet; a next hop nothing holds is legal
  // (the guest accepts it) but carries nothing.
  spec.vms.forEach((vm, i) => {
    const via = vm.defaultRouteVia;
    const subnet = spec.subnets.find((s) => s.provider === vm.network);
    if (via === undefined || !subnet || !isPrefix(subnet.cidrBlock)) return;
    const path = at('vms', i, 'defaultRoute');
    if (!address(path, via, 'the route step\'s next hop')) return;
    if (!contains(parsePrefix(subnet.cidrBlock), parseIPv4(via))) return void error(path, `next hop ${via} is outside subnet ${subnet.name} (${subnet.cidrBlock}); "ip route add default via ${via} dev enp1s0" would fail with "Nexthop has invalid gateway"`);
    const held = via === subnet.gateway || spec.natGateways.some((g) => g.subnet === subnet.name && g.lanIp === via) || holder(subnet.vpc, via);
    if (!held) report('warning', path, `nothing in subnet ${subnet.name} holds ${via} (not its gateway ${subnet.gateway}, a NAT gateway's lanIp, or a VM): VM ${vm.name}'s traffic off the subnet goes nowhere`);
  });
}
