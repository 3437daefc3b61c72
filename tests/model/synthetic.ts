// A generated topology with every feature the model knows, sized by its arguments: VPCs in a
// ring of peerings (each routes to its neighbours, some also transit one VPC further), a few
// private subnets, security groups, VMs without a default route, natOutgoing subnets in
// ovn-cluster, and a NAT gateway on vpc-1's first subnet (SNAT for that subnet, a FIP, a Vpc
// default route to it and one guest routed via its lanIp). Shared by the mesh equivalence test
// and bench/model.ts.
import type { TopologySpec } from '../../lib/topology/types.ts';
import { rule, spec, type SpecIn } from './fixtures.ts';

export function synthetic(vpcCount: number, subnetCount: number, vmCount: number): TopologySpec {
  const vpcName = (i: number) => (i === 0 ? 'ovn-cluster' : `vpc-${i}`);
  const cidrOf = (i: number) => `10.${i}.0.0/16`;
  // Link between i and i+1 uses 169.254.i.0/30: .1 on i, .2 on i+1.
  const link = (i: number, side: 0 | 1) => `169.254.${i}.${side + 1}`;
  const vpcs: NonNullable<SpecIn['vpcs']> = [];
  for (let i = 1; i < vpcCount; i++) {
    const prev = i - 1 >= 1 ? i - 1 : undefined;
    const next = i + 1 < vpcCount ? i + 1 : undefined;
    const peerings = [
      ...(prev ? [{ remoteVpc: vpcName(prev), localConnectIP: `${link(prev, 1)}/30` }] : []),
      ...(next ? [{ remoteVpc: vpcName(next), localConnectIP: `${link(i, 0)}/30` }] : []),
    ];
    const routes = [
      ...(prev ? [{ cidr: cidrOf(prev), nextHopIP: link(prev, 0), policy: 'policyDst' as const }] : []),
      ...(next ? [{ cidr: cidrOf(next), nextHopIP: link(i, 1), policy: 'policyDst' as const }] : []),
      // Every third VPC also reaches two VPCs ahead through its neighbour (transit; the far
      // side has no return route unless it is itself a multiple of three minus two).
      ...(next && next + 1 < vpcCount && i % 3 === 0 ? [{ cidr: cidrOf(next + 1), nextHopIP: link(i, 1), policy: 'policyDst' as const }] : []),
      ...(prev && prev - 1 >= 1 && i % 3 === 2 ? [{ cidr: cidrOf(prev - 1), nextHopIP: link(prev, 0), policy: 'policyDst' as const }] : []),
    ];
    if (i === 1 && subnetCount > 1) routes.push({ cidr: '0.0.0.0/0', nextHopIP: LAN_IP, policy: 'policyDst' as const });
    vpcs.push({ name: vpcName(i), vpcPeerings: peerings, staticRoutes: routes });
  }
  const subnets: SpecIn['subnets'] = [];
  for (let k = 0; k < subnetCount; k++) {
    const v = k % vpcCount;
    const net = `10.${v}.${Math.floor(k / vpcCount)}`;
    subnets.push({
      name: `s${k}`, vpc: vpcName(v), cidrBlock: `${net}.0/24`,
      natOutgoing: v === 0 && k % 2 === 0,
      private: k % 7 === 3,
      allowSubnets: k % 7 === 3 ? [`10.${(v + 1) % vpcCount}.0.0/24`] : [],
      excludeIps: k % 5 === 0 ? [`${net}.2..${net}.4`] : [],
    });
  }
  const vms: SpecIn['vms'] = [];
  for (let n = 0; n < vmCount; n++) {
    vms.push({
      name: `vm${n}`, subnet: `s${n % subnetCount}`,
      defaultRoute: n % 13 !== 5,
      securityGroups: n % 11 === 4 ? ['web'] : n % 17 === 8 ? ['locked', 'web'] : [],
      listen: n % 2 === 0 ? [{ protocol: 'tcp', port: 443 }] : [],
      // The third VM of vpc-1's first subnet routes via the NAT gateway's lanIp.
      ...(n === 2 * subnetCount + 1 && { defaultRouteVia: LAN_IP }),
    });
  }
  const nat = vpcCount > 1 && subnetCount > 1;
  return spec({
    vpcs,
    subnets,
    securityGroups: [
      { name: 'web', ingressRules: [rule({ protocol: 'tcp', portRangeMin: 443, portRangeMax: 443, remoteAddress: '10.0.0.0/8' }), rule({ protocol: 'icmp', remoteAddress: '10.1.0.0/16', priority: 20 })], egressRules: [rule({ remoteAddress: '10.0.0.0/12' })], allowSameGroupTraffic: true },
      { name: 'locked', ingressRules: [rule({ protocol: 'all', remoteAddress: '10.2.0.5', policy: 'drop', priority: 1 })] },
    ],
    vms,
    ...(nat && {
      natGateways: [{ name: 'gw1', vpc: 'vpc-1', subnet: 's1', lanIp: LAN_IP }],
      eips: [{ name: 'eip-snat', natGwDp: 'gw1', v4ip: '192.0.2.100' }, { name: 'eip-fip', natGwDp: 'gw1', v4ip: '192.0.2.101' }],
      snatRules: [{ name: 'snat1', eip: 'eip-snat', internalCIDR: '10.1.0.0/24' }],
      // The fourth VM of s1 (IPAM: .2, .3, .4, .5 in file order).
      fipRules: [{ name: 'fip1', eip: 'eip-fip', internalIp: '10.1.0.5' }],
    }),
  });
}

const LAN_IP = '10.1.0.254';
