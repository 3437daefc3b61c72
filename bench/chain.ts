// A generated chain topology for the CLI and run benchmarks: `vpcs` custom VPCs, each with two
// subnets and the same number of VMs, VPC i peered with VPC i+1 by static routes both ways. So a
// VM reaches its own VPC and its neighbours' VPCs; every other cell times out.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChainSize {
  readonly vpcs: number;
  readonly vms: number;
  /** Nodes (lab chassis) the VMs are spread over by the default placement; absent: one. */
  readonly nodes?: number;
}

/** The topology file's text. VPC i (from 1) holds 10.i.0.0/16 with subnets 10.i.0.0/24 and 10.i.1.0/24. */
export function chainTopology({ vpcs, vms, nodes }: ChainSize): string {
  if (vms % vpcs !== 0 || vpcs > 250) throw new Error(`chain: ${vms} VMs do not split evenly over ${vpcs} VPCs (at most 250)`);
  const perVpc = vms / vpcs;
  const name = `chain-${vms}${nodes ? `-${nodes}n` : ''}`;
  // Peering i <-> i+1 uses 169.254.i.0/30: .1 on VPC i, .2 on VPC i+1.
  const link = (i: number, side: 1 | 2) => `169.254.${i}.${side}`;
  const lines = ['apiVersion: vpcheck/v1', 'kind: Topology', `name: ${name}`, `description: ${vms} VMs in a chain of ${vpcs} peered VPCs`];
  if (nodes) lines.push(`nodes: [ ${Array.from({ length: nodes }, (_, i) => `{ name: node-${i + 1} }`).join(', ')} ]`);
  lines.push('networks:');
  for (let v = 1; v <= vpcs; v++) lines.push(`  - { name: n${v}a }`, `  - { name: n${v}b }`);
  lines.push('vpcs:');
  for (let v = 1; v <= vpcs; v++) {
    const peerings: string[] = [];
    const routes: string[] = [];
    if (v > 1) {
      peerings.push(`{ remoteVpc: vpc-${v - 1}, localConnectIP: ${link(v - 1, 2)}/30 }`);
      routes.push(`{ cidr: 10.${v - 1}.0.0/16, nextHopIP: ${link(v - 1, 1)} }`);
    }
    if (v < vpcs) {
      peerings.push(`{ remoteVpc: vpc-${v + 1}, localConnectIP: ${link(v, 1)}/30 }`);
      routes.push(`{ cidr: 10.${v + 1}.0.0/16, nextHopIP: ${link(v, 2)} }`);
    }
    lines.push(`  - name: vpc-${v}`, `    vpcPeerings: [ ${peerings.join(', ')} ]`, `    staticRoutes: [ ${routes.join(', ')} ]`);
  }
  lines.push('subnets:');
  for (let v = 1; v <= vpcs; v++) {
    lines.push(`  - { name: s${v}a, vpc: vpc-${v}, cidrBlock: 10.${v}.0.0/24, provider: n${v}a }`);
    lines.push(`  - { name: s${v}b, vpc: vpc-${v}, cidrBlock: 10.${v}.1.0/24, provider: n${v}b }`);
  }
  lines.push('vms:');
  for (let v = 1; v <= vpcs; v++) {
    for (let k = 0; k < perVpc; k++) lines.push(`  - { name: vm-${v}-${k}, network: n${v}${k % 2 === 0 ? 'a' : 'b'} }`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the chain to a temporary file and returns its path. */
export function chainFile(size: ChainSize): string {
  const dir = mkdtempSync(join(tmpdir(), 'vpcheck-bench-'));
  const file = join(dir, `chain-${size.vms}${size.nodes ? `-${size.nodes}n` : ''}.yaml`);
  writeFileSync(file, chainTopology(size));
  return file;
}
