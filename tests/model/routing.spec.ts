import { expect, test } from '@playwright/test';
import { model, peered, icmp, type Case, type SpecIn } from './fixtures.ts';

// The docs' VPC peering verification: vpcpeer-1 10.0.0.0/16 <-> vpcpeer-2 20.0.0.0/16 over 169.254.0.0/30.
function docsPeering(subnet1: string, subnet2: string): SpecIn {
  return {
    vpcs: peered(
      { name: 'vpcpeer-1', ip: '169.254.0.1/30', routes: ['20.0.0.0/16'] },
      { name: 'vpcpeer-2', ip: '169.254.0.2/30', routes: ['10.0.0.0/16'] },
    ),
    subnets: [
      { name: 'subnet1', vpc: 'vpcpeer-1', cidrBlock: subnet1 },
      { name: 'subnet2', vpc: 'vpcpeer-2', cidrBlock: subnet2 },
    ],
    vms: [{ name: 'vm1-vpcpeer1', subnet: 'subnet1' }, { name: 'vm1-vpcpeer2', subnet: 'subnet2' }],
  };
}

type R = [cidr: string, nextHopIP: string, policy?: 'policySrc'];

/** Example 1 with other static routes (and link prefix length) on either side. */
function variant(routes1: R[], routes2: R[] = [['10.0.0.0/16', '169.254.0.1']], len = 30): SpecIn {
  const base = docsPeering('10.0.0.0/24', '20.0.0.0/24');
  const routes = (rs: R[]) => rs.map(([cidr, nextHopIP, policy]) => ({ cidr, nextHopIP, policy: policy ?? ('policyDst' as const) }));
  return {
    ...base,
    vpcs: [
      { name: 'vpcpeer-1', vpcPeerings: [{ remoteVpc: 'vpcpeer-2', localConnectIP: `169.254.0.1/${len}` }], staticRoutes: routes(routes1) },
      { name: 'vpcpeer-2', vpcPeerings: [{ remoteVpc: 'vpcpeer-1', localConnectIP: `169.254.0.2/${len}` }], staticRoutes: routes(routes2) },
    ],
  };
}

const sameVpc: SpecIn = {
  vpcs: [{ name: 'vpc-1' }],
  subnets: [
    { name: 'vswitch1-subnet', vpc: 'vpc-1', cidrBlock: '172.20.10.0/24' },
    { name: 'vswitch2-subnet', vpc: 'vpc-1', cidrBlock: '172.20.20.0/24' },
  ],
  vms: [
    { name: 'vm1-vswitch1', subnet: 'vswitch1-subnet', ip: '172.20.10.6' },
    { name: 'vm2-vswitch1', subnet: 'vswitch1-subnet', defaultRoute: false },
    { name: 'vm1-vswitch2', subnet: 'vswitch2-subnet', ip: '172.20.20.3' },
    { name: 'vm2-vswitch2', subnet: 'vswitch2-subnet', defaultRoute: false },
  ],
};

// Hub-and-spoke: spokes peer only with the hub; `spokeRoutes` lets each spoke cover the other via the hub.
function hub(spokeRoutes: boolean): SpecIn {
  const spoke = (n: number, other: number) => ({
    name: `spoke-${n}`,
    vpcPeerings: [{ remoteVpc: 'hub', localConnectIP: `169.254.${n}.2/30` }],
    staticRoutes: ['10.9.0.0/16', ...(spokeRoutes ? [`10.${other - 1}.0.0/16`] : [])]
      .map((cidr) => ({ cidr, nextHopIP: `169.254.${n}.1`, policy: 'policyDst' as const })),
  });
  return {
    vpcs: [
      { name: 'hub', vpcPeerings: [1, 2].map((n) => ({ remoteVpc: `spoke-${n}`, localConnectIP: `169.254.${n}.1/30` })),
        staticRoutes: [1, 2].map((n) => ({ cidr: `10.${n - 1}.0.0/16`, nextHopIP: `169.254.${n}.2`, policy: 'policyDst' as const })) },
      spoke(1, 2), spoke(2, 1),
    ],
    subnets: [
      { name: 's1', vpc: 'spoke-1', cidrBlock: '10.0.0.0/24' },
      { name: 's2', vpc: 'spoke-2', cidrBlock: '10.1.0.0/24' },
      { name: 'h', vpc: 'hub', cidrBlock: '10.9.0.0/24' },
    ],
    vms: [{ name: 'a', subnet: 's1' }, { name: 'b', subnet: 's2' }, { name: 'h', subnet: 'h' }],
  };
}


