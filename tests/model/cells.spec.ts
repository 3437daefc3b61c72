import { expect, test } from '@playwright/test';
import type { Expectation, Topology, TopologySpec } from '../../lib/topology/types.ts';
import { cellsOf, checkExpectations, renderExplain, satisfies, buildModel } from '../../lib/model/index.ts';
import { LAB_INTERNET, spec } from './fixtures.ts';

const initial = spec({
  subnets: [{ name: 'a', cidrBlock: '10.0.0.0/24' }, { name: 'b', cidrBlock: '10.0.1.0/24' }],
  vms: [{ name: 'va', subnet: 'a', listen: [{ protocol: 'tcp', port: 22 }] }, { name: 'vb', subnet: 'b' }],
});
const privateA: TopologySpec = { ...initial, subnets: initial.subnets.map((s) => (s.name === 'a' ? { ...s, private: true } : s)) };

function exp(e: Partial<Expectation> & { from: string; to: string; reachable: boolean; path: string }): Expectation {
  return { probe: 'icmp', ...e };
}

function topology(expect: Expectation[], phaseExpect: Expectation[]): Topology {
  return {
    ...initial, apiVersion: 'vpcheck/v1', kind: 'Topology',
    probes: { mesh: true, internet: true, icmp: [{ from: 'va', to: '10.0.1.1' }], tcp: [{ from: 'vb', to: 'va', port: 22 }], mtu: [], bulk: [] },
    expect,
    phases: [{ name: 'private subnet on', patch: { subnets: [{ name: 'a', private: true }] }, cutTunnels: [], restoreTunnels: [], expect: phaseExpect, topology: privateA }],
    source: { file: 't.yaml', sha256: '', locate: () => undefined },
  };
}

const opts = { internetIP: LAB_INTERNET };

test('cells: probes expand per phase, an expect line overrides the model but keeps its prediction', () => {
  const t = topology(
    [exp({ from: 'va', to: 'vb', reachable: false, path: 'expect[0]' }), exp({ from: 'vb', to: '10.0.0.99', reachable: false, outcome: 'timeout', path: 'expect[1]' })],
    [exp({ from: 'va', to: 'vb', reachable: false, path: 'phases[0].expect[0]' })],
  );
  const [first, second] = cellsOf(t, opts);
  expect([first!.phase, second!.phase]).toEqual(['initial', 'private subnet on']);
  // 2 mesh + 2 internet + 1 icmp extra + 1 tcp + 1 expect-only cell.
  expect(first!.cells.map((c) => `${c.from}>${c.to}/${c.probe}${c.port ?? ''}`)).toEqual([
    'va>vb/icmp', 'va>internet/icmp', 'vb>va/icmp', 'vb>internet/icmp', 'va>10.0.1.1/icmp', 'vb>va/tcp22', 'vb>10.0.0.99/icmp',
  ]);
  const overridden = first!.cells[0]!;
  expect([overridden.expected, overridden.predicted, overridden.expectation?.path]).toEqual(['not-reachable', 'reachable', 'expect[0]']);
  expect(first!.cells[1]).toMatchObject({ expected: 'timeout', predicted: 'timeout' });
  expect(first!.cells.find((c) => c.probe === 'tcp')).toMatchObject({ expected: 'reachable' });
  expect(second!.cells[0]).toMatchObject({ expected: 'not-reachable', predicted: 'timeout' });
  expect(second!.model.predict(second!.cells[0]!).reason).toMatch(/a is private/);
});

test('checkExpectations reports only disagreeing lines, with the model reason and path', () => {
  const t = topology(
    [
      exp({ from: 'va', to: 'vb', reachable: false, path: 'expect[0]' }),
      exp({ from: 'vb', to: 'internet', reachable: false, path: 'expect[1]' }),
      exp({ from: 'vb', to: 'internet', reachable: false, outcome: 'network-unreachable', path: 'expect[2]' }),
    ],
    [exp({ from: 'va', to: 'vb', reachable: false, path: 'phases[0].expect[0]' }), exp({ from: 'vb', to: 'va', probe: 'tcp', port: 22, reachable: true, path: 'phases[0].expect[1]' })],
  );
  const d = checkExpectations(t, opts);
  expect(d.map((x) => [x.phase, x.path, x.expected, x.predicted])).toEqual([
    ['initial', 'expect[0]', 'not-reachable', 'reachable'],
    ['initial', 'expect[2]', 'network-unreachable', 'timeout'],
    ['private subnet on', 'phases[0].expect[1]', 'reachable', 'timeout'],
  ]);
  expect(d[1]!.reason).toMatch(/natOutgoing: false/);
  expect(d[2]!.reason).toMatch(/^a is private: request from 10\.0\.1\.2 to 10\.0\.0\.2 dropped entering va/);
});

test('satisfies: not-reachable accepts any failure, error satisfies nothing', () => {
  expect(['timeout', 'network-unreachable', 'refused', 'reachable', 'error'].map((o) => satisfies('not-reachable', o as never))).toEqual([true, true, true, false, false]);
  expect(satisfies('reachable', 'error')).toBe(false);
  expect(satisfies('refused', 'refused')).toBe(true);
});

test('explain renders request and reply hops and the verdict', () => {
  const m = buildModel(initial, opts);
  const req = { from: 'va', to: 'vb', probe: 'icmp' as const };
  const text = renderExplain(req, m.predict(req));
  expect(text).toBe([
    'va (10.0.0.2) -> vb (10.0.1.2), icmp',
    'request:',
    '   1. vm va               route to 10.0.1.2: default via 10.0.0.1 dev enp1s0',
    '   2. router ovn-cluster  lookup 10.0.1.2: 10.0.1.0/24 (connected, subnet b)',
    '   3. router ovn-cluster  policy 31000 ip4.dst == 10.0.1.0/24 allow (Kube-OVN)',
    '   4. switch b            delivered to vb',
    '   5. vm vb               answers the echo request',
    'reply:',
    '   1. vm vb               route to 10.0.0.2: default via 10.0.1.1 dev enp1s0',
    '   2. router ovn-cluster  lookup 10.0.0.2: 10.0.0.0/24 (connected, subnet a)',
    '   3. router ovn-cluster  policy 31000 ip4.dst == 10.0.0.0/24 allow (Kube-OVN)',
    '   4. switch a            delivered to va',
    'verdict: reachable (DELIVERED)',
    'reason: ovn-cluster route 10.0.1.0/24 (connected, subnet b); return ovn-cluster route 10.0.0.0/24 (connected, subnet a)',
    '',
  ].join('\n'));
});

test('explain names the dropping ACL on a denied path', () => {
  const m = buildModel(privateA, opts);
  const req = { from: 'va', to: 'vb', probe: 'tcp' as const, port: 22 };
  const text = renderExplain(req, m.predict(req));
  expect(text).toMatch(/switch a +leaving a: to-lport ACL drop ip \(priority 1000\)/);
  expect(text).toContain('verdict: timeout (DENIED_OUT)');
  expect(text).not.toContain('reply:');
});
