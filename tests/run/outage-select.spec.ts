// Which paths an outage window watches: those that must answer before and after the change at the
// same address; every bounded one, then a sample spread over the source VMs.
import { expect, test } from '@playwright/test';
import { cellsOf } from '../../lib/model/index.ts';
import { unwatchable, watchedCells } from '../../lib/run/outage.ts';
import { loadTopology } from '../../lib/topology/load.ts';

const TOPOLOGY = `apiVersion: vpcheck/v1
kind: Topology
name: w
networks: [ { name: n1 }, { name: n2 } ]
vpcs: [ { name: v1 } ]
subnets:
  - { name: s1, vpc: v1, cidrBlock: 10.1.0.0/24, provider: n1 }
  - { name: s2, vpc: v1, cidrBlock: 10.2.0.0/24, provider: n2 }
vms:
  - { name: a, network: n1 }
  - { name: b, network: n1 }
  - { name: c, network: n2 }
  - { name: d, network: n2, ip: 10.2.0.20 }
probes: { internet: false }
phases:
  - name: s2 private, d moves
    patch:
      subnets: [ { name: s2, private: true } ]
      vms: [ { name: d, ip: 10.2.0.30 } ]
    expect: [ { from: c, to: a, reachable: false }, { from: b, to: a, reachable: true, maxOutageMs: 200 } ]
  - name: bound on a path that was down
    patch: { subnets: [ { name: s2, private: false } ] }
    expect: [ { from: a, to: c, reachable: true, maxOutageMs: 200 } ]
`;

test('watched: reachable on both sides of the change at one address, bounded first, a sample one source at a time', () => {
  const { topology, diagnostics } = loadTopology(Buffer.from(TOPOLOGY), 'w.yaml');
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const [initial, first, second] = cellsOf(topology!, { internetIP: '192.0.2.1' });
  const all = watchedCells(initial!, first!);
  // s2 private cuts s1 <-> s2 and d changes address: a<->b stay, and d->c (towards d: a new address).
  const names = all.map((w) => `${w.cell.from}->${w.cell.to}`);
  expect(names[0]).toBe('b->a');
  expect(names.slice(1).sort()).toEqual(['a->b', 'd->c']);
  expect(all[0]!.maxOutageMs).toBe(200);
  const sampled = watchedCells(initial!, first!, 0);
  expect(sampled.map((w) => `${w.cell.from}->${w.cell.to}`)).toEqual(['b->a']);
  // A bound on a path that did not answer before: no window, and the report says why.
  expect(watchedCells(first!, second!).map((w) => `${w.cell.from}->${w.cell.to}`)).not.toContain('a->c');
  expect(unwatchable(second!, watchedCells(first!, second!))).toEqual([
    expect.objectContaining({ from: 'a', to: 'c', maxOutageMs: 200, upAtStart: false, note: expect.stringMatching(/not expected reachable at the same address before the change/) }),
  ]);
});
