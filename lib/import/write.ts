// A TopologySpec as a topology file: defaults left out where the loader fills them, network
// references short ("name" in namespace default), and comments above it. Pure.
import { Document, isMap, isSeq } from 'yaml';
import { DEFAULT_EXTERNAL_NETWORK, DEFAULT_VPC, type TopologySpec } from '../topology/types.ts';

const shortRef = (ref: string) => (ref.startsWith('default/') ? ref.slice('default/'.length) : ref);

export function topologyDocument(spec: TopologySpec, description: string): Record<string, unknown> {
  return {
    apiVersion: 'vpcheck/v1',
    kind: 'Topology',
    name: spec.name,
    description,
    platform: spec.platform,
    ...(spec.nodes?.length && { nodes: spec.nodes.map((n) => ({ name: n.name })) }),
    networks: spec.networks.map((n) => ({ name: n.name, ...(n.namespace !== 'default' && { namespace: n.namespace }) })),
    vpcs: spec.vpcs.filter((v) => !(v.name === DEFAULT_VPC && v.implicit)).map((v) => ({
      name: v.name,
      ...(v.vpcPeerings.length && { vpcPeerings: v.vpcPeerings }),
      ...(v.staticRoutes.length && { staticRoutes: v.staticRoutes }),
      ...(v.policyRoutes.length && { policyRoutes: v.policyRoutes }),
    })),
    subnets: spec.subnets.map((s) => ({ ...s, provider: shortRef(s.provider) })),
    securityGroups: spec.securityGroups,
    vms: spec.vms.map((vm) => ({
      name: vm.name,
      network: shortRef(vm.network),
      ...(vm.ip !== undefined && { ip: vm.ip }),
      ...(vm.node !== undefined && { node: vm.node }),
      ...(vm.mtu !== undefined && { mtu: vm.mtu }),
      defaultRoute: vm.defaultRoute && vm.defaultRouteVia !== undefined ? vm.defaultRouteVia : vm.defaultRoute,
      ...(vm.binding !== 'bridge' && { binding: vm.binding }),
      ...(vm.securityGroups.length && { securityGroups: vm.securityGroups }),
      ...(vm.listen.length && { listen: vm.listen.map((l) => `${l.protocol}/${l.port}`) }),
    })),
    ...natDocument(spec),
    // Probes are not in cluster objects: the whole mesh and the internet from every VM.
    probes: { mesh: true, internet: true },
  };
}

/** The file: comment lines ("# " added), then the topology, with each VM's own comment lines above it. */
export function topologyYaml(document: Record<string, unknown>, comments: readonly string[], vmComments: ReadonlyMap<string, readonly string[]> = new Map()): string {
  const header = comments.map((c) => (c ? `# ${c}` : '#')).join('\n');
  const doc = new Document(document);
  const vms = doc.get('vms');
  if (isSeq(vms)) {
    for (const item of vms.items) {
      if (!isMap(item)) continue;
      const lines = vmComments.get(String(item.get('name')));
      if (lines?.length) item.commentBefore = lines.map((l) => ` ${l}`).join('\n');
    }
  }
  return `${header ? `${header}\n` : ''}${doc.toString({ lineWidth: 0 })}`;
}

/** The NAT gateway's part, defaults left out (the external network vpcheck assumes, externalSubnets naming it). */
function natDocument(spec: TopologySpec): Record<string, unknown> {
  const ext = spec.externalNetwork;
  const isDefault = JSON.stringify(ext) === JSON.stringify(DEFAULT_EXTERNAL_NETWORK);
  const onExternal = (names: readonly string[]) => names.length === 1 && names[0] === ext.name;
  return {
    ...(!isDefault && { externalNetwork: ext }),
    ...(spec.natGateways.length && { natGateways: spec.natGateways.map(({ externalSubnets, ...g }) => ({ ...g, ...(!onExternal(externalSubnets) && { externalSubnets }) })) }),
    ...(spec.eips.length && { eips: spec.eips.map(({ externalSubnet, ...e }) => ({ ...e, ...(externalSubnet !== ext.name && { externalSubnet }) })) }),
    ...(spec.snatRules.length && { snatRules: spec.snatRules }),
    ...(spec.dnatRules.length && { dnatRules: spec.dnatRules }),
    ...(spec.fipRules.length && { fipRules: spec.fipRules }),
  };
}
