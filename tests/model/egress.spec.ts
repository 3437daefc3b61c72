import { expect, test } from '@playwright/test';
import { model, peered, type SpecIn } from './fixtures.ts';
import type { Platform } from '../../lib/topology/types.ts';

// The docs' natOutgoing verification: external-subnet in ovn-cluster, vm-external at 172.20.30.2.
function docsNat(defaultRoute: boolean, natOutgoing: boolean, extra: Partial<SpecIn> = {}): SpecIn {
  return {
    subnets: [{ name: 'external-subnet', cidrBlock: '172.20.30.0/24', natOutgoing }],
    vms: [{ name: 'vm-external', subnet: 'external-subnet', defaultRoute }],
    ...extra,
  };
}

test('natOutgoing procedure: no default route, then route, then natOutgoing', () => {
  const steps = [docsNat(false, false), docsNat(true, false), docsNat(true, true)]
    .map((s) => model(s).predict({ from: 'vm-external', to: 'internet', probe: 'icmp' }));
  expect(steps.map((p) => p.outcome)).toEqual(['network-unreachable', 'timeout', 'reachable']);
  expect(steps.map((p) => p.disposition)).toEqual(['NO_ROUTE', 'NO_NAT', 'DELIVERED']);
  expect(steps[0]!.fromIp).toBe('172.20.30.2');
  expect(steps[1]!.reason).toBe('no MASQUERADE at the node: subnet external-subnet has natOutgoing: false, so the upstream cannot route the reply to 172.20.30.0/24');
  // Kube-OVN's 29000 policy, not the default route (via ovn-cluster's own 100.64.0.1), takes it to the node.
  expect(steps[2]!.reason).toMatch(/^ovn-cluster policy 29000 ip4\.src == \$external\.subnet\.node\.1_ip4 reroute 100\.64\.0\.2, MASQUERADE at the node \(natOutgoing on external-subnet\)/);
  expect(steps[2]!.toIp).toBe('192.0.2.1');
});

test('an address outside the topology is an external host like the internet', () => {
  const m = model(docsNat(true, true));
  expect(m.predict({ from: 'vm-external', to: '198.51.100.7', probe: 'icmp' }).outcome).toBe('reachable');
  expect(m.predict({ from: 'vm-external', to: '198.51.100.7', probe: 'tcp', port: 443 }).outcome).toBe('refused');
});

test('natOutgoing does nothing on a custom VPC: the VPC has no route out', () => {
  const p = model(docsNat(true, true, { vpcs: [{ name: 'vpc-1' }], subnets: [{ name: 'external-subnet', vpc: 'vpc-1', cidrBlock: '172.20.30.0/24', natOutgoing: true }] }))
    .predict({ from: 'vm-external', to: 'internet', probe: 'icmp' });
  expect([p.outcome, p.disposition]).toEqual(['timeout', 'NO_ROUTE']);
  expect(p.reason).toBe('vpc-1 has no route to 192.0.2.1 (it has no static routes); natOutgoing only applies to ovn-cluster subnets');
});

test('a private ovn-cluster subnet loses the internet despite natOutgoing', () => {
  const p = model(docsNat(true, true, { subnets: [{ name: 'external-subnet', cidrBlock: '172.20.30.0/24', natOutgoing: true, private: true }] }))
    .predict({ from: 'vm-external', to: 'internet', probe: 'icmp' });
  expect([p.outcome, p.disposition]).toEqual(['timeout', 'DENIED_OUT']);
  expect(p.reason).toMatch(/192\.0\.2\.1 not in allowSubnets/);
});

