// Benchmark of `vpcheck run` on the lab: a 100-VM full mesh (9,900 icmp cells + 100 internet)
// end to end over the console and over ssh, the probe phase alone, and next to it the floors:
// one fping per source VM run directly in the namespaces, and one ping process per pair.
// Prints figures and ratios from one run; never asserts.
import { execa } from 'execa';
import { mapPool } from '../lib/run/pool.ts';
import { DEFAULT_RUN_SETTINGS, Runner } from '../lib/run/runner.ts';
import { LabTarget, type LabRealized } from '../lib/targets/lab/lab-target.ts';
import { loadTopology } from '../lib/topology/load.ts';
import type { Transport } from '../lib/sessions/session.ts';

const VMS = 100;
const SUBNETS = 10;

/** All VMs reach each other and the internet: ovn-cluster subnets with natOutgoing. */
function topologyText(): string {
  const lines = ['apiVersion: vpcheck/v1', 'kind: Topology', 'name: bench-mesh', 'networks:'];
  for (let s = 0; s < SUBNETS; s++) lines.push(`  - { name: n${s} }`);
  lines.push('subnets:');
  for (let s = 0; s < SUBNETS; s++) lines.push(`  - { name: s${s}, cidrBlock: 10.${s}.0.0/24, provider: n${s}, natOutgoing: true }`);
  lines.push('vms:');
  for (let v = 0; v < VMS; v++) lines.push(`  - { name: vm${v}, network: n${v % SUBNETS} }`);
  return `${lines.join('\n')}\n`;
}

const topology = loadTopology(Buffer.from(topologyText()), 'bench-mesh.yaml').topology!;
const quiet = { info: () => undefined, warn: () => undefined };
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function endToEnd(transport: Transport) {
  const t0 = Date.now();
  const runner = await Runner.start(topology, new LabTarget(), { ...DEFAULT_RUN_SETTINGS, transport }, quiet);
  const built = Date.now();
  const [phase] = await runner.runAll();
  const probed = Date.now();
  const result = await runner.finish({ keep: true });
  const realized = runner.realized as LabRealized;
  const floors = transport === 'console' ? await measureFloors(realized) : undefined;
  const down0 = Date.now();
  await realized.down();
  const teardownMs = Date.now() - down0;
  return {
    transport,
    buildMs: built - t0,
    prepareMs: phase!.prepareMs,
    probeMs: phase!.probeMs,
    phaseMs: probed - built,
    teardownMs,
    totalMs: built - t0 + (probed - built) + teardownMs,
    cells: phase!.results.length,
    passed: result.summary.passed,
    floors,
  };
}

/** The floors, on the same live topology (default routes already set by the run). */
async function measureFloors(lab: LabRealized) {
  const vms = topology.vms.map((v) => v.name);
  const ips = vms.map((v) => lab.vm(v).ip);
  const f0 = Date.now();
  await mapPool(vms, DEFAULT_RUN_SETTINGS.concurrency, (vm, i) =>
    execa('ip', ['netns', 'exec', lab.namespace(vm), 'fping', '-e', '-r', '0', '-t', '1000', '-i', '1', ...ips.filter((_, j) => j !== i), lab.internetIP], { reject: false }));
  const fpingMs = Date.now() - f0;
  const pairs = vms.flatMap((vm, i) => [...ips.filter((_, j) => j !== i), lab.internetIP].map((ip) => ({ vm, ip })));
  const n0 = Date.now();
  for (const { vm, ip } of pairs) await execa('ip', ['netns', 'exec', lab.namespace(vm), 'ping', '-c', '1', '-W', '1', ip], { reject: false });
  const naiveMs = Date.now() - n0;
  return { fpingMs, naiveMs, pairs: pairs.length };
}

const consoleRun = await endToEnd('console');
const sshRun = await endToEnd('ssh');
const floors = consoleRun.floors!;
console.log(`vpcheck run benchmark: ${VMS} VMs in ${SUBNETS} subnets, ${consoleRun.cells} cells (full icmp mesh + internet), one run each`);
for (const r of [consoleRun, sshRun]) {
  console.log(`  ${r.transport.padEnd(7)} end to end ${seconds(r.totalMs)} = build ${seconds(r.buildMs)} + logins and default routes ${seconds(r.prepareMs)} + probe ${seconds(r.probeMs)} + teardown ${seconds(r.teardownMs)}; ${r.passed}/${r.cells} cells pass`);
}
console.log(`  floor: one fping per source VM, directly in the namespaces: ${seconds(floors.fpingMs)}`);
console.log(`  naive: one ping process per pair (${floors.pairs} pairs, sequential): ${seconds(floors.naiveMs)}`);
console.log(`  ratios: console probe phase / fping floor = ${(consoleRun.probeMs / floors.fpingMs).toFixed(2)}x (target <= 2x); ` +
  `naive / console probe phase = ${(floors.naiveMs / consoleRun.probeMs).toFixed(1)}x; ssh probe / console probe = ${(sshRun.probeMs / consoleRun.probeMs).toFixed(2)}x`);
console.log(`  targets: end to end <= 15 s over the console: ${consoleRun.totalMs <= 15_000 ? 'met' : 'missed'}`);
console.log(`  peak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
