// Addresses: the formats Kube-OVN's validator checks (pkg/util/validator.go ValidateSubnet,
// ValidateVpc), plus what its IPAM and controller refuse (gateway and fixed IPs outside the
// subnet, overlapping subnets in one VPC via checkSubnetConflict).
import type { SpecSource } from './normalize.ts';
import type { Report } from './validate.ts';
import { broadcast, contains, covers, formatPrefix, isIPv4, isPrefix, overlaps, parseIPv4, parsePrefix } from '../net/ipv4.ts';
import { parseExcludeIp, reservedReason, assignAddresses, IpamExhausted } from './addresses.ts';
import { DEFAULT_VPC, JOIN_CIDR, OVN_DEFAULT_CIDR, type Subnet } from './types.ts';

/** Checks formats first; returns false when later checks cannot run on this spec. */
export function validateAddresses(src: SpecSource, report: Report): boolean {
  const { spec, at } = src;
  let sound = true;
  const bad = (path: string, message: string) => {
    report('error', path, message);
    sound = false;
  };
  const cidr = (path: string, text: string, what: string) => {
    if (isPrefix(text)) return true;
    bad(path, `"${text}" is not an IPv4 CIDR (${what}), e.g. 10.0.0.0/24`);
    return false;
  };
  const address = (path: string, text: string, what: string) => {
    if (isIPv4(text)) return true;
    bad(path, `"${text}" is not an IPv4 address (${what})`);
    return false;
  };

  spec.vpcs.forEach((v, i) => {
    if (v.cidr !== undefined) cidr(at('vpcs', i, 'cidr'), v.cidr, 'VPC CIDR');
    v.vpcPeerings.forEach((p, k) => cidr(at('vpcs', i, 'vpcPeerings', k, 'localConnectIP'), p.localConnectIP, 'localConnectIP is a CIDR such as 169.254.0.1/30'));
    v.staticRoutes.forEach((r, k) => {
      if (!isPrefix(r.cidr) && !isIPv4(r.cidr)) bad(at('vpcs', i, 'staticRoutes', k, 'cidr'), `"${r.cidr}" is neither an IPv4 CIDR nor an address`);
      address(at('vpcs', i, 'staticRoutes', k, 'nextHopIP'), r.nextHopIP, 'route next hop');
    });
  });

  spec.subnets.forEach((s, i) => {
    if (!cidr(at('subnets', i, 'cidrBlock'), s.cidrBlock, 'subnet cidrBlock')) return;
    const p = parsePrefix(s.cidrBlock);
    if (p.address !== p.network) report('warning', at('subnets', i, 'cidrBlock'), `"${s.cidrBlock}" has host bits set; Kube-OVN formats it as ${formatPrefix(p)}`);
    if (p.length > 30) bad(at('subnets', i, 'cidrBlock'), `${s.cidrBlock} leaves no room for a gateway and VMs (use /30 or larger)`);
    if (address(at('subnets', i, 'gateway'), s.gateway, 'gateway')) {
      const gw = parseIPv4(s.gateway);
      if (!contains(p, gw)) bad(at('subnets', i, 'gateway'), `gateway ${s.gateway} is outside the subnet ${s.cidrBlock}`);
      else if (gw === p.network || gw === broadcast(p)) {
        bad(at('subnets', i, 'gateway'), `gateway ${s.gateway} is the network or broadcast address of ${s.cidrBlock}`);
      }
    }
    s.allowSubnets.forEach((a, k) => cidr(at('subnets', i, 'allowSubnets', k), a, 'allowSubnets entries are CIDRs'));
    s.excludeIps.forEach((e, k) => {
      try {
        const [start, end] = parseExcludeIp(e);
        if (!contains(p, start) || !contains(p, end)) report('warning', at('subnets', i, 'excludeIps', k), `"${e}" is outside the subnet ${s.cidrBlock} and excludes nothing`);
      } catch (err) {
        bad(at('subnets', i, 'excludeIps', k), (err as Error).message);
      }
    });
  });

  spec.securityGroups.forEach((g, i) =>
    (['ingressRules', 'egressRules'] as const).forEach((dir) =>
      g[dir].forEach((r, k) => {
        if (r.remoteType === 'address' && r.remoteAddress !== undefined && !isPrefix(r.remoteAddress) && !isIPv4(r.remoteAddress)) {
          bad(at('securityGroups', i, dir, k, 'remoteAddress'), `"${r.remoteAddress}" is neither an IPv4 address nor a CIDR`);
        }
      }),
    ),
  );

  spec.vms.forEach((vm, i) => {
    if (vm.ip !== undefined) address(at('vms', i, 'ip'), vm.ip, 'VM address');
  });
  if (!sound) return false;

  // Semantics below need well-formed addresses everywhere.
  spec.subnets.forEach((s, i) => {
    const vpc = spec.vpcs.find((v) => v.name === s.vpc);
    if (vpc?.cidr && !covers(parsePrefix(vpc.cidr), parsePrefix(s.cidrBlock))) {
      report('warning', at('subnets', i, 'cidrBlock'), `${s.cidrBlock} is outside VPC ${vpc.name}'s CIDR ${vpc.cidr}; the Harvester docs require the VPC CIDR to include all its subnets, and routes to the VPC CIDR will not reach it`);
    }
    clusterOverlap(s, at('subnets', i, 'cidrBlock'), (severity, path, message) => {
      if (severity === 'error') sound = false;
      report(severity, path, message);
    });
    spec.subnets.forEach((t, j) => {
      if (j >= i || t.vpc !== s.vpc || !overlaps(parsePrefix(s.cidrBlock), parsePrefix(t.cidrBlock))) return;
      sound = false;
      report('error', at('subnets', i, 'cidrBlock'), `${s.cidrBlock} overlaps subnet ${t.name} (${t.cidrBlock}) in VPC ${s.vpc}; Kube-OVN rejects overlapping subnets in one VPC`);
    });
  });

  const ips = new Map<string, string>();
  spec.vms.forEach((vm, i) => {
    const subnet = spec.subnets.find((s) => s.provider === vm.network);
    if (vm.ip === undefined || !subnet) return;
    const ip = parseIPv4(vm.ip);
    const path = at('vms', i, 'ip');
    if (!contains(parsePrefix(subnet.cidrBlock), ip)) return void bad(path, `${vm.ip} is outside subnet ${subnet.name} (${subnet.cidrBlock})`);
    const why = reservedReason(subnet, ip);
    if (why) return void bad(path, `${vm.ip} is ${why} of subnet ${subnet.name}; a VM cannot use it`);
    const key = `${subnet.name}/${ip}`;
    if (ips.has(key)) return void bad(path, `${vm.ip} is already the address of VM ${ips.get(key)}`);
    ips.set(key, vm.name);
  });
  if (!sound) return false;
  try {
    assignAddresses(spec);
  } catch (e) {
    if (!(e instanceof IpamExhausted)) throw e;
    report('error', at('vms', spec.vms.findIndex((v) => v.name === e.vm), 'network'), e.message);
    return false;
  }
  return true;
}

