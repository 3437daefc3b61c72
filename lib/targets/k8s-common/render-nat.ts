// The cluster half of Kube-OVN's VPC NAT gateway (iptables): the external network the gateways'
// external legs and EIPs live on, the VpcNatGateways, IptablesEIPs and the SNAT, DNAT and FIP
// rules, run-prefixed and labelled like every other object; on the kubeovn target also the two
// ConfigMaps the controller reads. Site facts no topology holds (the NIC behind the external
// network, its VLAN, the gateway image) come from the target's options; where one is defaulted a
// note says so. Pure.
//
// Facts (kubeovn/kube-ovn v1.15.24 unless said; see the citations beside each):
// - every NAT kind is cluster-scoped (charts/kube-ovn/templates/kube-ovn-crd.yaml, v1.13.13 and v1.14.10);
// - DNAT ports are strings in the CRD (IptablesDnatRule spec.externalPort/internalPort: type string);
// - the gateway's pod is the StatefulSet "vpc-nat-gw-<name>" (pkg/util GenNatGwName), so the name
//   must leave room for that prefix, and a StatefulSet's pods carry the label
//   controller-revision-hash "<statefulset>-<hash of 10>", a label value of at most 63 characters.
import { createHash } from 'node:crypto';
import { runLabels, runObjectMeta } from '../../k8s/labels.ts';
import { NETWORKS_ANNOTATION } from '../../k8s/kube-ovn.ts';
import type { KubeObject } from '../../k8s/resources.ts';
import type { TopologySpec } from '../../topology/types.ts';
import { prefixed, providerOf, vpcName } from './names.ts';

/** Where Kube-OVN's controller runs and looks for its NAT ConfigMaps and the external NAD (pkg/util/const.go, nat-facts.md section 3). */
export const NAT_NAMESPACE = 'kube-system';
/** kube-system/ovn-vpc-nat-config: `image` is required, else the controller does nothing (pkg/controller/vpc_nat.go). */
export const NAT_CONFIG = 'ovn-vpc-nat-config';
/** kube-system/ovn-vpc-nat-gw-config: only a missing ConfigMap or "false" disables the feature (pkg/controller/vpc_nat_gateway.go). */
export const NAT_GW_CONFIG = 'ovn-vpc-nat-gw-config';
export const NAT_GW_ENABLE_KEY = 'enable-vpc-nat-gw';
/** The image Harvester v1.8 runs (harvester/docs versioned_docs/version-v1.8/networking/kubeovn-vpcnatgateway.md at e578801). */
export const DEFAULT_NAT_GATEWAY_IMAGE = 'docker.io/kubeovn/vpc-nat-gateway:v1.15.0';

/** "vpc-nat-gw-" (GenNatGwName) + name + "-" + a revision hash of 10 fits a 63-character label value. */
const MAX_GATEWAY_NAME = 63 - 'vpc-nat-gw-'.length - 11;
/** A ProviderNetwork's name is at most 12 characters (CRD metadata.name maxLength: its OVS bridge is br-<name>, an interface name of at most 15). */
const MAX_PROVIDER_NETWORK_NAME = 12;

/**
 * How the external network reaches the outside.
 * - macvlan (kubeovn/docs v1.15 docs/vpc/vpc.en.md "Configuring the External Network"): a macvlan
 *   NetworkAttachmentDefinition on a node NIC with Kube-OVN IPAM, and a Subnet of that provider;
 * - vlan-underlay (Harvester v1.8's page, Kube-OVN as secondary CNI): a kube-ovn NAD with the NIC as
 *   master, a Kube-OVN Subnet of that provider on a Vlan of a ProviderNetwork on the NIC.
 */
export type ExternalForm = 'macvlan' | 'vlan-underlay';

export interface NatSiteOptions {
  /** The node NIC behind the external network (macvlan master; the ProviderNetwork's defaultInterface). */
  readonly externalNic?: string;
  /** vlan-underlay only: the VLAN id of the external network (0: untagged). */
  readonly externalVlan?: number;
  /** The vpc-nat-gateway image written into ovn-vpc-nat-config (kubeovn target only). */
  readonly natGatewayImage?: string;
}

