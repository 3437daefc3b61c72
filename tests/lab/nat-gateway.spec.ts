// The VPC NAT gateway in the lab (issue 18): a namespace with a LAN leg on its subnet's switch and
// an external leg on the upstream segment, configured as Kube-OVN's nat-gateway.sh v1.15 does.
// Egress through SNAT and FIP shows the EIP the upstream host saw, inbound DNAT and FIP reach the
// VM, an EIP port without DNAT is refused by the gateway itself, a phase that removes the VPC's
// route to the gateway loses both directions, and teardown leaves nothing.
import { test, expect } from '@playwright/test';
import { execa } from 'execa';
import { LabTarget, type LabRealized } from '../../lib/targets/lab/lab-target.ts';
import { DEFAULT_LAB_DIR, RunNames } from '../../lib/targets/lab/names.ts';
import { inNamespace } from '../../lib/targets/lab/proc.ts';
import { SEEN_AS_PORT } from '../../lib/targets/lab/realized.ts';
import type { TopologySpec } from '../../lib/topology/types.ts';
import { TargetError } from '../../lib/targets/target.ts';
import { addDefaultRoutes, context, expectNoLeak, expectNoReply, expectReply, subnet, topology, vm, vpc } from './support.ts';

const LAN_IP = '10.81.1.254';
const DEFAULT_TO_GW = { cidr: '0.0.0.0/0', nextHopIP: LAN_IP, policy: 'policyDst' as const };

function spec(routeToGateway: boolean): TopologySpec {
  return topology({
    vpcs: [vpc('vpc-nat', { staticRoutes: routeToGateway ? [DEFAULT_TO_GW] : [] })],
    subnets: [subnet('lan', '10.81.1.0/24', { vpc: 'vpc-nat' }), subnet('apps', '10.81.2.0/24', { vpc: 'vpc-nat' })],
    vms: [
      vm('snat-vm', 'lan', { ip: '10.81.1.10' }),
      vm('web', 'lan', { ip: '10.81.1.20', listen: [{ port: 80, protocol: 'tcp' }] }),
      vm('fip-vm', 'apps', { ip: '10.81.2.10', listen: [{ port: 22, protocol: 'tcp' }] }),
      vm('bare-vm', 'apps', { ip: '10.81.2.20' }),
    ],
    natGateways: [{ name: 'gw1', vpc: 'vpc-nat', subnet: 'lan', lanIp: LAN_IP, externalSubnets: ['ovn-vpc-external-network'] }],
    eips: [
      { name: 'eip-snat', natGwDp: 'gw1', v4ip: '192.0.2.100', externalSubnet: 'ovn-vpc-external-network' },
      { name: 'eip-fip', natGwDp: 'gw1', v4ip: '192.0.2.101', externalSubnet: 'ovn-vpc-external-network' },
    ],
    snatRules: [{ name: 'snat1', eip: 'eip-snat', internalCIDR: '10.81.1.0/24' }],
    dnatRules: [{ name: 'dnat1', eip: 'eip-snat', externalPort: 8080, internalIp: '10.81.1.20', internalPort: 80, protocol: 'tcp' }],
    fipRules: [{ name: 'fip1', eip: 'eip-fip', internalIp: '10.81.2.10' }],
  });
}

type Outcome = 'reachable' | 'refused' | 'timeout' | 'error';

/** One TCP connect or ping from the upstream host (192.0.2.1), the source of `from: external`. */
async function fromUpstream(lab: LabRealized, ip: string, port?: number): Promise<Outcome> {
  const ns = new RunNames(lab.runId).upstreamNamespace();
  if (port === undefined) {
    const r = await inNamespace(ns, ['ping', '-n', '-c', '1', '-W', '1', ip], { allowFailure: true });
    return r.exitCode === 0 ? 'reachable' : /100% packet loss/.test(r.stdout) ? 'timeout' : 'error';
  }
  const r = await inNamespace(ns, ['nc', '-z', '-v', '-n', '-w', '2', ip, String(port)], { allowFailure: true });
  return r.exitCode === 0 ? 'reachable' : /refused/i.test(r.stderr) ? 'refused' : /timed out|in progress/i.test(r.stderr) ? 'timeout' : 'error';
}

