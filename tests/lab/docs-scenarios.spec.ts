// The Harvester docs' and the Kube-OVN blog's procedures, built in the lab and probed with plain
// pings and TCP connects from inside the VMs' namespaces.
import { test as base, expect } from '@playwright/test';
import { LabTarget, type LabRealized } from '../../lib/targets/lab/lab-target.ts';
import type { TopologySpec } from '../../lib/topology/types.ts';
import { addDefaultRoute, addDefaultRoutes, context, expectNoLeak, expectNoReply, expectReply, subnet, topology, vm, vpc } from './support.ts';

/**
 * `build` brings a topology up in the lab; after the test, pass or fail, every topology it built
 * is torn down and checked for leaks.
 */
const test = base.extend<{ build: (prefix: string, spec: TopologySpec) => Promise<LabRealized> }>({
  build: async ({}, use) => {
    const built: { lab: LabRealized; runId: string }[] = [];
    await use(async (prefix, spec) => {
      const ctx = context(prefix);
      const lab = await new LabTarget().up(spec, ctx);
      built.push({ lab, runId: ctx.runId });
      return lab;
    });
    const failed: unknown[] = [];
    for (const { lab } of built) await lab.down().catch((e: unknown) => failed.push(e));
    if (failed.length) throw failed[0];
    for (const { runId } of built) await expectNoLeak(runId);
  },
});

test('private subnet: isolated, then reachable from its allowSubnets', async ({ build }) => {
  const base = topology({
    vpcs: [vpc('commonvpc')],
    subnets: [subnet('subnet-a', '172.20.10.0/24', { vpc: 'commonvpc' }), subnet('subnet-b', '172.20.20.0/24', { vpc: 'commonvpc' })],
    vms: [vm('vm-a', 'subnet-a'), vm('vm-b', 'subnet-b'), vm('vm-a2', 'subnet-a')],
  });
  const withPrivate = (allowSubnets: string[]) => ({
    ...base,
    subnets: base.subnets.map((s) => (s.name === 'subnet-a' ? { ...s, private: true, allowSubnets } : s)),
  });
  const isolated = withPrivate([]);
  const lab = await build('private', base);
  await addDefaultRoutes(lab, base);
  await expectReply(lab, { from: 'vm-a', to: '172.20.20.2' });
  await lab.update(isolated);
  await expectNoReply(lab, isolated, { from: 'vm-a', to: '172.20.20.2' }, 'timeout');
  await expectNoReply(lab, isolated, { from: 'vm-b', to: '172.20.10.2' }, 'timeout');
  await expectReply(lab, { from: 'vm-a', to: '172.20.10.3' });
  await lab.update(withPrivate(['172.20.20.0/24']));
  await expectReply(lab, { from: 'vm-a', to: '172.20.20.2' });
  await expectReply(lab, { from: 'vm-b', to: '172.20.10.2' });
  await lab.update(base);
  await expectReply(lab, { from: 'vm-b', to: '172.20.10.2' });
});

test('natOutgoing: unreachable without route, timeout without NAT, reply from 192.0.2.1 with it', async ({ build }) => {
  const spec = topology({ subnets: [subnet('external-subnet', '172.20.30.0/24')], vms: [vm('vm-external', 'external-subnet', { defaultRoute: false })] });
  const lab = await build('nat', spec);
  expect(lab.internetIP).toBe('192.0.2.1');
  const toInternet = { from: 'vm-external', to: 'internet' };
  await expectNoReply(lab, spec, toInternet, 'network-unreachable');
  await addDefaultRoute(lab, 'vm-external');
  await expectNoReply(lab, spec, toInternet, 'timeout');
  await lab.update({ ...spec, subnets: spec.subnets.map((s) => ({ ...s, natOutgoing: true })) });
  await expectReply(lab, toInternet);
  await lab.update(spec);
  await expectNoReply(lab, spec, toInternet, 'timeout');
});