/** Defaults, with where they come from, for the note a defaulted option gets. */
const DEFAULT_NIC: Record<ExternalForm, { nic: string; source: string }> = {
  macvlan: { nic: 'eth1', source: "the Kube-OVN docs' macvlan example" },
  'vlan-underlay': { nic: 'eno50', source: "Harvester v1.8's NAT gateway page" },
};
const DEFAULT_VLAN = 0;

export interface NatRenderOptions extends NatSiteOptions {
  readonly runId: string;
  readonly form: ExternalForm;
  /**
   * Render ovn-vpc-nat-config and ovn-vpc-nat-gw-config. Harvester's kubeovn-operator renders and
   * owns both (harvester/kubeovn-operator internal/templates/configmaps.go, from its Configuration's
   * enableNATGateway), so on Harvester vpcheck does not write them: it checks them (natConfigRefusal).
   */
  readonly configMaps: boolean;
  /**
   * The gateway pod's LAN leg when Kube-OVN is a secondary CNI (Harvester): the multus annotation
   * naming the NAD of the gateway's subnet, as the v1.8 page writes it on the VpcNatGateway
   * (k8s.v1.cni.cncf.io/networks: default/vswitchinternal; the controller puts it first in the
   * pod's networks, nat-facts.md 2.4). Topology network ref -> "namespace/name" of its NAD.
   */
  readonly lanNetwork?: (networkRef: string) => string;
}

export interface RenderedNat {
  /** ConfigMaps; external NAD, ProviderNetwork, Vlan, Subnet; gateways; EIPs; FIP, SNAT, DNAT rules. */
  readonly objects: readonly KubeObject[];
  /** One line per site option that was defaulted, and what the user must know to apply these. */
  readonly notes: readonly string[];
}

/** The name of a run's VpcNatGateway: run-prefixed, short enough for its StatefulSet's pods. */
export const gatewayName = (runId: string, name: string): string => prefixed(runId, name, MAX_GATEWAY_NAME);

/** A run's ProviderNetwork: a short hash of the run, since the run id alone may not fit 12 characters. */
export const providerNetworkName = (runId: string): string => `pn${createHash('sha256').update(runId).digest('hex').slice(0, MAX_PROVIDER_NETWORK_NAME - 2)}`;

