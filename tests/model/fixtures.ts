// Builds TopologySpec objects in code: each subnet gets its own network "default/<subnet>", and a
// VM names its subnet. Defaults follow the loader's (ovn-cluster, gateway = first host) except
// defaultRoute, which is true unless a test is about it.
import type { DnatRule, Eip, FipRule, NatGateway, Platform, SecurityGroup, SecurityGroupRule, SnatRule, Subnet, TopologySpec, Vm, Vpc } from '../../lib/topology/types.ts';
import { DEFAULT_VPC, NO_NAT } from '../../lib/topology/types.ts';
import { firstHost, formatIPv4, parsePrefix } from '../../lib/net/ipv4.ts';
import { buildModel, type Disposition, type Model, type NetworkOutcome, type ProbeRequest } from '../../lib/model/index.ts';

type VpcIn = Partial<Vpc> & { name: string };
type SubnetIn = Partial<Subnet> & { name: string; cidrBlock: string };
type VmIn = Partial<Omit<Vm, 'network'>> & { name: string; subnet: string };
type SgIn = Partial<SecurityGroup> & { name: string };

export interface SpecIn {
  platform?: Platform;
  vpcs?: VpcIn[];
  subnets: SubnetIn[];
  securityGroups?: SgIn[];
  vms: VmIn[];
  /** NAT objects on the default external network (192.0.2.0/24 via 192.0.2.1). */
  natGateways?: (Partial<NatGateway> & Pick<NatGateway, 'name' | 'vpc' | 'subnet' | 'lanIp'>)[];
  eips?: (Partial<Eip> & Pick<Eip, 'name' | 'natGwDp' | 'v4ip'>)[];
  snatRules?: SnatRule[];
  dnatRules?: (Partial<DnatRule> & Omit<DnatRule, 'protocol'>)[];
  fipRules?: FipRule[];
}

export const LAB_INTERNET = '192.0.2.1';

export function spec(i: SpecIn): TopologySpec {
  const vpcs: Vpc[] = (i.vpcs ?? []).map((v) => ({ vpcPeerings: [], staticRoutes: [], policyRoutes: [], implicit: false, ...v }));
  if (!vpcs.some((v) => v.name === DEFAULT_VPC)) vpcs.push({ name: DEFAULT_VPC, vpcPeerings: [], staticRoutes: [], policyRoutes: [], implicit: true });
  const subnets: Subnet[] = i.subnets.map((s) => ({
    vpc: DEFAULT_VPC, gateway: formatIPv4(firstHost(parsePrefix(s.cidrBlock))), provider: `default/${s.name}`,
    private: false, allowSubnets: [], natOutgoing: false, excludeIps: [], enableDHCP: false, ...s,
  }));
  return {
    name: 'test',
    platform: i.platform ?? 'harvester',
    networks: subnets.map((s) => ({ name: s.name, namespace: 'default', ref: `default/${s.name}` })),
    vpcs,
    subnets,
    securityGroups: (i.securityGroups ?? []).map((g) => ({ allowSameGroupTraffic: false, ingressRules: [], egressRules: [], ...g })),
    vms: i.vms.map(({ subnet, ...v }) => ({ network: `default/${subnet}`, defaultRoute: true, binding: 'bridge' as const, securityGroups: [], listen: [], ...v })),
    ...NO_NAT,
    natGateways: (i.natGateways ?? []).map((g) => ({ externalSubnets: [NO_NAT.externalNetwork.name], ...g })),
    eips: (i.eips ?? []).map((e) => ({ externalSubnet: NO_NAT.externalNetwork.name, ...e })),
    snatRules: i.snatRules ?? [],
    dnatRules: (i.dnatRules ?? []).map((r) => ({ protocol: 'tcp' as const, ...r })),
    fipRules: i.fipRules ?? [],
  };
}

export function model(i: SpecIn): Model {
  return buildModel(spec(i), { internetIP: LAB_INTERNET });
}

/** Two VPCs peered over a /30 with routes to each other's VPC CIDR (docs' Example 1 shape). */
export function peered(a: { name: string; ip: string; routes: string[] }, b: { name: string; ip: string; routes: string[] }): VpcIn[] {
  const side = (me: typeof a, other: typeof a): VpcIn => ({
    name: me.name,
    vpcPeerings: [{ remoteVpc: other.name, localConnectIP: me.ip }],
    staticRoutes: me.routes.map((cidr) => ({ cidr, nextHopIP: other.ip.split('/')[0]!, policy: 'policyDst' as const })),
  });
  return [side(a, b), side(b, a)];
}

export function rule(r: Partial<SecurityGroupRule>): SecurityGroupRule {
  return { ipVersion: 'ipv4', protocol: 'all', remoteType: 'address', remoteAddress: '0.0.0.0/0', policy: 'allow', priority: 10, ...r };
}

/** A table-driven model case: one probe in one topology and what the model must say. */
export interface Case {
  name: string;
  spec: SpecIn;
  req: ProbeRequest;
  outcome: NetworkOutcome;
  disposition: Disposition;
  reason: RegExp;
}

export const icmp = (from: string, to: string): ProbeRequest => ({ from, to, probe: 'icmp' });
