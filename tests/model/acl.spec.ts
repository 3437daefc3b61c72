import { expect, test } from '@playwright/test';
import { model, peered, rule, icmp, type Case, type SpecIn } from './fixtures.ts';
import type { ProbeRequest } from '../../lib/model/index.ts';

// The docs' private subnet verification: vswitch1-subnet goes private, then allows vswitch2-subnet.
function docsPrivate(allowSubnets: string[], extra: Partial<SpecIn> = {}): SpecIn {
  return {
    vpcs: [{ name: 'vpc-1' }],
    subnets: [
      { name: 'vswitch1-subnet', vpc: 'vpc-1', cidrBlock: '172.20.10.0/24', private: true, allowSubnets },
      { name: 'vswitch2-subnet', vpc: 'vpc-1', cidrBlock: '172.20.20.0/24' },
      { name: 'vswitch3-subnet', vpc: 'vpc-1', cidrBlock: '172.20.30.0/24' },
    ],
    vms: [
      { name: 'vm1-vswitch1', subnet: 'vswitch1-subnet', ip: '172.20.10.6' },
      { name: 'vm2-vswitch1', subnet: 'vswitch1-subnet', ip: '172.20.10.7' },
      { name: 'vm1-vswitch2', subnet: 'vswitch2-subnet', ip: '172.20.20.3' },
      { name: 'vm1-vswitch3', subnet: 'vswitch3-subnet', ip: '172.20.30.3' },
    ],
    ...extra,
  };
}

// The blog's security group: tcp/443 only from the peered VPC 10.2.0.0/16.
function blogSg(ingressRules = [rule({ protocol: 'tcp', portRangeMin: 443, portRangeMax: 443, remoteAddress: '10.2.0.0/16' })], egressRules: ReturnType<typeof rule>[] = []): SpecIn {
  return {
    vpcs: peered({ name: 'vpc-a', ip: '169.254.0.1/30', routes: ['10.2.0.0/16'] }, { name: 'vpc-b', ip: '169.254.0.2/30', routes: ['10.1.0.0/16'] }),
    subnets: [
      { name: 'a1', vpc: 'vpc-a', cidrBlock: '10.1.0.0/24' },
      { name: 'a2', vpc: 'vpc-a', cidrBlock: '10.1.1.0/24' },
      { name: 'b1', vpc: 'vpc-b', cidrBlock: '10.2.0.0/24' },
    ],
    securityGroups: [{ name: 'web', ingressRules, egressRules }],
    vms: [
      { name: 'web', subnet: 'a1', securityGroups: ['web'], listen: [{ protocol: 'tcp', port: 443 }, { protocol: 'tcp', port: 80 }] },
      { name: 'peer', subnet: 'b1', listen: [{ protocol: 'tcp', port: 443 }] },
      { name: 'local', subnet: 'a2' },
    ],
  };
}

// web admits icmp from members of `clients` (peer is one, local is not).
const remoteGroup: SpecIn = {
  ...blogSg(),
  securityGroups: [
    { name: 'web', ingressRules: [rule({ protocol: 'icmp', remoteType: 'securityGroup', remoteSecurityGroup: 'clients' })] },
    { name: 'clients', egressRules: [rule({})] },
  ],
  vms: [{ name: 'web', subnet: 'a1', securityGroups: ['web'] }, { name: 'peer', subnet: 'b1', securityGroups: ['clients'] }, { name: 'local', subnet: 'a2' }],
};

const tcp = (from: string, to: string, port: number): ProbeRequest => ({ from, to, probe: 'tcp', port });