async function expectFromUpstream(lab: LabRealized, ip: string, port: number | undefined, wanted: Outcome): Promise<void> {
  const deadline = Date.now() + 5000;
  let seen = await fromUpstream(lab, ip, port);
  while (seen !== wanted && wanted !== 'timeout' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    seen = await fromUpstream(lab, ip, port);
  }
  expect(seen, `upstream -> ${ip}${port === undefined ? ' icmp' : ` tcp/${port}`}`).toBe(wanted);
}

/** The source address the upstream's who-am-I service saw for a connection from `vm`. */
async function seenAs(lab: LabRealized, vm: string): Promise<string> {
  const r = await lab.exec(vm, ['socat', '-T', '3', 'STDIO', `TCP:${lab.internetIP}:${SEEN_AS_PORT},connect-timeout=3`], { timeoutMs: 10_000 });
  return r.stdout.trim() || `nothing (exit ${r.exitCode}: ${r.stderr.trim()})`;
}

test('a NAT gateway: SNAT and FIP egress as their EIPs, DNAT and FIP inbound, the gateway refusing an unforwarded port, and the route to it removed, the rules changed, the gateway removed', async () => {
  const ctx = context('natgw');
  const first = spec(true);
  const lab = await new LabTarget().up(first, ctx);
  const names = new RunNames(ctx.runId);
  try {
    // nat-gateway.sh's chains, exactly (kubeovn/kube-ovn v1.15.x dist/images/vpcnatgateway/nat-gateway.sh).
    const rules = (await lab.natGatewayExec('gw1', ['iptables', '-t', 'nat', '-S'])).stdout.split('\n').filter((l) => /^-A /.test(l));
    expect(rules).toEqual([
      '-A PREROUTING -j DNAT_FILTER',
      '-A POSTROUTING -j SNAT_FILTER',
      '-A DNAT_FILTER -j EXCLUSIVE_DNAT',
      '-A DNAT_FILTER -j SHARED_DNAT',
      '-A EXCLUSIVE_DNAT -d 192.0.2.101/32 -j DNAT --to-destination 10.81.2.10',
      '-A EXCLUSIVE_SNAT -s 10.81.2.10/32 -j SNAT --to-source 192.0.2.101',
      '-A SHARED_DNAT -d 192.0.2.100/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.81.1.20:80',
      '-A SHARED_SNAT -s 10.81.1.0/24 -o net1 -j SNAT --to-source 192.0.2.100 --random-fully',
      '-A SNAT_FILTER -j EXCLUSIVE_SNAT',
      '-A SNAT_FILTER -j SHARED_SNAT',
    ]);
    const gatewayPorts = async () => (await execa('ovn-nbctl', [`--db=unix:${DEFAULT_LAB_DIR}/nb.sock`, '--bare', '--columns=addresses', 'find', 'Logical_Switch_Port', `name=${names.natGatewayLsp('gw1')}`])).stdout.trim();
    expect(await gatewayPorts()).toBe(`${names.mac('natgw', 'gw1')} ${LAN_IP}`);
    const routes = (await lab.natGatewayExec('gw1', ['ip', '-4', 'route'])).stdout;
    expect(routes).toContain('default via 192.0.2.1 dev net1');
    expect(routes).toContain('10.81.2.0/24 via 10.81.1.1 dev eth0');
    const addrs = (await lab.natGatewayExec('gw1', ['ip', '-4', '-o', 'addr', 'show', 'dev', 'net1'])).stdout;
    expect(addrs).toMatch(/inet 192\.0\.2\.2\/24 .*\n.*inet 192\.0\.2\.100\/24 .*secondary[\s\S]*inet 192\.0\.2\.101\/24 .*secondary/);

    await addDefaultRoutes(lab, first);
    // A VM pinging the lanIp: the gateway answers.
    await expectReply(lab, { from: 'bare-vm', to: LAN_IP });
    await expectReply(lab, { from: 'snat-vm', to: 'internet' });
    expect(await seenAs(lab, 'snat-vm')).toBe('192.0.2.100');
    expect(await seenAs(lab, 'fip-vm')).toBe('192.0.2.101');
    // No SNAT or FIP covers 10.81.2.20: it leaves with its private source and gets no answer.
    await expectNoReply(lab, first, { from: 'bare-vm', to: 'internet' }, 'timeout');

    await expectFromUpstream(lab, '192.0.2.100', 8080, 'reachable');
    await expectFromUpstream(lab, '192.0.2.101', undefined, 'reachable');
    await expectFromUpstream(lab, '192.0.2.101', 22, 'reachable');
    // The EIP is the gateway's own address: its stack answers the ping and refuses the port.
    await expectFromUpstream(lab, '192.0.2.100', undefined, 'reachable');
    await expectFromUpstream(lab, '192.0.2.100', 9999, 'refused');

    // The phase drops the VPC's 0.0.0.0/0 -> lanIp: requests still reach the gateway's DNAT, the
    // VM's reply has no way back through it; egress dies at the VPC router.
    const second = spec(false);
    await lab.update(second);
    await expectNoReply(lab, second, { from: 'snat-vm', to: 'internet' }, 'timeout');
    await expectFromUpstream(lab, '192.0.2.100', 9999, 'refused');
    await expectFromUpstream(lab, '192.0.2.100', 8080, 'timeout');

    // The route back, the FIP replaced by a SNAT of the apps subnet: the gateway is rebuilt with
    // the new rules, and fip-vm now leaves as the shared EIP; its old EIP is the gateway's own.
    const third = { ...spec(true), fipRules: [], snatRules: [...first.snatRules, { name: 'snat2', eip: 'eip-snat', internalCIDR: '10.81.2.0/24' }] };
    await lab.update(third);
    await expectReply(lab, { from: 'fip-vm', to: 'internet' });
    expect(await seenAs(lab, 'fip-vm')).toBe('192.0.2.100');
    expect(await seenAs(lab, 'bare-vm')).toBe('192.0.2.100');
    await expectFromUpstream(lab, '192.0.2.101', 22, 'refused');

    // The gateway and its objects removed: its namespace and its port go, the EIPs answer nobody.
    const fourth = { ...third, natGateways: [], eips: [], snatRules: [], dnatRules: [], fipRules: [] };
    await lab.update(fourth);
    expect((await execa('ip', ['netns', 'list'])).stdout).not.toContain(names.natGatewayNamespace('gw1'));
    expect(await gatewayPorts()).toBe('');
    // The upstream host is alive (the node answers it), the EIP is nobody's.
    await expectFromUpstream(lab, '192.0.2.254', undefined, 'reachable');
    await expectFromUpstream(lab, '192.0.2.100', undefined, 'timeout');
    await expectReply(lab, { from: 'snat-vm', to: 'web' });
  } finally {
    await lab.down();
  }
  await expectNoLeak(ctx.runId);
  const { stdout } = await execa('ip', ['netns', 'list']);
  expect(stdout).not.toContain(names.natGatewayNamespace('gw1'));
  const links = (await execa('ip', ['-o', 'link', 'show'])).stdout;
  expect(links).not.toContain(names.hostIf('natgw', 'gw1'));
});

test('the lab refuses an external network other than its upstream segment', async () => {
  const ctx = context('natext');
  const bad = { ...spec(true), externalNetwork: { name: 'ext', cidrBlock: '198.51.100.0/24', gateway: '198.51.100.1' } };
  const error = await new LabTarget().up(bad, ctx).then(() => undefined, (e: Error) => e);
  expect(error).toBeInstanceOf(TargetError);
  expect(error!.message).toContain("externalNetwork ext is 198.51.100.0/24 via 198.51.100.1; the lab's upstream segment is 192.0.2.0/24 via 192.0.2.1");
  await expectNoLeak(ctx.runId);
});