const cases: Case[] = [
  { name: 'same subnet, no default route needed', spec: sameVpc, req: icmp('vm2-vswitch1', 'vm1-vswitch1'), outcome: 'reachable', disposition: 'DELIVERED', reason: /same subnet vswitch1-subnet/ },
  { name: 'subnets of one VPC reach each other', spec: sameVpc, req: icmp('vm1-vswitch1', 'vm1-vswitch2'), outcome: 'reachable', disposition: 'DELIVERED', reason: /vpc-1 route 172\.20\.20\.0\/24 \(connected, subnet vswitch2-subnet\); return vpc-1 route 172\.20\.10\.0\/24/ },
  { name: 'no default route: network-unreachable', spec: sameVpc, req: icmp('vm2-vswitch1', 'vm1-vswitch2'), outcome: 'network-unreachable', disposition: 'NO_ROUTE', reason: /vm2-vswitch1 has no default route .*Network is unreachable/ },
  { name: 'no default route on the far side: no reply', spec: sameVpc, req: icmp('vm1-vswitch1', 'vm2-vswitch2'), outcome: 'timeout', disposition: 'NO_RETURN_ROUTE', reason: /vm2-vswitch2 has no default route \(binding bridge does not pass the router option .*\), so it cannot answer 172\.20\.10\.6/ },
  { name: 'own gateway answers without a default route', spec: sameVpc, req: icmp('vm2-vswitch1', '172.20.10.1'), outcome: 'reachable', disposition: 'DELIVERED', reason: /^172\.20\.10\.1 is router vpc-1's own port vpc-1-vswitch1-subnet; return vpc-1 route 172\.20\.10\.0\/24 \(connected, subnet vswitch1-subnet\)$/ },
  { name: 'another subnet gateway is a router address', spec: sameVpc, req: icmp('vm1-vswitch1', '172.20.20.1'), outcome: 'reachable', disposition: 'DELIVERED', reason: /^172\.20\.20\.1 is router vpc-1's own port vpc-1-vswitch2-subnet; return vpc-1 route 172\.20\.10\.0\/24 \(connected, subnet vswitch1-subnet\)$/ },
  { name: 'unused address in a subnet: nothing answers ARP', spec: sameVpc, req: icmp('vm1-vswitch1', '172.20.20.99'), outcome: 'timeout', disposition: 'NEIGHBOR_UNREACHABLE', reason: /no VM holds 172\.20\.20\.99 in subnet vswitch2-subnet/ },
  { name: 'docs Example 1 forward', spec: docsPeering('10.0.0.0/24', '20.0.0.0/24'), req: icmp('vm1-vpcpeer1', 'vm1-vpcpeer2'), outcome: 'reachable', disposition: 'DELIVERED', reason: /^vpcpeer-1 route 20\.0\.0\.0\/16 via 169\.254\.0\.2; return vpcpeer-2 route 10\.0\.0\.0\/16 via 169\.254\.0\.1$/ },
  { name: 'docs Example 1 back', spec: docsPeering('10.0.0.0/24', '20.0.0.0/24'), req: icmp('vm1-vpcpeer2', 'vm1-vpcpeer1'), outcome: 'reachable', disposition: 'DELIVERED', reason: /vpcpeer-2 route 10\.0\.0\.0\/16/ },
  { name: 'docs Example 2: route does not cover the remote subnet', spec: docsPeering('10.1.0.0/24', '20.1.0.0/24'), req: icmp('vm1-vpcpeer1', 'vm1-vpcpeer2'), outcome: 'timeout', disposition: 'NO_ROUTE', reason: /^vpcpeer-1 has no route to 20\.1\.0\.2 \(route 20\.0\.0\.0\/16 via 169\.254\.0\.2 does not cover it\)$/ },
  { name: 'remote localConnectIP answers ping', spec: docsPeering('10.0.0.0/24', '20.0.0.0/24'), req: icmp('vm1-vpcpeer1', '169.254.0.2'), outcome: 'reachable', disposition: 'DELIVERED', reason: /^vpcpeer-1 route 169\.254\.0\.0\/30 \(connected, peering port vpcpeer-1-vpcpeer-2\); return vpcpeer-2 route 10\.0\.0\.0\/16 via 169\.254\.0\.1$/ },
  { name: 'unpeered VPCs are isolated', spec: { ...sameVpc, vpcs: [{ name: 'vpc-1' }, { name: 'vpc-2' }], subnets: [sameVpc.subnets[0]!, { ...sameVpc.subnets[1]!, vpc: 'vpc-2' }] }, req: icmp('vm1-vswitch1', 'vm1-vswitch2'), outcome: 'timeout', disposition: 'NO_ROUTE', reason: /vpc-1 has no route to 172\.20\.20\.3 \(it has no static routes\)/ },
  {
    name: 'forward route without a return route',
    spec: variant([['20.0.0.0/16', '169.254.0.2']], [['30.0.0.0/16', '169.254.0.1']]),
    req: icmp('vm1-vpcpeer1', 'vm1-vpcpeer2'), outcome: 'timeout', disposition: 'NO_RETURN_ROUTE', reason: /^no return route: vpcpeer-2 has no route to 10\.0\.0\.2 \(route 30\.0\.0\.0\/16 via 169\.254\.0\.1 does not cover it\)$/,
  },
  {
    name: 'next hop is not the remote end of the peering',
    spec: variant([['20.0.0.0/16', '169.254.0.3']], undefined, 29),
    req: icmp('vm1-vpcpeer1', 'vm1-vpcpeer2'), outcome: 'timeout', disposition: 'NEIGHBOR_UNREACHABLE', reason: /next hop 169\.254\.0\.3 is not vpcpeer-2's localConnectIP 169\.254\.0\.2/,
  },
  {
    name: 'next hop on no connected network: route not installed',
    spec: variant([['20.0.0.0/16', '192.168.7.1']]),
    req: icmp('vm1-vpcpeer1', 'vm1-vpcpeer2'), outcome: 'timeout', disposition: 'NO_ROUTE', reason: /route 20\.0\.0\.0\/16 via 192\.168\.7\.1 is not installed: 192\.168\.7\.1 is on none of vpcpeer-1's networks/,
  },
  {
    name: 'one-sided peering',
    spec: (() => { const v = variant([['20.0.0.0/16', '169.254.0.2']]); return { ...v, vpcs: [v.vpcs![0]!, { ...v.vpcs![1]!, vpcPeerings: [] }] }; })(),
    req: icmp('vm1-vpcpeer1', 'vm1-vpcpeer2'), outcome: 'timeout', disposition: 'NEIGHBOR_UNREACHABLE', reason: /peering vpcpeer-1 -> vpcpeer-2 is one-sided: vpcpeer-2 does not list vpcpeer-1/,
  },
  {
    name: 'policySrc route carries traffic by source',
    spec: variant([['10.0.0.0/24', '169.254.0.2', 'policySrc']]),
    req: icmp('vm1-vpcpeer1', 'vm1-vpcpeer2'), outcome: 'reachable', disposition: 'DELIVERED', reason: /^vpcpeer-1 route src 10\.0\.0\.0\/24 via 169\.254\.0\.2;/,
  },
  {
    name: 'longest prefix wins over a shorter route to a dead next hop',
    spec: variant([['20.0.0.0/24', '169.254.0.2'], ['20.0.0.0/16', '169.254.0.5']], undefined, 29),
    req: icmp('vm1-vpcpeer1', 'vm1-vpcpeer2'), outcome: 'reachable', disposition: 'DELIVERED', reason: /vpcpeer-1 route 20\.0\.0\.0\/24 via 169\.254\.0\.2/,
  },
  {
    name: 'longer dst route beats a shorter src route',
    spec: variant([['20.0.0.0/24', '169.254.0.2'], ['10.0.0.0/16', '169.254.0.5', 'policySrc']], undefined, 29),
    req: icmp('vm1-vpcpeer1', 'vm1-vpcpeer2'), outcome: 'reachable', disposition: 'DELIVERED', reason: /route 20\.0\.0\.0\/24 via 169\.254\.0\.2/,
  },
  {
    // Kube-OVN's OVN ranks every src-ip route below every dst-ip route but the default route.
    name: 'a shorter dst route beats a longer src route',
    spec: variant([['20.0.0.0/16', '169.254.0.2'], ['10.0.0.0/24', '169.254.0.5', 'policySrc']], undefined, 29),
    req: icmp('vm1-vpcpeer1', 'vm1-vpcpeer2'), outcome: 'reachable', disposition: 'DELIVERED', reason: /^vpcpeer-1 route 20\.0\.0\.0\/16 via 169\.254\.0\.2;/,
  },
  {
    name: 'a src route decides where no dst route covers the destination',
    spec: variant([['20.0.0.0/16', '169.254.0.2'], ['10.0.0.0/24', '169.254.0.5', 'policySrc']], undefined, 29),
    req: icmp('vm1-vpcpeer1', '30.0.0.9'), outcome: 'timeout', disposition: 'NEIGHBOR_UNREACHABLE', reason: /next hop 169\.254\.0\.5/,
  },
  { name: 'hub-and-spoke transit with routes via the hub', spec: hub(true), req: icmp('a', 'b'), outcome: 'reachable', disposition: 'DELIVERED', reason: /spoke-1 route 10\.1\.0\.0\/16 via 169\.254\.1\.1, hub route 10\.1\.0\.0\/16 via 169\.254\.2\.2; return spoke-2 route 10\.0\.0\.0\/16 via 169\.254\.2\.1, hub route 10\.0\.0\.0\/16 via 169\.254\.1\.2/ },
  { name: 'spokes without routes via the hub', spec: hub(false), req: icmp('a', 'b'), outcome: 'timeout', disposition: 'NO_ROUTE', reason: /^spoke-1 has no route to 10\.1\.0\.2 \(route 10\.9\.0\.0\/16 via 169\.254\.1\.1 does not cover it\)$/ },
  { name: 'spoke reaches the hub', spec: hub(false), req: icmp('a', 'h'), outcome: 'reachable', disposition: 'DELIVERED', reason: /spoke-1 route/ },
  {
    name: 'routing loop between two VPCs',
    spec: variant([['30.0.0.0/16', '169.254.0.2']], [['30.0.0.0/16', '169.254.0.1']]),
    req: icmp('vm1-vpcpeer1', '30.0.0.9'), outcome: 'timeout', disposition: 'LOOP', reason: /^routing loop: vpcpeer-1 -> vpcpeer-2 -> vpcpeer-1$/,
  },
];

for (const c of cases) {
  test(`routing: ${c.name}`, () => {
    const p = model(c.spec).predict(c.req);
    expect({ outcome: p.outcome, disposition: p.disposition }, p.reason).toEqual({ outcome: c.outcome, disposition: c.disposition });
    expect(p.reason).toMatch(c.reason);
  });
}
