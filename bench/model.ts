// Model benchmark: a 1,000-VM, 20-VPC, 50-subnet topology; the full icmp mesh (999,000 ordered
// pairs) plus every VM to the internet. Prints figures; the targets are <= 5 s and <= 500 MB.
import type { Topology } from '../lib/topology/types.ts';
import { buildModel, cellsOf, predictMesh } from '../lib/model/index.ts';
import { synthetic } from '../tests/model/synthetic.ts';
import { placeVms } from '../lib/topology/nodes.ts';

const VMS = 1000;
const start = performance.now();
const spec = synthetic(20, 50, VMS);
const model = buildModel(spec, { internetIP: '192.0.2.1' });
const built = performance.now();
const mesh = predictMesh(model, { internet: true });
const counts = new Map<string, number>();
for (let i = 0; i < mesh.vms.length; i++) {
  for (let j = 0; j < mesh.targets.length; j++) {
    const o = mesh.outcome(i, j);
    if (o !== undefined) counts.set(o, (counts.get(o) ?? 0) + 1);
  }
}
const meshed = performance.now();
// The same mesh as a run sees it: one Cell object per probed pair.
const topology: Topology = {
  ...spec, apiVersion: 'vpcheck/v1', kind: 'Topology', expect: [], phases: [],
  probes: { mesh: true, internet: true, icmp: [], tcp: [], mtu: [], bulk: [] },
  source: { file: 'bench', sha256: '', locate: () => undefined },
};
const phaseCells = cellsOf(topology, { internetIP: '192.0.2.1' });
const done = performance.now();
const cells = [...counts.values()].reduce((a, b) => a + b, 0);
const mb = (process.resourceUsage().maxRSS / 1024).toFixed(0);
console.log(`topology: ${spec.vms.length} VMs, ${spec.vpcs.length} VPCs, ${spec.subnets.length} subnets; ${mesh.classes} VM classes`);
console.log(`cells: ${cells} (${VMS * (VMS - 1)} mesh + ${VMS} internet): ${[...counts].map(([o, n]) => `${o} ${n}`).join(', ')}`);
console.log(`build ${ms(start, built)}, predictMesh ${ms(built, meshed)}, cellsOf ${ms(meshed, done)} (${phaseCells[0]!.cells.length} cells), total ${ms(start, done)}; peak RSS ${mb} MB`);

// The same mesh on three nodes with one tunnel cut: VM classes then follow nodes too.
const NODES = [{ name: 'node-1' }, { name: 'node-2' }, { name: 'node-3' }];
const cutStart = performance.now();
const cut = predictMesh(buildModel({ ...spec, nodes: NODES, vms: placeVms(spec.vms, NODES), tunnelsDown: [['node-1', 'node-3']] }, { internetIP: '192.0.2.1' }), { internet: true });
console.log(`three nodes, tunnel node-1 - node-3 cut: ${cut.classes} VM classes, predictMesh ${ms(cutStart, performance.now())}`);

function ms(a: number, b: number): string {
  return `${(b - a).toFixed(0)} ms`;
}
