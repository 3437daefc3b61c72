// Lab benchmark: daemon bring-up, realize time for 10/50/100 VMs (10 subnets, 3 VPCs, peerings),
// teardown, and the lab's memory at 100 VMs; then the same topologies on 3 nodes (a chassis each)
// beside 1: bring-up with 6 VMs and realize of 100. Prints figures; asserts nothing.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { LabDaemons } from '../lib/targets/lab/daemons.ts';
import { LabTarget } from '../lib/targets/lab/lab-target.ts';
import { RunNames } from '../lib/targets/lab/names.ts';
import { NO_NAT, type Subnet, type TopologySpec, type Vpc, type Vm } from '../lib/topology/types.ts';

const quiet = { info: () => undefined, warn: () => undefined };
const labDir = `/run/vpcheck/lab-bench-${process.pid}`;

/** 3 VPCs in a peering triangle with routes to each other, 10 subnets, n VMs round-robin (on subnets and nodes). */
function topology(vms: number, nodes = 1): TopologySpec {
  const vpcNames = ['vpc-a', 'vpc-b', 'vpc-c'];
  const link = (i: number, j: number) => `169.254.${Math.min(i, j) * 3 + Math.max(i, j)}.${i < j ? 1 : 2}/30`;
  const vpcs: Vpc[] = vpcNames.map((name, i) => ({
    name, implicit: false, cidr: `10.${i}.0.0/16`,
    vpcPeerings: vpcNames.flatMap((remote, j) => (j === i ? [] : [{ remoteVpc: remote, localConnectIP: link(i, j) }])),
    staticRoutes: vpcNames.flatMap((_, j) => (j === i ? [] : [{ cidr: `10.${j}.0.0/16`, nextHopIP: link(j, i).split('/')[0]!, policy: 'policyDst' as const }])),
    policyRoutes: [],
  }));
  const subnets: Subnet[] = Array.from({ length: 10 }, (_, k) => ({
    name: `s${k}`, vpc: vpcNames[k % 3]!, cidrBlock: `10.${k % 3}.${k}.0/24`, gateway: `10.${k % 3}.${k}.1`, provider: `default/n${k}`,
    private: false, allowSubnets: [], natOutgoing: false, excludeIps: [], enableDHCP: false,
  }));
  const nodeNames = Array.from({ length: nodes }, (_, i) => `node-${i + 1}`);
  const vmList: Vm[] = Array.from({ length: vms }, (_, k) => ({ name: `vm-${k}`, node: nodeNames[k % nodes], network: `default/n${k % 10}`, defaultRoute: true, binding: 'bridge', securityGroups: [], listen: [] }));
  return {
    name: 'bench', platform: 'harvester',
    networks: subnets.map((s, k) => ({ name: `n${k}`, namespace: 'default', ref: s.provider })),
    vpcs: [{ name: 'ovn-cluster', implicit: true, vpcPeerings: [], staticRoutes: [], policyRoutes: [] }, ...vpcs], subnets, securityGroups: [], vms: vmList, ...NO_NAT,
    nodes: nodeNames.map((name) => ({ name })),
  };
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await work();
  return [r, performance.now() - t];
}

const target = new LabTarget({ labDir });
const daemons = new LabDaemons(labDir);
const [, bringUp] = await time(async () => {
  await (await import('node:fs/promises')).mkdir(labDir, { recursive: true });
  await daemons.start();
});
await daemons.stop();
console.log(`daemon bring-up: ${bringUp.toFixed(0)} ms (target <= 2000)`);

for (const n of [10, 50, 100]) {
  const spec = topology(n);
  const [lab, realize] = await time(() => target.up(spec, { runId: `bench-${n}`, log: quiet }));
  // Check the build really carries traffic: one ping across a peering.
  await lab.exec('vm-0', ['ip', 'route', 'replace', 'default', 'via', lab.vm('vm-0').gateway]);
  await lab.exec('vm-1', ['ip', 'route', 'replace', 'default', 'via', lab.vm('vm-1').gateway]);
  const ping = await lab.exec('vm-0', ['ping', '-c', '1', '-W', '1', lab.vm('vm-1').ip]);
  let memory = '';
  if (n === 100) {
    const daemonKb = daemons.running().reduce((sum, d) => sum + rssKb(daemons.pid(d)!), 0);
    const names = new RunNames(lab.runId);
    const inVms = (await Promise.all(spec.vms.map((v) => execa('ip', ['netns', 'pids', names.vmNamespace(v.name)]))))
      .flatMap((r) => r.stdout.split('\n').filter(Boolean).map(Number));
    const vmKb = inVms.reduce((sum, pid) => sum + rssKb(pid), 0);
    memory = `; lab memory ${((daemonKb + vmKb) / 1024).toFixed(1)} MB (daemons ${(daemonKb / 1024).toFixed(1)} MB + ${inVms.length} VM processes ${(vmKb / 1024).toFixed(1)} MB; target <= 300)`;
  }
  const [, teardown] = await time(() => lab.down());
  console.log(`${n} VMs: realize ${realize.toFixed(0)} ms (bring-up included; 100-VM target <= 5000), teardown ${teardown.toFixed(0)} ms, cross-VPC ping ${ping.exitCode === 0 ? 'ok' : 'FAILED'}${memory}`);
}

// vm-0 and vm-1 are on different nodes when there are several: the ping crosses a Geneve tunnel.
for (const n of [6, 100]) {
  const figures: string[] = [];
  for (const nodes of [1, 3]) {
    const [lab, realize] = await time(() => target.up(topology(n, nodes), { runId: `bench-mc-${n}-${nodes}`, log: quiet }));
    await lab.exec('vm-0', ['ip', 'route', 'replace', 'default', 'via', lab.vm('vm-0').gateway]);
    await lab.exec('vm-1', ['ip', 'route', 'replace', 'default', 'via', lab.vm('vm-1').gateway]);
    const ping = await lab.exec('vm-0', ['ping', '-c', '1', '-W', '1', lab.vm('vm-1').ip]);
    const [, teardown] = await time(() => lab.down());
    figures.push(`${nodes} chassis ${realize.toFixed(0)} ms (teardown ${teardown.toFixed(0)} ms, ping ${ping.exitCode === 0 ? 'ok' : 'FAILED'})`);
  }
  console.log(`${n} VMs, ${n === 6 ? 'bring-up' : 'realize'} (lab daemons included): ${figures.join(' beside ')}`);
}