export function renderNat(spec: TopologySpec, options: NatRenderOptions): RenderedNat {
  if (!spec.natGateways.length && !spec.eips.length) return { objects: [], notes: [] };
  const { runId } = options;
  const meta = (name: string, original: string, namespace?: string): KubeObject['metadata'] => runObjectMeta(runId, spec.name, name, original, namespace);
  const notes: string[] = [];
  const nic = options.externalNic ?? DEFAULT_NIC[options.form].nic;
  if (options.externalNic === undefined) notes.push(`external network on node NIC ${nic} (the default, from ${DEFAULT_NIC[options.form].source}): pass --external-nic with the NIC that reaches ${spec.externalNetwork.gateway}`);

  const configMaps: KubeObject[] = [];
  if (options.configMaps) {
    const image = options.natGatewayImage ?? DEFAULT_NAT_GATEWAY_IMAGE;
    if (options.natGatewayImage === undefined) notes.push(`NAT gateway image ${image} (the default, Harvester v1.8's): pass --nat-gateway-image for another`);
    notes.push(`${NAT_NAMESPACE}/${NAT_CONFIG} and ${NAT_NAMESPACE}/${NAT_GW_CONFIG}: \`vpcheck run\` creates them only where the cluster has none (and then removes them), never changing the cluster's own`);
    configMaps.push(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(NAT_CONFIG, NAT_CONFIG, NAT_NAMESPACE), data: { image } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(NAT_GW_CONFIG, NAT_GW_CONFIG, NAT_NAMESPACE), data: { [NAT_GW_ENABLE_KEY]: 'true' } },
    );
  } else {
    notes.push(`${NAT_NAMESPACE}/${NAT_CONFIG} and ${NAT_NAMESPACE}/${NAT_GW_CONFIG} are the kubeovn-operator's: enable the NAT gateway in its Configuration (spec.components.enableNATGateway: true)`);
  }

  const ext = spec.externalNetwork;
  const extName = prefixed(runId, ext.name);
  const externalSubnetName = (name: string) => (name === ext.name ? extName : prefixed(runId, name));
  const external = options.form === 'macvlan' ? macvlanExternal(extName, nic) : underlayExternal(runId, extName, `${ext.name}-vlan`, nic, options.externalVlan ?? DEFAULT_VLAN, meta);
  if (options.form === 'vlan-underlay' && options.externalVlan === undefined) notes.push(`external network untagged (VLAN id ${DEFAULT_VLAN}, the default): pass --external-vlan with its VLAN id`);
  const nad: KubeObject = {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    // Labelled as the v1.8 page's vswitchexternal is (network.harvesterhci.io/type: OverlayNetwork):
    // Harvester's subnet webhook admits a kube-ovn provider only on a NAD of that type
    // (harvester/network-controller-harvester pkg/webhook/subnet/validator.go).
    metadata: { ...meta(extName, ext.name, NAT_NAMESPACE), ...(options.form === 'vlan-underlay' && { labels: { ...runLabels(runId, spec.name), 'network.harvesterhci.io/type': 'OverlayNetwork' } }) },
    spec: { config: JSON.stringify(external.config) },
  };
  const subnet: KubeObject = {
    apiVersion: 'kubeovn.io/v1',
    kind: 'Subnet',
    metadata: meta(extName, ext.name),
    // No spec.vpc: the external subnet serves the gateways of every VPC (Harvester's page puts it in
    // its one custom VPC; a topology may have several). Its gateway is the upstream router: kept
    // out of IPAM, so neither a gateway's own address nor an EIP takes it.
    spec: { protocol: 'IPv4', provider: external.provider, cidrBlock: ext.cidrBlock, gateway: ext.gateway, excludeIps: [ext.gateway], ...(external.vlan !== undefined && { vlan: external.vlan }) },
  };

  const subnetByName = new Map(spec.subnets.map((s) => [s.name, s]));
  const gateways = spec.natGateways.map((g): KubeObject => {
    const lanSubnet = subnetByName.get(g.subnet);
    const lan = lanSubnet && options.lanNetwork?.(lanSubnet.provider);
    const m = meta(gatewayName(runId, g.name), g.name);
    return {
      apiVersion: 'kubeovn.io/v1',
      kind: 'VpcNatGateway',
      metadata: lan ? { ...m, annotations: { ...m.annotations, [NETWORKS_ANNOTATION]: lan } } : m,
      spec: { vpc: vpcName(runId, g.vpc), subnet: prefixed(runId, g.subnet), lanIp: g.lanIp, externalSubnets: g.externalSubnets.map(externalSubnetName) },
    };
  });
  const eipName = (name: string) => prefixed(runId, name);
  const eips = spec.eips.map((e): KubeObject => ({
    apiVersion: 'kubeovn.io/v1',
    kind: 'IptablesEIP',
    metadata: meta(eipName(e.name), e.name),
    spec: { natGwDp: gatewayName(runId, e.natGwDp), v4ip: e.v4ip, externalSubnet: externalSubnetName(e.externalSubnet) },
  }));
  const fips = spec.fipRules.map((r): KubeObject => ({ apiVersion: 'kubeovn.io/v1', kind: 'IptablesFIPRule', metadata: meta(prefixed(runId, r.name), r.name), spec: { eip: eipName(r.eip), internalIp: r.internalIp } }));
  const snats = spec.snatRules.map((r): KubeObject => ({ apiVersion: 'kubeovn.io/v1', kind: 'IptablesSnatRule', metadata: meta(prefixed(runId, r.name), r.name), spec: { eip: eipName(r.eip), internalCIDR: r.internalCIDR } }));
  const dnats = spec.dnatRules.map((r): KubeObject => ({
    apiVersion: 'kubeovn.io/v1',
    kind: 'IptablesDnatRule',
    metadata: meta(prefixed(runId, r.name), r.name),
    spec: { eip: eipName(r.eip), externalPort: String(r.externalPort), internalIp: r.internalIp, internalPort: String(r.internalPort), protocol: r.protocol },
  }));
  return { objects: [...configMaps, nad, ...external.objects, subnet, ...gateways, ...eips, ...fips, ...snats, ...dnats], notes };
}

