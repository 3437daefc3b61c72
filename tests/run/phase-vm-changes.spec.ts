// A phase that removes a VM and adds another which IPAM gives the same address: the survivors
// reach the newcomer at once (it announces itself as a booting guest does), not after their ARP
// caches expire; a removed subnet takes its VM along. Through the CLI on the lab.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { RunResult } from '../../lib/run/result.ts';
import { runCli, tempFile } from '../support/cli.ts';

const TOPOLOGY = `apiVersion: vpcheck/v1
kind: Topology
name: vm-add-remove
networks: [ { name: n1 }, { name: n2 } ]
vpcs: [ { name: v1 } ]
subnets:
  - { name: s1, vpc: v1, cidrBlock: 10.1.0.0/24, provider: n1 }
  - { name: s2, vpc: v1, cidrBlock: 10.2.0.0/24, provider: n2 }
vms:
  - { name: a, network: n1 }
  - { name: b, network: n1 }
probes: { internet: false }
phases:
  - name: swap b for c
    remove: { vms: [ b ] }
    add: { vms: [ { name: c, network: n2 } ] }
  - name: d takes b's address
    remove: { vms: [ c ], subnets: [ s2 ], networks: [ n2 ] }
    add: { vms: [ { name: d, network: n1, listen: [ tcp/22 ] } ] }
    expect: [ { from: a, to: d, port: 22, outcome: reachable } ]
`;

test('VMs removed and added by phases: every cell as the model says, the newcomer on a reused address included', async () => {
  test.setTimeout(120_000);
  const json = tempFile('', 'vm-add-remove.json');
  const r = await runCli(['run', tempFile(TOPOLOGY, 'vm-add-remove.yaml'), '--json', json]);
  expect(r.code, r.out + r.err).toBe(0);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  const cells = (phase: number) => result.phases[phase]!.results.map((c) => `${c.from}->${c.to}${c.port ? `/${c.port}` : ''} ${c.observed}`);
  expect(cells(0)).toEqual(['a->b reachable', 'b->a reachable']);
  expect(cells(1)).toEqual(['a->c reachable', 'c->a reachable']);
  expect(cells(2)).toEqual(['a->d reachable', 'd->a reachable', 'a->d/22 reachable']);
  const ipOf = (phase: number, vm: string) => result.phases[phase]!.layout!.vms.find((v) => v.name === vm)!.ip;
  expect(ipOf(2, 'd')).toBe(ipOf(0, 'b'));
});
