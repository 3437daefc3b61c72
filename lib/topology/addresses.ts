// Address assignment as Kube-OVN's IPAM does it for a subnet: fixed addresses first, then every
// other VM in file order takes the lowest free host address, skipping the network and broadcast
// addresses, the gateway, excludeIps and NAT gateways' lanIps. Targets pin these addresses, so expected matrices
// name the addresses the VMs really get.
import type { Subnet, TopologySpec, Vm } from './types.ts';
import { broadcast, firstHost, formatIPv4, isIPv4, lastHost, parseIPv4, parsePrefix } from '../net/ipv4.ts';

export interface Addressed {
  readonly vm: Vm;
  readonly subnet: Subnet;
  readonly ip: string;
  readonly ipNum: number;
}

/** "10.0.0.5" or "10.0.0.10..10.0.0.20" as an inclusive [start, end] range. */
export function parseExcludeIp(text: string): [number, number] {
  const parts = text.split('..');
  if (parts.length > 2) throw new Error(`"${text}" is neither an address nor a range "a..b"`);
  const start = parseIPv4(parts[0]!.trim());
  const end = parts.length === 2 ? parseIPv4(parts[1]!.trim()) : start;
  if (end < start) throw new Error(`range "${text}" ends before it starts`);
  return [start, end];
}

export function isExcluded(subnet: Subnet, ip: number): boolean {
  return subnet.excludeIps.some((e) => {
    const [start, end] = parseExcludeIp(e);
    return ip >= start && ip <= end;
  });
}

/** Why an address cannot belong to a VM of this subnet, or undefined when it can. */
export function reservedReason(subnet: Subnet, ip: number): string | undefined {
  const p = parsePrefix(subnet.cidrBlock);
  if (ip === p.network && p.length < 31) return 'the network address';
  if (ip === broadcast(p) && p.length < 31) return 'the broadcast address';
  if (ip === parseIPv4(subnet.gateway)) return 'the gateway';
  if (isExcluded(subnet, ip)) return 'in excludeIps';
  return undefined;
}

export class IpamExhausted extends Error {
  constructor(readonly vm: string, message: string) {
    super(message);
  }
}

/** The subnet a VM attaches to: the one whose provider is the VM's network. */
export function subnetOf(spec: TopologySpec, vm: Vm): Subnet | undefined {
  return spec.subnets.find((s) => s.provider === vm.network);
}

/**
 * Assigns every VM its address. VMs whose network has no subnet are left out (the validator
 * reports them). Throws IpamExhausted when a subnet has no free address left.
 */
export function assignAddresses(spec: TopologySpec): Map<string, Addressed> {
  const out = new Map<string, Addressed>();
  const taken = new Map<string, Set<number>>();
  const used = (s: Subnet) => taken.get(s.name) ?? taken.set(s.name, new Set()).get(s.name)!;
  // A NAT gateway's pod holds its lanIp on the subnet (its IP object), so no VM is given it.
  for (const gw of spec.natGateways) {
    const subnet = spec.subnets.find((s) => s.name === gw.subnet);
    if (subnet && isIPv4(gw.lanIp)) used(subnet).add(parseIPv4(gw.lanIp));
  }
  for (const vm of spec.vms) {
    const subnet = subnetOf(spec, vm);
    if (!subnet || vm.ip === undefined) continue;
    const ipNum = parseIPv4(vm.ip);
    used(subnet).add(ipNum);
    out.set(vm.name, { vm, subnet, ip: vm.ip, ipNum });
  }
  // Where each subnet's search for a free address resumes: addresses below it are all taken or
  // reserved and stay so, so a subnet of n VMs is searched once, not n times.
  const next = new Map<string, number>();
  for (const vm of spec.vms) {
    const subnet = subnetOf(spec, vm);
    if (!subnet || vm.ip !== undefined) continue;
    const p = parsePrefix(subnet.cidrBlock);
    const u = used(subnet);
    let ipNum = -1;
    for (let ip = next.get(subnet.name) ?? firstHost(p); ip <= lastHost(p); ip++) {
      if (!u.has(ip) && reservedReason(subnet, ip) === undefined) {
        ipNum = ip;
        break;
      }
    }
    if (ipNum < 0) throw new IpamExhausted(vm.name, `subnet ${subnet.name} (${subnet.cidrBlock}) has no free address for VM ${vm.name}`);
    next.set(subnet.name, ipNum + 1);
    u.add(ipNum);
    out.set(vm.name, { vm, subnet, ip: formatIPv4(ipNum), ipNum });
  }
  return out;
}
