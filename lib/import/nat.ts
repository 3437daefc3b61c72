// Kube-OVN's VPC NAT gateway objects -> the topology's natGateways, eips, snatRules, dnatRules,
// fipRules and externalNetwork. Field names are Kube-OVN's (kubeovn/kube-ovn v1.15.24
// pkg/apis/kubeovn/v1 vpc-nat-gateway.go, iptables-*.go); the external network is the Subnet the
// gateways and EIPs name (Kube-OVN's default ovn-vpc-external-network when they name none:
// pkg/util/net.go vpcExternalNet). Pure.
import type { KubeObject } from '../k8s/resources.ts';
import { isIPv4, isPrefix } from '../net/ipv4.ts';
import { DEFAULT_EXTERNAL_NETWORK, type DnatRule, type Eip, type ExternalNetwork, type FipRule, type NatGateway, type NatObjects, type NatProtocol, type SnatRule } from '../topology/types.ts';

/** Kube-OVN's external subnet when a VpcNatGateway or IptablesEIP names none. */
const KUBE_OVN_EXTERNAL = 'ovn-vpc-external-network';

type Spec = Record<string, unknown>;
const specOf = (o: KubeObject) => (o.spec ?? {}) as Spec;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The Subnets the NAT objects use as external network, by name (the default one only when something relies on it). */
export function externalSubnetNames(objects: readonly KubeObject[]): Set<string> {
  const names = new Set<string>();
  for (const o of objects) {
    if (o.kind === 'VpcNatGateway') {
      const named = (specOf(o).externalSubnets as unknown[] | undefined)?.flatMap((n) => str(n) ?? []) ?? [];
      for (const n of named.length ? named : [KUBE_OVN_EXTERNAL]) names.add(n);
    }
    if (o.kind === 'IptablesEIP') names.add(str(specOf(o).externalSubnet) ?? KUBE_OVN_EXTERNAL);
  }
  return names;
}

export interface NatNames {
  /** Object name -> topology name, for the kinds the NAT objects refer to. */
  readonly vpc: ReadonlyMap<string, string>;
  readonly subnet: ReadonlyMap<string, string>;
  readonly originalName: (o: KubeObject) => string;
}

