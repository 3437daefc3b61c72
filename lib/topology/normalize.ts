// From the checked file to typed objects with defaults filled, and phase patches merged by name.
// Every object remembers where its fields were written, so a diagnostic about a phase's merged
// topology points at the patch line that set the field, or else at the original line.
import type { RawTopology } from './schema.ts';
import {
  DEFAULT_EXTERNAL_NETWORK,
  DEFAULT_VPC,
  type DnatRule,
  type Eip,
  type ExternalNetwork,
  type FipRule,
  type NatGateway,
  type SnatRule,
  type Binding,
  type Listen,
  type Network,
  type Node,
  type NodePair,
  type PolicyRoute,
  type SecurityGroup,
  type SecurityGroupRule,
  type Subnet,
  type TopologySpec,
  type Vm,
  type Vpc,
} from './types.ts';
import { firstHost, formatIPv4, isPrefix, parsePrefix } from '../net/ipv4.ts';
import { joinPath } from './diagnostics.ts';
import { nodesOf, placeVms } from './nodes.ts';

export const KINDS = ['networks', 'vpcs', 'subnets', 'securityGroups', 'vms', 'natGateways', 'eips', 'snatRules', 'dnatRules', 'fipRules'] as const;
export type Kind = (typeof KINDS)[number];

type RawObject = Record<string, unknown> & { name: string };
export type RawObjects = Record<Kind, RawObject[]>;

export interface ObjectOrigin {
  /** Path of the object in the file ("" for the implicit ovn-cluster). */
  readonly base: string;
  /** Fields set by a phase patch, and where. */
  readonly fields: Readonly<Record<string, string>>;
}
export type Origins = Record<Kind, ObjectOrigin[]>;

/** A phase's objects with their origins; `at` turns an object field into a file path. */
export interface SpecSource {
  readonly spec: TopologySpec;
  readonly raw: RawObjects;
  readonly origins: Origins;
  /** Whether the file has `nodes:` (without it, naming a VM's node is a mistake). */
  readonly nodesDeclared: boolean;
  at(kind: Kind, index: number, ...rest: (string | number)[]): string;
}

export function initialObjects(raw: RawTopology): { raw: RawObjects; origins: Origins } {
  const objects = {} as RawObjects;
  const origins = {} as Origins;
  for (const kind of KINDS) {
    const list = ((raw[kind] ?? []) as RawObject[]).map((o) => ({ ...o }));
    objects[kind] = list;
    origins[kind] = list.map((_, i) => ({ base: `${kind}[${i}]`, fields: {} }));
  }
  if (!objects.vpcs.some((v) => v.name === DEFAULT_VPC)) {
    objects.vpcs.push({ name: DEFAULT_VPC, implicit: true });
    origins.vpcs.push({ base: '', fields: {} });
  }
  return { raw: objects, origins };
}

export interface PatchProblem {
  readonly path: string;
  readonly message: string;
}

/** What a phase changes: objects removed by name, whole objects added, fields patched, in that order. */
export interface PhaseChange {
  readonly remove?: Partial<Record<Kind, string[]>>;
  readonly add?: Partial<Record<Kind, RawObject[]>>;
  readonly patch?: Partial<Record<Kind, RawObject[]>>;
}

/** One object of a kind, as messages name it. */
const SINGULAR: Record<Kind, string> = {
  networks: 'network', vpcs: 'VPC', subnets: 'subnet', securityGroups: 'security group', vms: 'VM',
  natGateways: 'NAT gateway', eips: 'EIP', snatRules: 'SNAT rule', dnatRules: 'DNAT rule', fipRules: 'FIP rule',
};
const singular = (kind: Kind) => SINGULAR[kind];

/**
 * A phase's objects from the previous phase's: removals, additions, then the patch merged into
 * copies. Every name must say what it means: removing or patching an object that is not there, or
 * adding one that is, is a problem (a typo must not quietly add or drop an object).
 */
