// maxOutageMs on an expect line: a bound on how long a path may go without a reply while a
// phase's change is applied. Only a phase has a change, only an icmp path that must answer can be
// watched; anything else is an error at the field.
import { expect, test } from '@playwright/test';
import { formatDiagnostic } from '../../lib/topology/diagnostics.ts';
import { loadTopology } from '../../lib/topology/load.ts';

const HEAD = `apiVersion: vpcheck/v1
kind: Topology
name: o
networks: [ { name: n1 } ]
subnets: [ { name: s1, cidrBlock: 10.1.0.0/24, provider: n1 } ]
vms: [ { name: a, network: n1 }, { name: b, network: n1, listen: [ tcp/80 ] } ]
`;
const load = (text: string) => loadTopology(Buffer.from(HEAD + text), 'o.yaml');

test('a bound in a phase is kept on its expectation', () => {
  const { topology, diagnostics } = load(`phases:
  - name: private
    patch: { subnets: [ { name: s1, private: true } ] }
    expect: [ { from: a, to: b, reachable: true, maxOutageMs: 500 } ]
`);
  expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  expect(topology!.phases[0]!.expect[0]).toMatchObject({ from: 'a', to: 'b', probe: 'icmp', reachable: true, maxOutageMs: 500 });
});

test('a bound on the initial build, on a tcp line, on a path that must not answer, or below 1 ms is an error at the field', () => {
  const lines = load(`expect: [ { from: a, to: b, reachable: true, maxOutageMs: 100 } ]
phases:
  - name: private
    patch: { subnets: [ { name: s1, private: true } ] }
    expect:
      - { from: a, to: b, port: 80, reachable: true, maxOutageMs: 100 }
      - { from: b, to: a, reachable: false, maxOutageMs: 100 }
      - { from: a, to: b, reachable: true, maxOutageMs: 0 }
`).diagnostics.map(formatDiagnostic);
  expect(lines).toEqual([
    expect.stringMatching(/^o\.yaml:7:\d+: error: expect\[0\]\.maxOutageMs: maxOutageMs bounds the outage while a phase's change is applied: put this expectation under that phase/),
    expect.stringMatching(/^o\.yaml:12:\d+: error: phases\[0\]\.expect\[0\]\.maxOutageMs: maxOutageMs bounds an icmp path only/),
    expect.stringMatching(/^o\.yaml:13:\d+: error: phases\[0\]\.expect\[1\]\.maxOutageMs: maxOutageMs needs reachable: true/),
    expect.stringMatching(/^o\.yaml:14:\d+: error: phases\[0\]\.expect\[2\]\.maxOutageMs: maxOutageMs must be 1 or more/),
  ]);
});
