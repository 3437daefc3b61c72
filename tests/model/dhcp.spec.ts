// Guest state from binding, DHCP and the route step (Harvester v1.7/v1.8's flow): every cell
// starts from it, and its reasons name the mechanism.
import { expect, test } from '@playwright/test';
import { formatIPv4 } from '../../lib/net/ipv4.ts';
import { predictMesh } from '../../lib/model/index.ts';
import { model, icmp, type Case, type SpecIn } from './fixtures.ts';

/** s1 has DHCP; s2 is a second subnet of the same VPC with a bridge VM that has the route step. */
function dhcpSpec(s1: { enableDHCP?: boolean; dhcpV4Options?: string; mtu?: number } = { enableDHCP: true }): SpecIn {
  return {
    vpcs: [{ name: 'vpc-1' }],
    subnets: [
      { name: 's1', vpc: 'vpc-1', cidrBlock: '10.1.0.0/24', ...s1 },
      { name: 's2', vpc: 'vpc-1', cidrBlock: '10.2.0.0/24' },
    ],
    vms: [
      { name: 'tap', subnet: 's1', binding: 'managedtap', defaultRoute: false },
      { name: 'br', subnet: 's1', binding: 'bridge', defaultRoute: false },
      { name: 'far', subnet: 's2' },
      { name: 'peer', subnet: 's1', binding: 'managedtap', defaultRoute: false },
    ],
  };
}

test('guest state: managedtap + DHCP gets address, router and MTU; bridge gets no route; managedtap without DHCP nothing', () => {
  const on = model(dhcpSpec({ enableDHCP: true, mtu: 1300 }));
  expect(on.guestOf('tap')).toMatchObject({ addressed: true, defaultRoute: { source: 'DHCP router option' }, mtu: 1300 });
  expect(formatIPv4(on.guestOf('tap').defaultRoute!.via)).toBe('10.1.0.1');
  expect(on.guestOf('br')).toMatchObject({ addressed: true, noRoute: /binding bridge does not pass the router option/ });
  expect(on.guestOf('br').defaultRoute).toBeUndefined();
  expect(on.guestOf('far')).toMatchObject({ addressed: true, defaultRoute: { source: 'route step' } });
  expect(on.guestOf('far').mtu).toBeUndefined();
  expect(model(dhcpSpec({ enableDHCP: true })).guestOf('tap').mtu).toBe(1400);
  const off = model(dhcpSpec({ enableDHCP: false }));
  expect(off.guestOf('tap')).toMatchObject({ addressed: false, address: /managedtap .* subnet s1 has enableDHCP false/ });
});

const cases: Case[] = [
  { name: 'managedtap + DHCP reaches another subnet with no route step', spec: dhcpSpec(), req: icmp('tap', 'far'), outcome: 'reachable', disposition: 'DELIVERED', reason: /vpc-1 route 10\.2\.0\.0\/24/ },
  { name: 'and is answered back', spec: dhcpSpec(), req: icmp('far', 'tap'), outcome: 'reachable', disposition: 'DELIVERED', reason: /vpc-1 route 10\.1\.0\.0\/24/ },
  { name: 'bridge beside it does not: no router option', spec: dhcpSpec(), req: icmp('br', 'far'), outcome: 'network-unreachable', disposition: 'NO_ROUTE', reason: /^br has no default route \(binding bridge does not pass the router option .*Network is unreachable$/ },
  { name: 'bridge still reaches its own subnet', spec: dhcpSpec(), req: icmp('br', 'tap'), outcome: 'reachable', disposition: 'DELIVERED', reason: /same subnet s1/ },
  { name: 'managedtap without DHCP: no address, nothing leaves', spec: dhcpSpec({ enableDHCP: false }), req: icmp('tap', 'peer'), outcome: 'network-unreachable', disposition: 'NO_ADDRESS', reason: /^tap has no address \(binding managedtap leaves addressing to the guest's DHCP client and subnet s1 has enableDHCP false\)/ },
  { name: 'managedtap without DHCP: nothing sent to it is for it', spec: dhcpSpec({ enableDHCP: false }), req: icmp('far', 'tap'), outcome: 'timeout', disposition: 'NO_ADDRESS', reason: /tap does not hold 10\.1\.0\.2: binding managedtap/ },
  { name: 'managedtap without DHCP: not even on its own subnet', spec: dhcpSpec({ enableDHCP: false }), req: icmp('br', 'tap'), outcome: 'timeout', disposition: 'NO_ADDRESS', reason: /tap does not hold/ },
  { name: 'a router option that is not the gateway leads nowhere', spec: dhcpSpec({ enableDHCP: true, dhcpV4Options: 'router=10.1.0.254' }), req: icmp('tap', 'far'), outcome: 'timeout', disposition: 'NEIGHBOR_UNREACHABLE', reason: /nothing in subnet s1 answers ARP for next hop 10\.1\.0\.254/ },
  { name: 'a router option naming a VM: it does not forward', spec: dhcpSpec({ enableDHCP: true, dhcpV4Options: 'router=10.1.0.3' }), req: icmp('tap', 'far'), outcome: 'timeout', disposition: 'NO_ROUTE', reason: /next hop 10\.1\.0\.3 is VM br, which does not forward/ },
];

for (const c of cases) {
  test(`dhcp: ${c.name}`, () => {
    const p = model(c.spec).predict(c.req);
    expect({ outcome: p.outcome, disposition: p.disposition }, p.reason).toEqual({ outcome: c.outcome, disposition: c.disposition });
    expect(p.reason).toMatch(c.reason);
  });
}

test('the mesh tells managedtap, bridge and unaddressed guests of one subnet apart', () => {
  for (const s1 of [{ enableDHCP: true }, { enableDHCP: false }]) {
    const m = model(dhcpSpec(s1));
    const mesh = predictMesh(m, { internet: false });
    mesh.vms.forEach((from, i) => mesh.targets.forEach((to, j) => {
      if (from !== to) expect(mesh.outcome(i, j), `${from} -> ${to}`).toBe(m.predict(icmp(from, to)).outcome);
    }));
  }
});
