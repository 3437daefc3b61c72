// What a topology cannot hold of a customer's Kube-OVN objects: spec fields other than the ones
// vpcheck maps, unless they hold Kube-OVN's default (kubeovn/kube-ovn:pkg/controller/subnet.go
// formatSubnet, vpc.go formatVpc). Each becomes a comment and a warning, so nothing is lost
// silently. Status, managedFields and other metadata are state, not configuration: dropped.
import type { KubeObject } from '../k8s/resources.ts';

// Subnet disableGatewayCheck only lets kube-ovn-cni start a pod without pinging the gateway; no
// packet depends on it, and cluster targets set it themselves (k8s-common/render-network.ts).
const MAPPED: Record<string, readonly string[]> = {
  Vpc: ['vpcPeerings', 'staticRoutes', 'policyRoutes'],
  Subnet: ['vpc', 'cidrBlock', 'gateway', 'provider', 'private', 'allowSubnets', 'natOutgoing', 'excludeIps', 'enableDHCP', 'dhcpV4Options', 'mtu', 'disableGatewayCheck'],
  SecurityGroup: ['allowSameGroupTraffic', 'ingressRules', 'egressRules'],
  // The NAT gateway's kinds (kubeovn/kube-ovn v1.15.24 pkg/apis/kubeovn/v1): selector, tolerations,
  // affinity, qosPolicy, bgpSpeaker, routes and noDefaultEIP of a gateway are reported. An EIP's
  // macAddress is Kube-OVN's, written back into the spec after allocation (vpc_nat_gw_eip.go).
  VpcNatGateway: ['vpc', 'subnet', 'lanIp', 'externalSubnets'],
  IptablesEIP: ['natGwDp', 'v4ip', 'externalSubnet', 'macAddress'],
  IptablesSnatRule: ['eip', 'internalCIDR'],
  IptablesDnatRule: ['eip', 'externalPort', 'internalIp', 'internalPort', 'protocol'],
  IptablesFIPRule: ['eip', 'internalIp'],
};

/** Values that change nothing vpcheck models: Kube-OVN's defaults and empty lists. */
const DEFAULTS: Record<string, unknown> = { protocol: 'IPv4', gatewayType: 'distributed', enableLb: true, default: false };

const empty = (v: unknown) => v === undefined || v === null || v === false || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** "spec.gatewayType: \"centralized\"" lines for the fields of a Kube-OVN object the topology cannot hold. */
export function unmappedFields(o: KubeObject): string[] {
  const mapped = MAPPED[o.kind];
  if (!mapped) return [];
  return Object.entries((o.spec ?? {}) as Record<string, unknown>)
    .filter(([k, v]) => !mapped.includes(k) && !empty(v) && JSON.stringify(DEFAULTS[k]) !== JSON.stringify(v))
    .map(([k, v]) => `spec.${k}: ${JSON.stringify(v)}`);
}