export function applyPhase(
  prev: { raw: RawObjects; origins: Origins },
  change: PhaseChange,
  phasePath: string,
): { raw: RawObjects; origins: Origins; problems: PatchProblem[] } {
  const raw = {} as RawObjects;
  const origins = {} as Origins;
  const problems: PatchProblem[] = [];
  for (const kind of KINDS) {
    raw[kind] = prev.raw[kind].map((o) => ({ ...o }));
    origins[kind] = prev.origins[kind].map((o) => ({ base: o.base, fields: { ...o.fields } }));
    const have = () => raw[kind].map((o) => o.name).join(', ') || 'none';
    (change.remove?.[kind] ?? []).forEach((name, j) => {
      const i = raw[kind].findIndex((o) => o.name === name);
      const path = `${phasePath}.remove.${kind}[${j}]`;
      if (i < 0) return void problems.push({ path, message: `no ${singular(kind)} named "${name}" to remove (have: ${have()})` });
      if (kind === 'vpcs' && name === DEFAULT_VPC) return void problems.push({ path, message: `${name} is Kube-OVN's default VPC; it cannot be removed` });
      raw[kind].splice(i, 1);
      origins[kind].splice(i, 1);
    });
    (change.add?.[kind] ?? []).forEach((item, j) => {
      const path = `${phasePath}.add.${kind}[${j}]`;
      if (raw[kind].some((o) => o.name === item.name)) {
        return void problems.push({ path: `${path}.name`, message: `${singular(kind)} "${item.name}" already exists; add creates new objects (patch changes existing ones)` });
      }
      raw[kind].push({ ...item });
      origins[kind].push({ base: path, fields: {} });
    });
    (change.patch?.[kind] ?? []).forEach((item, j) => {
      const patchPath = `${phasePath}.patch`;
      const i = raw[kind].findIndex((o) => o.name === item.name);
      const itemPath = `${patchPath}.${kind}[${j}]`;
      if (i < 0) {
        const names = raw[kind].map((o) => o.name).join(', ') || 'none';
        problems.push({ path: `${itemPath}.name`, message: `no ${singular(kind)} named "${item.name}" to patch (have: ${names}); a patch changes existing objects only (add: creates new ones)` });
        return;
      }
      const fields = origins[kind][i]!.fields as Record<string, string>;
      for (const [k, v] of Object.entries(item)) {
        if (k === 'name') continue;
        raw[kind][i]![k] = v;
        fields[k] = `${itemPath}.${k}`;
      }
    });
  }
  return { raw, origins, problems };
}

/** What a phase's spec takes from outside its objects: the file's external network and nodes, and the phase's tunnels. */
export interface SpecContext {
  readonly external?: Partial<ExternalNetwork>;
  /** The file's `nodes:`; undefined: the one node NODE_NAME. */
  readonly nodes: readonly Node[] | undefined;
  /** Where each VM ran in the previous phase: a VM without `node` stays there. */
  readonly placed?: ReadonlyMap<string, string>;
  readonly tunnelsDown?: readonly NodePair[];
}

export function sourceOf(name: string, platform: TopologySpec['platform'], raw: RawObjects, origins: Origins, context: SpecContext): SpecSource {
  const spec = buildSpec(name, platform, raw, { ...DEFAULT_EXTERNAL_NETWORK, ...context.external });
  const nodes = nodesOf(context);
  return {
    spec: { ...spec, vms: placeVms(spec.vms, nodes, context.placed), nodes, tunnelsDown: context.tunnelsDown ?? [] },
    nodesDeclared: context.nodes !== undefined,
    raw,
    origins,
    at(kind, index, ...rest) {
      const o = origins[kind][index];
      if (!o) return '';
      const [field, ...tail] = rest;
      if (field === undefined) return o.base;
      const patched = o.fields[String(field)];
      if (patched) return joinPath([patched, ...tail]);
      return o.base ? joinPath([o.base, field, ...tail]) : '';
    },
  };
}

/** "vswitch1", "ns/vswitch1" and Kube-OVN's provider form "vswitch1.ns.ovn" all name one network. */
export function networkRef(text: string): string {
  const ovn = /^([^./]+)\.([^./]+)\.ovn$/.exec(text);
  if (ovn) return `${ovn[2]}/${ovn[1]}`;
  return text.includes('/') ? text : `default/${text}`;
}