interface External {
  readonly config: Record<string, unknown>;
  readonly provider: string;
  readonly vlan?: string;
  /** ProviderNetwork and Vlan, before the Subnet that names the Vlan. */
  readonly objects: readonly KubeObject[];
}

/** kubeovn/docs v1.15 docs/vpc/vpc.en.md: macvlan in bridge mode with Kube-OVN's IPAM, provider "<nad>.<namespace>". */
function macvlanExternal(name: string, nic: string): External {
  const provider = `${name}.${NAT_NAMESPACE}`;
  return {
    config: { cniVersion: '0.3.0', type: 'macvlan', master: nic, mode: 'bridge', ipam: { type: 'kube-ovn', server_socket: '/run/openvswitch/kube-ovn-daemon.sock', provider } },
    provider,
    objects: [],
  };
}

/**
 * Harvester v1.8's page (nat-facts.md 4.2): NAD {"type":"kube-ovn","master":<nic>,"provider":"<nad>.kube-system.ovn"},
 * ProviderNetwork {defaultInterface: <nic>} and Vlan {id, provider}: the Subnet on that Vlan is an
 * underlay with an OVS localnet port on br-<provider network>.
 */
function underlayExternal(runId: string, name: string, vlanOriginal: string, nic: string, vlanId: number, meta: (name: string, original: string) => KubeObject['metadata']): External {
  const provider = providerOf({ name, namespace: NAT_NAMESPACE });
  const pn = providerNetworkName(runId);
  const vlan = prefixed(runId, vlanOriginal);
  return {
    config: { cniVersion: '0.3.1', name, master: nic, type: 'kube-ovn', server_socket: '/run/openvswitch/kube-ovn-daemon.sock', provider },
    provider,
    vlan,
    objects: [
      { apiVersion: 'kubeovn.io/v1', kind: 'ProviderNetwork', metadata: meta(pn, pn), spec: { defaultInterface: nic } },
      { apiVersion: 'kubeovn.io/v1', kind: 'Vlan', metadata: meta(vlan, vlanOriginal), spec: { id: vlanId, provider: pn } },
    ],
  };
}

/**
 * Why the cluster's NAT ConfigMaps would keep Kube-OVN from building a gateway, or undefined when
 * they would not: ovn-vpc-nat-gw-config missing or "false" (the feature off), ovn-vpc-nat-config
 * missing or without `image` (nat-facts.md section 3).
 */
export function natConfigRefusal(natConfig: KubeObject | undefined, gwConfig: KubeObject | undefined): string | undefined {
  const data = (o: KubeObject | undefined) => (o?.data ?? {}) as Record<string, string>;
  if (!gwConfig || data(gwConfig)[NAT_GW_ENABLE_KEY] === 'false') return `${NAT_NAMESPACE}/${NAT_GW_CONFIG} ${gwConfig ? `has ${NAT_GW_ENABLE_KEY}: "false"` : 'does not exist'}: Kube-OVN builds no VPC NAT gateway`;
  if (!data(natConfig).image) return `${NAT_NAMESPACE}/${NAT_CONFIG} ${natConfig ? 'has no image' : 'does not exist'}: Kube-OVN builds no VPC NAT gateway ("ovn-vpc-nat-config should have image field")`;
  return undefined;
}

/** The objects sorted by their kind's place in `order` (stable within a kind). */
export function inApplyOrder(objects: readonly KubeObject[], order: readonly string[]): KubeObject[] {
  return objects.map((o, i) => [o, i] as const).sort(([a, i], [b, j]) => order.indexOf(a.kind) - order.indexOf(b.kind) || i - j).map(([o]) => o);
}