// A custom VPC peered with ovn-cluster, as in the blog's "Kubernetes Integration" section;
// `allow`: the blog's working setup, a policyRoutes allow at 31000 for the peer's CIDR.
function clusterPeering(platform: Platform, allow = false): SpecIn {
  const [cluster, x] = peered({ name: 'ovn-cluster', ip: '169.254.9.1/30', routes: ['10.8.0.0/16'] }, { name: 'vpc-x', ip: '169.254.9.2/30', routes: ['10.54.0.0/16'] });
  return {
    platform,
    vpcs: [{ ...cluster!, policyRoutes: allow ? [{ priority: 31000, match: 'ip4.dst == 10.8.0.0/16', action: 'allow' }] : [] }, x!],
    subnets: [
      { name: 'pods', cidrBlock: '10.54.0.0/24', natOutgoing: true },
      { name: 'x1', vpc: 'vpc-x', cidrBlock: '10.8.0.0/24' },
    ],
    vms: [{ name: 'pod', subnet: 'pods' }, { name: 'vmx', subnet: 'x1' }],
  };
}

test('peering with ovn-cluster fails in both directions: the 29000 reroute takes the traffic to the node', () => {
  const m = model(clusterPeering('harvester'));
  const out = m.predict({ from: 'pod', to: 'vmx', probe: 'icmp' });
  const into = m.predict({ from: 'vmx', to: 'pod', probe: 'icmp' });
  expect([out.outcome, out.disposition]).toEqual(['timeout', 'REROUTED_TO_NODE']);
  expect(out.reason).toMatch(/policy 29000.*harvester\/harvester#8906/);
  expect([into.outcome, into.disposition]).toEqual(['timeout', 'REROUTED_TO_NODE']);
  expect(into.reason).toMatch(/^the reply is lost: ovn-cluster policy 29000 ip4\.src == \$pods\.node\.1_ip4 reroute 100\.64\.0\.2 sends/);
  // The internet still works for the natOutgoing subnet: only peered prefixes are affected.
  expect(m.predict({ from: 'pod', to: 'internet', probe: 'icmp' }).outcome).toBe('reachable');
});

test('platform changes no prediction: it only selects warnings', () => {
  for (const allow of [false, true]) {
    const [h, k] = (['harvester', 'kube-ovn'] as const).map((p) => model(clusterPeering(p, allow)));
    for (const [from, to] of [['pod', 'vmx'], ['vmx', 'pod'], ['pod', 'internet']] as const) {
      expect(k!.predict({ from, to, probe: 'icmp' })).toEqual(h!.predict({ from, to, probe: 'icmp' }));
    }
  }
});

test('a policyRoutes allow at 31000 on ovn-cluster outranks the 29000 reroute: the peering follows the routes', () => {
  const m = model(clusterPeering('harvester', true));
  const out = m.predict({ from: 'pod', to: 'vmx', probe: 'icmp' });
  expect(out.outcome).toBe('reachable');
  expect(out.reason).toBe('ovn-cluster route 10.8.0.0/16 via 169.254.9.2, ovn-cluster policy 31000 ip4.dst == 10.8.0.0/16 allow (policyRoutes) over policy 29000 ip4.src == $pods.node.1_ip4 reroute 100.64.0.2; return vpc-x route 10.54.0.0/16 via 169.254.9.1');
  expect(m.predict({ from: 'vmx', to: 'pod', probe: 'icmp' }).outcome).toBe('reachable');
  expect(m.predict({ from: 'pod', to: 'internet', probe: 'icmp' }).outcome).toBe('reachable');
});

test('excludeIps and fixed addresses shape the addresses probes name', () => {
  const m = model({
    subnets: [{ name: 's', cidrBlock: '10.0.0.0/28', gateway: '10.0.0.6', excludeIps: ['10.0.0.1..10.0.0.2', '10.0.0.4'] }],
    vms: [{ name: 'a', subnet: 's' }, { name: 'b', subnet: 's', ip: '10.0.0.3' }, { name: 'c', subnet: 's' }],
  });
  expect(['a', 'b', 'c'].map((v) => m.addressOf(v))).toEqual(['10.0.0.5', '10.0.0.3', '10.0.0.7']);
  const p = m.predict({ from: 'a', to: 'b', probe: 'icmp' });
  expect([p.fromIp, p.toIp]).toEqual(['10.0.0.5', '10.0.0.3']);
});
