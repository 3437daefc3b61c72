// The fake's Kube-OVN IPAM: one address per NIC, kept for as long as its pod exists. A NIC with a
// `<provider>.kubernetes.io/ip_address` annotation gets exactly that address or nothing (the pod
// stays pending with Kube-OVN's error); any other NIC gets the lowest free address of its subnet,
// past the network address, the gateway and excludeIps (kubeovn/kube-ovn v1.14.10:
// pkg/ipam/subnet.go GetStaticAddress, GetRandomAddress; pkg/ipam/ip_range_list.go Allocate takes
// the first free address of the first range). So a pin vpcheck forgot, or one that does not match
// what it expects, shows in the VMI's address.
import { broadcast, contains, formatIPv4, parseIPv4, parsePrefix } from '../../../lib/net/ipv4.ts';

/** A Subnet after Kube-OVN's defaulting (kube-ovn-objects.ts formatSubnet). */
export interface IpamSubnet {
  readonly name: string;
  readonly cidrBlock: string;
  readonly gateway: string;
  readonly excludeIps: readonly string[];
}

function excluded(subnet: IpamSubnet, ip: number): boolean {
  return subnet.excludeIps.some((e) => {
    const [a, b = a] = e.split('..').map((x) => parseIPv4(x.trim()));
    return ip >= a! && ip <= b!;
  });
}

export class KubeOvnIpam {
  /** NIC key -> subnet name and address. */
  private readonly held = new Map<string, { subnet: string; ip: string }>();

  /** Frees the addresses of NICs that are gone. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of [...this.held.keys()]) if (!keys.has(key)) this.held.delete(key);
  }

  private takenIn(subnet: string, except: string): Set<string> {
    return new Set([...this.held].filter(([k, v]) => v.subnet === subnet && k !== except).map(([, v]) => v.ip));
  }

  /** The NIC's address, or Kube-OVN's reason for not giving one. */
  allocate(key: string, subnet: IpamSubnet, pinned: string | undefined): { ip: string } | { error: string } {
    const current = this.held.get(key);
    if (current?.subnet === subnet.name && (pinned === undefined || pinned === current.ip)) return { ip: current.ip };
    this.held.delete(key);
    const cidr = parsePrefix(subnet.cidrBlock);
    const taken = this.takenIn(subnet.name, key);
    const gateway = parseIPv4(subnet.gateway);
    if (pinned !== undefined) {
      let ip: number;
      try {
        ip = parseIPv4(pinned);
      } catch {
        return { error: `${pinned} is not a valid IP address` };
      }
      if (!contains(cidr, ip)) return { error: `${pinned} is not in the range of subnet ${subnet.name} (${subnet.cidrBlock})` };
      if (ip === gateway || excluded(subnet, ip) || taken.has(pinned)) return { error: `AddressConflict: ${pinned} has been allocated to other pods, or is the gateway or in excludeIps of subnet ${subnet.name}` };
      this.held.set(key, { subnet: subnet.name, ip: pinned });
      return { ip: pinned };
    }
    for (let ip = cidr.network + 1; ip < broadcast(cidr); ip++) {
      const text = formatIPv4(ip);
      if (ip === gateway || excluded(subnet, ip) || taken.has(text)) continue;
      this.held.set(key, { subnet: subnet.name, ip: text });
      return { ip: text };
    }
    return { error: `NoAvailableAddress: subnet ${subnet.name} has no free address` };
  }
}