/**
 * The subnets every Kube-OVN cluster already has in ovn-cluster: `join` and `ovn-default`
 * (kubeovn/kube-ovn v1.13.13 pkg/controller/init.go initJoinSubnet, initDefaultLogicalSwitch;
 * install defaults --join-cidr 100.64.0.0/16, --default-cidr 10.16.0.0/16). Kube-OVN refuses a
 * subnet that overlaps another of its VPC (pkg/controller/subnet.go checkSubnetConflict) and the
 * Subnet then never becomes ready, so in ovn-cluster overlapping join is an error. ovn-default's
 * CIDR is an install choice, so only a warning here; the cluster targets compare with the
 * cluster's real Subnets before applying. A custom VPC may reuse join's range (the check is per
 * VPC), but every private subnet admits the join CIDR (ACL priority 3000), so its addresses in
 * that range are not isolated.
 */
function clusterOverlap(s: Subnet, path: string, report: Report): void {
  const p = parsePrefix(s.cidrBlock);
  const join = overlaps(p, parsePrefix(JOIN_CIDR));
  if (s.vpc === DEFAULT_VPC) {
    if (join) report('error', path, `${s.cidrBlock} overlaps Kube-OVN's join subnet ${JOIN_CIDR} in ${DEFAULT_VPC}; Kube-OVN refuses overlapping subnets in one VPC and the Subnet would never become ready`);
    else if (overlaps(p, parsePrefix(OVN_DEFAULT_CIDR))) report('warning', path, `${s.cidrBlock} overlaps ${OVN_DEFAULT_CIDR}, Kube-OVN's default ovn-default subnet in ${DEFAULT_VPC}; on a cluster installed with that default the Subnet would be refused`);
  } else if (join) {
    report('warning', path, `${s.cidrBlock} overlaps Kube-OVN's join subnet ${JOIN_CIDR}; private-subnet ACLs admit every address of ${JOIN_CIDR}, so these addresses are not isolated`);
  }
}