function buildSpec(name: string, platform: TopologySpec['platform'], raw: RawObjects, externalNetwork: ExternalNetwork): TopologySpec {
  const networks: Network[] = raw.networks.map((n) => {
    const namespace = (n.namespace as string | undefined) ?? 'default';
    return { name: n.name, namespace, ref: `${namespace}/${n.name}` };
  });
  const vpcs: Vpc[] = raw.vpcs.map((v) => ({
    name: v.name,
    ...(v.cidr !== undefined ? { cidr: v.cidr as string } : {}),
    vpcPeerings: ((v.vpcPeerings ?? []) as Vpc['vpcPeerings']).map((p) => ({ remoteVpc: p.remoteVpc, localConnectIP: p.localConnectIP })),
    staticRoutes: ((v.staticRoutes ?? []) as { cidr: string; nextHopIP: string; policy?: 'policyDst' | 'policySrc' }[]).map((r) => ({
      cidr: r.cidr,
      nextHopIP: r.nextHopIP,
      policy: r.policy ?? 'policyDst',
    })),
    policyRoutes: ((v.policyRoutes ?? []) as PolicyRoute[]).map((r) => ({
      priority: r.priority,
      match: r.match,
      action: r.action,
      ...(r.nextHopIP !== undefined ? { nextHopIP: r.nextHopIP } : {}),
    })),
    implicit: v.implicit === true,
  }));
  const subnets: Subnet[] = raw.subnets.map((s) => {
    const cidrBlock = s.cidrBlock as string;
    return {
      name: s.name,
      vpc: (s.vpc as string | undefined) ?? DEFAULT_VPC,
      cidrBlock,
      gateway: (s.gateway as string | undefined) ?? (isPrefix(cidrBlock) ? formatIPv4(firstHost(parsePrefix(cidrBlock))) : ''),
      provider: networkRef(s.provider as string),
      private: (s.private as boolean | undefined) ?? false,
      allowSubnets: (s.allowSubnets as string[] | undefined) ?? [],
      natOutgoing: (s.natOutgoing as boolean | undefined) ?? false,
      excludeIps: (s.excludeIps as string[] | undefined) ?? [],
      enableDHCP: (s.enableDHCP as boolean | undefined) ?? false,
      ...(s.dhcpV4Options !== undefined ? { dhcpV4Options: s.dhcpV4Options as string } : {}),
      ...(s.mtu !== undefined ? { mtu: s.mtu as number } : {}),
    };
  });
  const rules = (list: unknown): SecurityGroupRule[] =>
    ((list ?? []) as Record<string, unknown>[]).map((r) => ({
      ...(r as unknown as SecurityGroupRule),
      ipVersion: 'ipv4',
      remoteType: (r.remoteType as SecurityGroupRule['remoteType'] | undefined) ?? 'address',
    }));
  const securityGroups: SecurityGroup[] = raw.securityGroups.map((g) => ({
    name: g.name,
    allowSameGroupTraffic: (g.allowSameGroupTraffic as boolean | undefined) ?? false,
    ingressRules: rules(g.ingressRules),
    egressRules: rules(g.egressRules),
  }));
  const vms: Vm[] = raw.vms.map((v) => {
    const binding = (v.binding as Binding | undefined) ?? 'bridge';
    return {
      name: v.name,
      ...(v.node !== undefined ? { node: v.node as string } : {}),
      ...(v.mtu !== undefined ? { mtu: v.mtu as number } : {}),
      network: networkRef(v.network as string),
      ...(v.ip !== undefined ? { ip: v.ip as string } : {}),
      defaultRoute: v.defaultRoute === undefined ? binding === 'bridge' : v.defaultRoute !== false,
      ...(typeof v.defaultRoute === 'string' ? { defaultRouteVia: v.defaultRoute } : {}),
      binding,
      securityGroups: (v.securityGroups as string[] | undefined) ?? [],
      listen: ((v.listen as string[] | undefined) ?? []).map((l): Listen => ({ protocol: 'tcp', port: Number(l.split('/')[1]) })),
    };
  });
  const natGateways: NatGateway[] = raw.natGateways.map((g) => ({
    name: g.name,
    vpc: g.vpc as string,
    subnet: g.subnet as string,
    lanIp: g.lanIp as string,
    externalSubnets: (g.externalSubnets as string[] | undefined) ?? [externalNetwork.name],
  }));
  const eips: Eip[] = raw.eips.map((e) => ({
    name: e.name,
    natGwDp: e.natGwDp as string,
    v4ip: e.v4ip as string,
    externalSubnet: (e.externalSubnet as string | undefined) ?? externalNetwork.name,
  }));
  const snatRules: SnatRule[] = raw.snatRules.map((r) => ({ name: r.name, eip: r.eip as string, internalCIDR: r.internalCIDR as string }));
  const dnatRules: DnatRule[] = raw.dnatRules.map((r) => ({
    name: r.name,
    eip: r.eip as string,
    externalPort: Number(r.externalPort),
    internalIp: r.internalIp as string,
    internalPort: Number(r.internalPort),
    protocol: r.protocol as DnatRule['protocol'],
  }));
  const fipRules: FipRule[] = raw.fipRules.map((r) => ({ name: r.name, eip: r.eip as string, internalIp: r.internalIp as string }));
  return { name, platform, networks, vpcs, subnets, securityGroups, vms, externalNetwork, natGateways, eips, snatRules, dnatRules, fipRules };
}
