// The generated topology of the model's tests (peerings, private subnets, security groups,
// natOutgoing, a NAT gateway with SNAT, a FIP and a guest routed via its lanIp) run on the lab
// through the engine, with the external host probing both EIPs: the lab agrees with the model on
// every cell, and every internet cell's source as the upstream saw it is the model's.
import { expect, test } from '@playwright/test';
import { DEFAULT_RUN_SETTINGS, Runner } from '../../lib/run/runner.ts';
import { LabTarget } from '../../lib/targets/lab/lab-target.ts';
import { EXTERNAL, INTERNET, type Topology } from '../../lib/topology/types.ts';
import { synthetic } from '../model/synthetic.ts';
import { quiet } from '../lab/support.ts';

test('the synthetic topology with a NAT gateway: lab = model on every cell, sources included', async () => {
  test.setTimeout(240_000);
  const spec = synthetic(3, 2, 16);
  expect(spec.natGateways.length).toBe(1);
  const eips = spec.eips.map((e) => e.name);
  const topology: Topology = {
    ...spec,
    name: 'synthetic',
    apiVersion: 'vpcheck/v1',
    kind: 'Topology',
    probes: {
      mesh: true,
      internet: true,
      icmp: eips.map((to) => ({ from: EXTERNAL, to })),
      mtu: [],
      bulk: [],
      tcp: eips.flatMap((to) => [{ from: EXTERNAL, to, port: 443 }, { from: EXTERNAL, to, port: 9 }]),
    },
    expect: [],
    phases: [],
    source: { file: 'synthetic', sha256: '', locate: () => undefined },
  };
  const runner = await Runner.start(topology, new LabTarget(), { ...DEFAULT_RUN_SETTINGS, transport: 'exec' }, quiet);
  const failure = await runner.runAll().then(() => undefined, (e: unknown) => e ?? new Error('failed'));
  const result = await runner.finish();
  if (failure) throw failure;
  const cells = result.phases[0]!.results;
  expect(cells.filter((c) => !c.pass).map((c) => `${c.from} -> ${c.to} ${c.probe}${c.port ?? ''}: expected ${c.expected}, observed ${c.observed} (${c.detail.note ?? c.reason})`)).toEqual([]);
  // Every kind of source was seen: the node's MASQUERADE, the SNAT EIP and the FIP EIP.
  const seen = new Set(cells.filter((c) => c.to === INTERNET).map((c) => c.detail.seenAs).filter(Boolean));
  expect([...seen].sort()).toEqual(['192.0.2.100', '192.0.2.101', '192.0.2.254']);
  expect(cells.filter((c) => c.from === EXTERNAL).length).toBe(6);
});