const peering = (routeTo2: string, routeTo1: string, sub1: string, sub2: string) => topology({
  vpcs: [
    vpc('vpcpeer-1', { vpcPeerings: [{ remoteVpc: 'vpcpeer-2', localConnectIP: '169.254.0.1/30' }], staticRoutes: [{ cidr: routeTo2, nextHopIP: '169.254.0.2', policy: 'policyDst' }] }),
    vpc('vpcpeer-2', { vpcPeerings: [{ remoteVpc: 'vpcpeer-1', localConnectIP: '169.254.0.2/30' }], staticRoutes: [{ cidr: routeTo1, nextHopIP: '169.254.0.1', policy: 'policyDst' }] }),
  ],
  subnets: [subnet('subnet1', sub1, { vpc: 'vpcpeer-1' }), subnet('subnet2', sub2, { vpc: 'vpcpeer-2' })],
  vms: [vm('vm1-vpcpeer1', 'subnet1'), vm('vm1-vpcpeer2', 'subnet2')],
});

test('peering Example 1 works both ways; removing one side breaks it', async ({ build }) => {
  const spec = peering('20.0.0.0/16', '10.0.0.0/16', '10.0.0.0/24', '20.0.0.0/24');
  const lab = await build('peer1', spec);
  await addDefaultRoutes(lab, spec);
  await expectReply(lab, { from: 'vm1-vpcpeer1', to: '20.0.0.2' });
  await expectReply(lab, { from: 'vm1-vpcpeer2', to: '10.0.0.2' });
  const ttl = await lab.exec('vm1-vpcpeer1', ['ping', '-n', '-c', '1', '-W', '1', '20.0.0.2']);
  expect(ttl.stdout).toContain('ttl=62');
  // A peering works only when both VPCs list each other (CreatePeerRouterPort makes one side).
  const oneSided = { ...spec, vpcs: spec.vpcs.map((v) => (v.name === 'vpcpeer-2' ? { ...v, vpcPeerings: [] } : v)) };
  await lab.update(oneSided);
  await expectNoReply(lab, oneSided, { from: 'vm1-vpcpeer1', to: '20.0.0.2' }, 'timeout');
});

test('peering Example 2 fails: the routes do not cover the remote subnets', async ({ build }) => {
  const spec = peering('20.0.0.0/16', '10.0.0.0/16', '10.1.0.0/24', '20.1.0.0/24');
  const lab = await build('peer2', spec);
  await addDefaultRoutes(lab, spec);
  await expectNoReply(lab, spec, { from: 'vm1-vpcpeer1', to: '20.1.0.2' }, 'timeout');
  await expectNoReply(lab, spec, { from: 'vm1-vpcpeer2', to: '10.1.0.2' }, 'timeout');
  const [trace, ovs] = await lab.diagnose({ from: 'vm1-vpcpeer1', toIp: '20.1.0.2', probe: 'icmp' });
  expect(trace!.command).toContain('ovn-trace');
  expect(trace!.output).toMatch(/lr_in_ip_routing[\s\S]*drop/);
  expect(trace!.output).not.toContain(lab.runId);
  // The same packet through br-int's OpenFlow tables: it enters at the VM's port and goes nowhere.
  expect(ovs!.command).toMatch(/ovs-appctl -t \S+ ofproto\/trace \S+ in_port=\S+,icmp,icmp_type=8,dl_src=\S+,dl_dst=\S+,nw_src=10\.1\.0\.\d+,nw_dst=20\.1\.0\.2,nw_ttl=64$/);
  expect(ovs!.output).toMatch(/^Flow: icmp,in_port=\d+,/m);
  expect(ovs!.output).toMatch(/Datapath actions: drop/);
});