/** A port Kube-OVN holds as a string: a whole number 1-65535, or undefined. */
function port(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

export function mapNat(objects: readonly KubeObject[], names: NatNames, skipped: Map<KubeObject, string>, notes: string[]): NatObjects {
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const wanted = externalSubnetNames(objects);
  const externals = of('Subnet').filter((s) => wanted.has(s.metadata.name));
  const first = externals[0];
  const external: ExternalNetwork = first
    ? { name: names.originalName(first), cidrBlock: str(specOf(first).cidrBlock) ?? '', gateway: str(specOf(first).gateway) ?? '' }
    : DEFAULT_EXTERNAL_NETWORK;
  // A topology has one external network: the other external subnets' gateways and EIPs are kept on it, and said so.
  for (const other of externals.slice(1)) notes.push(`Subnet ${other.metadata.name}: a second external subnet; a topology holds one external network (${external.name}), the NAT objects on ${other.metadata.name} are tested on it`);
  if (!first && wanted.size) notes.push(`external subnet ${[...wanted].join(', ')} is not among the objects: the external network is taken as ${DEFAULT_EXTERNAL_NETWORK.cidrBlock} via ${DEFAULT_EXTERNAL_NETWORK.gateway} (vpcheck's default); export it with the Subnets`);
  const externalName = (_name: string) => external.name;

  const gatewayNames = new Map<string, string>();
  const natGateways = of('VpcNatGateway').flatMap((o): NatGateway[] => {
    const s = specOf(o);
    const vpc = names.vpc.get(str(s.vpc) ?? '');
    const subnet = names.subnet.get(str(s.subnet) ?? '');
    const lanIp = str(s.lanIp);
    const reason = !vpc ? `vpc ${String(s.vpc)} not found` : !subnet ? `subnet ${String(s.subnet)} is not a VPC subnet among the objects` : !lanIp || !isIPv4(lanIp) ? `lanIp ${String(s.lanIp)} is not an IPv4 address` : undefined;
    if (reason) {
      skipped.set(o, reason);
      return [];
    }
    const name = names.originalName(o);
    gatewayNames.set(o.metadata.name, name);
    const named = ((s.externalSubnets as unknown[] | undefined) ?? []).flatMap((n) => str(n) ?? []);
    return [{ name, vpc: vpc!, subnet: subnet!, lanIp: lanIp!, externalSubnets: [...new Set((named.length ? named : [KUBE_OVN_EXTERNAL]).map(externalName))] }];
  });

  const eipNames = new Map<string, string>();
  const eips = of('IptablesEIP').flatMap((o): Eip[] => {
    const s = specOf(o);
    const natGwDp = gatewayNames.get(str(s.natGwDp) ?? '');
    // Kube-OVN writes the address it allocated into spec.v4ip (vpc_nat_gw_eip.go createOrUpdateEipCR); status.ip holds it too.
    const v4ip = str(s.v4ip) ?? str((o.status as Spec | undefined)?.ip);
    const reason = !natGwDp ? `natGwDp ${String(s.natGwDp)}: no such NAT gateway among the imported ones` : !v4ip || !isIPv4(v4ip) ? 'no IPv4 address in spec.v4ip or status.ip' : undefined;
    if (reason) {
      skipped.set(o, reason);
      return [];
    }
    const name = names.originalName(o);
    eipNames.set(o.metadata.name, name);
    return [{ name, natGwDp: natGwDp!, v4ip: v4ip!, externalSubnet: externalName(str(s.externalSubnet) ?? KUBE_OVN_EXTERNAL) }];
  });

  /** The rule's EIP in the topology, or the reason it has none. */
  const eipOf = (o: KubeObject): string | { reason: string } => eipNames.get(str(specOf(o).eip) ?? '') ?? { reason: `eip ${String(specOf(o).eip)}: no such EIP among the imported ones` };
  const rules = <T>(kind: string, build: (o: KubeObject, eip: string, s: Spec) => T | string): T[] => of(kind).flatMap((o) => {
    const eip = eipOf(o);
    const built = typeof eip === 'string' ? build(o, eip, specOf(o)) : eip.reason;
    if (typeof built === 'string') {
      skipped.set(o, built);
      return [];
    }
    return [built];
  });
  const snatRules = rules<SnatRule>('IptablesSnatRule', (o, eip, s) => {
    const cidr = str(s.internalCIDR);
    return cidr && (isPrefix(cidr) || isIPv4(cidr)) ? { name: names.originalName(o), eip, internalCIDR: cidr } : `internalCIDR ${String(s.internalCIDR)} is not an IPv4 CIDR`;
  });
  const dnatRules = rules<DnatRule>('IptablesDnatRule', (o, eip, s) => {
    const externalPort = port(s.externalPort);
    const internalPort = port(s.internalPort);
    const internalIp = str(s.internalIp);
    const protocol = str(s.protocol)?.toLowerCase();
    if (externalPort === undefined || internalPort === undefined) return `ports ${String(s.externalPort)} -> ${String(s.internalPort)} are not 1-65535`;
    if (!internalIp || !isIPv4(internalIp)) return `internalIp ${String(s.internalIp)} is not an IPv4 address`;
    if (protocol !== 'tcp' && protocol !== 'udp') return `protocol ${String(s.protocol)}: the NAT gateway's DNAT takes tcp or udp (nat-gateway.sh dnat-add)`;
    return { name: names.originalName(o), eip, externalPort, internalIp, internalPort, protocol: protocol as NatProtocol };
  });
  const fipRules = rules<FipRule>('IptablesFIPRule', (o, eip, s) => {
    const internalIp = str(s.internalIp);
    return internalIp && isIPv4(internalIp) ? { name: names.originalName(o), eip, internalIp } : `internalIp ${String(s.internalIp)} is not an IPv4 address`;
  });
  return { externalNetwork: external, natGateways, eips, snatRules, dnatRules, fipRules };
}