const cases: Case[] = [
  { name: 'private subnet: request dropped leaving it', spec: docsPrivate([]), req: icmp('vm1-vswitch1', 'vm1-vswitch2'), outcome: 'timeout', disposition: 'DENIED_OUT', reason: /^vswitch1-subnet is private: request from 172\.20\.10\.6 to 172\.20\.20\.3 dropped leaving vswitch1-subnet \(to-lport ACL drop ip, priority 1000; 172\.20\.20\.3 not in allowSubnets\)$/ },
  { name: 'private subnet: request dropped entering it', spec: docsPrivate([]), req: icmp('vm1-vswitch2', 'vm1-vswitch1'), outcome: 'timeout', disposition: 'DENIED_IN', reason: /dropped entering vm1-vswitch1 \(to-lport ACL drop ip, priority 1000; 172\.20\.20\.3 not in allowSubnets\)/ },
  { name: 'private subnet: own subnet still reachable', spec: docsPrivate([]), req: icmp('vm1-vswitch1', 'vm2-vswitch1'), outcome: 'reachable', disposition: 'DELIVERED', reason: /same subnet/ },
  { name: 'private subnet: own gateway still reachable', spec: docsPrivate([]), req: icmp('vm1-vswitch1', '172.20.10.1'), outcome: 'reachable', disposition: 'DELIVERED', reason: /^172\.20\.10\.1 is router vpc-1's own port vpc-1-vswitch1-subnet; return vpc-1 route 172\.20\.10\.0\/24 \(connected, subnet vswitch1-subnet\)$/ },
  { name: 'allowSubnets opens the listed subnet', spec: docsPrivate(['172.20.20.0/24']), req: icmp('vm1-vswitch1', 'vm1-vswitch2'), outcome: 'reachable', disposition: 'DELIVERED', reason: /allowed by subnet vswitch1-subnet to-lport ACL allow-related \(ip4\.src == 172\.20\.10\.0\/24 && ip4\.dst == 172\.20\.20\.0\/24\)/ },
  { name: 'allowSubnets works both ways', spec: docsPrivate(['172.20.20.0/24']), req: icmp('vm1-vswitch2', 'vm1-vswitch1'), outcome: 'reachable', disposition: 'DELIVERED', reason: /allowed by/ },
  { name: 'allowSubnets does not open other subnets', spec: docsPrivate(['172.20.20.0/24']), req: icmp('vm1-vswitch1', 'vm1-vswitch3'), outcome: 'timeout', disposition: 'DENIED_OUT', reason: /172\.20\.30\.3 not in allowSubnets/ },
  {
    name: 'private subnet reaches an allowed subnet but not a peer',
    spec: { ...blogSg([]), securityGroups: [], subnets: [{ name: 'a1', vpc: 'vpc-a', cidrBlock: '10.1.0.0/24', private: true, allowSubnets: ['10.1.1.0/24'] }, { name: 'a2', vpc: 'vpc-a', cidrBlock: '10.1.1.0/24' }, { name: 'b1', vpc: 'vpc-b', cidrBlock: '10.2.0.0/24' }], vms: [{ name: 'web', subnet: 'a1' }, { name: 'peer', subnet: 'b1' }, { name: 'local', subnet: 'a2' }] },
    req: icmp('web', 'peer'), outcome: 'timeout', disposition: 'DENIED_OUT', reason: /a1 is private: .* 10\.2\.0\.2 not in allowSubnets/,
  },
  { name: 'SG: tcp/443 from the peered VPC', spec: blogSg(), req: tcp('peer', 'web', 443), outcome: 'reachable', disposition: 'DELIVERED', reason: /allowed by to-lport ACL security group web ingressRules\[0\] allow tcp 443 10\.2\.0\.0\/16/ },
  { name: 'SG: ping from the peered VPC', spec: blogSg(), req: icmp('peer', 'web'), outcome: 'timeout', disposition: 'DENIED_IN', reason: /^web is in security group web: request from 10\.2\.0\.2 to 10\.1\.0\.2 dropped entering web \(to-lport ACL kubeovn_deny_all drop ip, priority 2003; no ingress rule of web allows it\)$/ },
  { name: 'SG: tcp/80 from the peered VPC', spec: blogSg(), req: tcp('peer', 'web', 80), outcome: 'timeout', disposition: 'DENIED_IN', reason: /kubeovn_deny_all/ },
  { name: 'SG: tcp/443 from a source outside the rule', spec: blogSg(), req: tcp('local', 'web', 443), outcome: 'timeout', disposition: 'DENIED_IN', reason: /10\.1\.1\.2 to 10\.1\.0\.2 dropped entering web/ },
  { name: 'SG: ingress-only VM cannot ping out', spec: blogSg(), req: icmp('web', 'peer'), outcome: 'timeout', disposition: 'DENIED_OUT', reason: /dropped leaving web \(from-lport ACL kubeovn_deny_all drop ip, priority 2003; no egress rule of web allows it\)/ },
  { name: 'SG: egress rule lets it start connections', spec: blogSg(undefined, [rule({ protocol: 'all' })]), req: tcp('web', 'peer', 443), outcome: 'reachable', disposition: 'DELIVERED', reason: /egressRules\[0\]/ },
  { name: 'SG: allowed path, nothing listening: refused', spec: blogSg([rule({ protocol: 'tcp', portRangeMin: 1, portRangeMax: 65535, remoteAddress: '10.2.0.0/16' })]), req: tcp('peer', 'web', 8080), outcome: 'refused', disposition: 'DELIVERED', reason: /nothing listens on tcp\/8080 at web/ },
  { name: 'SG: smaller priority number wins (drop before allow)', spec: blogSg([rule({ protocol: 'tcp', portRangeMin: 443, portRangeMax: 443, remoteAddress: '10.2.0.0/16', priority: 20 }), rule({ protocol: 'all', remoteAddress: '10.2.0.2', policy: 'drop', priority: 5 })]), req: tcp('peer', 'web', 443), outcome: 'timeout', disposition: 'DENIED_IN', reason: /ingressRules\[1\] drop all 10\.2\.0\.2, priority 2295/ },
  { name: 'SG remote security group matches member addresses', spec: remoteGroup, req: icmp('peer', 'web'), outcome: 'reachable', disposition: 'DELIVERED', reason: /ingressRules\[0\] allow icmp security group clients/ },
  { name: 'SG remote security group excludes non-members', spec: remoteGroup, req: icmp('local', 'web'), outcome: 'timeout', disposition: 'DENIED_IN', reason: /kubeovn_deny_all/ },
  { name: 'SG allowSameGroupTraffic between members', spec: { ...blogSg(), securityGroups: [{ name: 'web', allowSameGroupTraffic: true }], vms: [{ name: 'web', subnet: 'a1', securityGroups: ['web'] }, { name: 'peer', subnet: 'b1', securityGroups: ['web'] }, { name: 'local', subnet: 'a2' }] }, req: icmp('peer', 'web'), outcome: 'reachable', disposition: 'DELIVERED', reason: /allowSameGroupTraffic/ },
  {
    name: 'SG allow outranks the private-subnet drop on one switch',
    spec: { ...blogSg([rule({ protocol: 'icmp', remoteAddress: '10.2.0.0/16' })]), subnets: [{ name: 'a1', vpc: 'vpc-a', cidrBlock: '10.1.0.0/24', private: true }, { name: 'a2', vpc: 'vpc-a', cidrBlock: '10.1.1.0/24' }, { name: 'b1', vpc: 'vpc-b', cidrBlock: '10.2.0.0/24' }] },
    req: icmp('peer', 'web'), outcome: 'reachable', disposition: 'DELIVERED', reason: /ingressRules\[0\] allow icmp 10\.2\.0\.0\/16/,
  },
  {
    name: 'SG deny-all outranks a private-subnet allow',
    spec: { ...blogSg([]), subnets: [{ name: 'a1', vpc: 'vpc-a', cidrBlock: '10.1.0.0/24', private: true, allowSubnets: ['10.2.0.0/16'] }, { name: 'a2', vpc: 'vpc-a', cidrBlock: '10.1.1.0/24' }, { name: 'b1', vpc: 'vpc-b', cidrBlock: '10.2.0.0/24' }] },
    req: icmp('peer', 'web'), outcome: 'timeout', disposition: 'DENIED_IN', reason: /priority 2003/,
  },
];

for (const c of cases) {
  test(`acl: ${c.name}`, () => {
    const p = model(c.spec).predict(c.req);
    expect({ outcome: p.outcome, disposition: p.disposition }, p.reason).toEqual({ outcome: c.outcome, disposition: c.disposition });
    expect(p.reason).toMatch(c.reason);
  });
}