// `allow`: the policyRoutes allow at 31000 for the peer's CIDR (kubeovn/kube-ovn#3102).
const withOvnCluster = (allow: boolean) => topology({
  vpcs: [
    vpc('ovn-cluster', {
      implicit: false, vpcPeerings: [{ remoteVpc: 'vpc-1', localConnectIP: '169.254.0.1/30' }], staticRoutes: [{ cidr: '10.0.0.0/16', nextHopIP: '169.254.0.2', policy: 'policyDst' }],
      policyRoutes: allow ? [{ priority: 31000, match: 'ip4.dst == 10.0.0.0/16', action: 'allow' }] : [],
    }),
    vpc('vpc-1', { vpcPeerings: [{ remoteVpc: 'ovn-cluster', localConnectIP: '169.254.0.2/30' }], staticRoutes: [{ cidr: '172.20.0.0/16', nextHopIP: '169.254.0.1', policy: 'policyDst' }] }),
  ],
  subnets: [subnet('default-subnet', '172.20.10.0/24'), subnet('subnet1', '10.0.0.0/24', { vpc: 'vpc-1' })],
  vms: [vm('vm-default', 'default-subnet'), vm('vm-custom', 'subnet1')],
});

test('peering a custom VPC with ovn-cluster: the 29000 reroute breaks it, a policyRoutes allow at 31000 fixes it', async ({ build }) => {
  for (const allow of [false, true]) {
    const spec = withOvnCluster(allow);
    const what = allow ? 'with the allow' : 'without the allow';
    const lab = await build(`ovnpeer-${allow ? 'allow' : 'plain'}`, spec);
    await addDefaultRoutes(lab, spec);
    for (const p of [{ from: 'vm-default', to: '10.0.0.2' }, { from: 'vm-custom', to: '172.20.10.2' }]) {
      if (allow) await expectReply(lab, p, 'reachable', what);
      else await expectNoReply(lab, spec, p, 'timeout', what);
    }
  }
});

test('security group: tcp 443 allowed (open answers, closed refused) versus blocked', async ({ build }) => {
  const rule = { ipVersion: 'ipv4', protocol: 'tcp', portRangeMin: 443, portRangeMax: 443, remoteType: 'address', remoteAddress: '10.0.0.0/16', policy: 'allow', priority: 10 } as const;
  const spec = topology({
    vpcs: [vpc('vpc-1')],
    subnets: [subnet('web', '10.0.1.0/24', { vpc: 'vpc-1' }), subnet('client', '10.0.2.0/24', { vpc: 'vpc-1' })],
    securityGroups: [{ name: 'web', allowSameGroupTraffic: false, ingressRules: [rule, { ...rule, portRangeMin: 444, portRangeMax: 444 }], egressRules: [] }],
    vms: [vm('server', 'web', { securityGroups: ['web'], listen: [{ protocol: 'tcp', port: 443 }] }), vm('client', 'client')],
  });
  const lab = await build('sg', spec);
  await addDefaultRoutes(lab, spec);
  await expectReply(lab, { from: 'client', to: '10.0.1.2', port: 443 });
  await expectReply(lab, { from: 'client', to: '10.0.1.2', port: 444 }, 'refused');
  await expectNoReply(lab, spec, { from: 'client', to: '10.0.1.2', port: 22 }, 'timeout');
  // deny-all at 2003 in both directions: the server answers nothing else, not even a ping.
  await expectNoReply(lab, spec, { from: 'client', to: '10.0.1.2' }, 'timeout');
  await expectNoReply(lab, spec, { from: 'server', to: '10.0.2.2' }, 'timeout');
  // 443 narrowed to another source; 444 still admitted, so the server's RST shows it is alive.
  const blocked = { ...spec, securityGroups: spec.securityGroups.map((g) => ({ ...g, ingressRules: [{ ...rule, remoteAddress: '10.9.0.0/16' }, g.ingressRules[1]!] })) };
  await lab.update(blocked);
  await expectNoReply(lab, blocked, { from: 'client', to: '10.0.1.2', port: 443 }, 'timeout');
  await lab.update({ ...spec, vms: spec.vms.map((v) => ({ ...v, securityGroups: [] })) });
  await expectReply(lab, { from: 'client', to: '10.0.1.2' });
});
