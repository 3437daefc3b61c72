// Names and references: what Kubernetes, Kube-OVN's webhook and Harvester's webhook reject.
import type { SpecSource } from './normalize.ts';
import { KINDS } from './normalize.ts';
import { suggest } from './structure.ts';
import type { Report } from './validate.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function dns1123Problem(name: string): string | undefined {
  if (name.length > 63) return `"${name.slice(0, 20)}..." is ${name.length} characters; names are DNS-1123 labels of at most 63`;
  if (!DNS1123_LABEL.test(name)) {
    return `"${name}" is not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit); names become namespace, interface and object names`;
  }
  return undefined;
}

/** Harvester's subnet webhook keeps these for Kube-OVN itself (pkg/utils/subnet.go IsReservedSubnet). */
const RESERVED_SUBNETS = ['join', 'ovn-default'];

export function validateObjects(src: SpecSource, report: Report): void {
  const { spec, at } = src;
  const nameProblem = dns1123Problem(spec.name);
  if (nameProblem) report('error', 'name', nameProblem);
  for (const kind of KINDS) {
    const seen = new Map<string, number>();
    spec[kind].forEach((o, i) => {
      const problem = dns1123Problem(o.name);
      if (problem) report('error', at(kind, i, 'name'), problem);
      if (seen.has(o.name)) report('error', at(kind, i, 'name'), `duplicate name "${o.name}" (also ${at(kind, seen.get(o.name)!, 'name') || 'implicit'})`);
      else seen.set(o.name, i);
    });
  }
  spec.networks.forEach((n, i) => {
    const problem = dns1123Problem(n.namespace);
    if (problem) report('error', at('networks', i, 'namespace'), problem);
  });

  const vpcNames = spec.vpcs.map((v) => v.name);
  const networkRefs = spec.networks.map((n) => n.ref);
  const sgNames = spec.securityGroups.map((g) => g.name);
  const unknown = (what: string, name: string, known: string[]) =>
    `no ${what} named "${name}"${suggest(name, known)}; defined: ${known.join(', ') || 'none'}`;

  spec.subnets.forEach((s, i) => {
    if (!vpcNames.includes(s.vpc)) report('error', at('subnets', i, 'vpc'), unknown('VPC', s.vpc, vpcNames));
    if (!networkRefs.includes(s.provider)) report('error', at('subnets', i, 'provider'), unknown('network', s.provider, networkRefs));
    if (RESERVED_SUBNETS.includes(s.name)) report('error', at('subnets', i, 'name'), `"${s.name}" is reserved for Kube-OVN's own subnet`);
    if (vpcNames.includes(s.name)) report('error', at('subnets', i, 'name'), `subnet "${s.name}" has the name of a VPC; Kube-OVN rejects this ("vpc and subnet cannot have the same name")`);
    const other = spec.subnets.findIndex((t, j) => j < i && t.provider === s.provider);
    if (other >= 0) {
      report('error', at('subnets', i, 'provider'), `network ${s.provider} already has subnet ${spec.subnets[other]!.name}; Harvester binds one subnet per network`);
    }
  });

  spec.vpcs.forEach((v, i) => {
    v.vpcPeerings.forEach((p, k) => {
      if (p.remoteVpc === v.name) report('error', at('vpcs', i, 'vpcPeerings', k, 'remoteVpc'), `VPC ${v.name} cannot peer with itself`);
      else if (!vpcNames.includes(p.remoteVpc)) report('error', at('vpcs', i, 'vpcPeerings', k, 'remoteVpc'), unknown('VPC', p.remoteVpc, vpcNames));
    });
  });

  spec.vms.forEach((vm, i) => {
    if (!networkRefs.includes(vm.network)) report('error', at('vms', i, 'network'), unknown('network', vm.network, networkRefs));
    else if (!spec.subnets.some((s) => s.provider === vm.network)) {
      report('error', at('vms', i, 'network'), `network ${vm.network} has no subnet, so VM ${vm.name} would get no address`);
    }
    vm.securityGroups.forEach((g, k) => {
      if (!sgNames.includes(g)) report('error', at('vms', i, 'securityGroups', k), unknown('security group', g, sgNames));
    });
  });

  spec.securityGroups.forEach((g, i) => {
    (['ingressRules', 'egressRules'] as const).forEach((dir) =>
      g[dir].forEach((r, k) => {
        if (r.remoteType === 'securityGroup' && r.remoteSecurityGroup !== undefined && !sgNames.includes(r.remoteSecurityGroup)) {
          report('error', at('securityGroups', i, dir, k, 'remoteSecurityGroup'), unknown('security group', r.remoteSecurityGroup, sgNames));
        }
      }),
    );
  });
}
