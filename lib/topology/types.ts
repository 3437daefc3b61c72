// The typed, defaults-filled topology that every other module consumes.
// Field names follow Kube-OVN (kubeovn.io/v1 Vpc, Subnet, SecurityGroup) and Harvester so that a
// customer's objects map over directly; see README "Topology format".

/** Whose documented behaviour the validator warns about; it never changes the data plane. */
export type Platform = 'harvester' | 'kube-ovn';

/** What a probe observed or is expected to observe. `error` is never a network verdict. */
export type Outcome = 'reachable' | 'timeout' | 'network-unreachable' | 'refused' | 'message-too-long' | 'error';
export const OUTCOMES: readonly Outcome[] = ['reachable', 'timeout', 'network-unreachable', 'refused', 'message-too-long', 'error'];

/**
 * icmp: a ping. tcp: a connect. mtu: one ping of `size` payload bytes with Don't Fragment set
 * (`ping -M do -s size`); the sender's own smaller MTU refuses it locally (`message-too-long`).
 * bulk: `size` bytes through a TCP echo service on `port` and back (a stalled transfer is `timeout`).
 */
export type ProbeKind = 'icmp' | 'tcp' | 'mtu' | 'bulk';
export const PROBE_KINDS: readonly ProbeKind[] = ['icmp', 'tcp', 'mtu', 'bulk'];
export type WireProtocol = 'icmp' | 'tcp';
/** The protocol a probe kind's packets carry: what ACLs, security groups and traces see. */
export const WIRE_PROTOCOL: Readonly<Record<ProbeKind, WireProtocol>> = { icmp: 'icmp', tcp: 'tcp', mtu: 'icmp', bulk: 'tcp' };

/** The default VPC of Kube-OVN; always present in a Topology even when the file omits it. */
export const DEFAULT_VPC = 'ovn-cluster';

/** The word `to:` uses for the internet address. */
export const INTERNET = 'internet';
/**
 * The probe source that is no VM: a host on the external network (the lab's upstream host, which
 * is also `internet`; on a cluster a host the user names). Its probes go to EIPs by name.
 */
export const EXTERNAL = 'external';
/**
 * The node of a file without `nodes:`, and the node whose namespace carries ovn-cluster's join
 * network, natOutgoing and the NAT gateways in the lab (the first node of a file with `nodes:`).
 */
export const NODE_NAME = 'node-1';
/** The lab underlay's MTU; Kube-OVN's overlay MTU is 100 below it (Geneve) unless a subnet says otherwise. */
export const UNDERLAY_MTU = 1500;
/**
 * Bytes a packet grows by between nodes: its own Ethernet header (14) inside outer IPv4 (20), UDP (8)
 * and Geneve (8, plus 8 of OVN's tunnel-key option). Measured: 1414 payload bytes cross, 1415 do not.
 */
export const GENEVE_OVERHEAD = 58;
/** The node's own address (Kubernetes InternalIP) on the external network: the lab's node holds it on its uplink. */
export const NODE_INTERNAL_IP = '192.0.2.254';
/** Kube-OVN's join subnet (node <-> ovn-cluster), allowed by private-subnet ACLs. */
export const JOIN_CIDR = '100.64.0.0/16';
/** Kube-OVN's default subnet in ovn-cluster, at its install default (--default-cidr). */
export const OVN_DEFAULT_CIDR = '10.16.0.0/16';

/** A Harvester VM network (NetworkAttachmentDefinition of type OverlayNetwork). */
export interface Network {
  readonly name: string;
  readonly namespace: string;
  /** "namespace/name", the form VMs and subnets use to refer to it. */
  readonly ref: string;
}

export interface VpcPeering {
  readonly remoteVpc: string;
  /** CIDR form, e.g. 169.254.0.1/30: the address of this VPC's router port and the link's prefix. */
  readonly localConnectIP: string;
}

export type RoutePolicy = 'policyDst' | 'policySrc';

export interface StaticRoute {
  readonly cidr: string;
  readonly nextHopIP: string;
  readonly policy: RoutePolicy;
}

export type PolicyRouteAction = 'allow' | 'drop' | 'reroute';

/**
 * Kube-OVN Vpc spec.policyRoutes: an OVN logical router policy (pkg/apis/kubeovn/v1/vpc.go
 * PolicyRoute). Policies act after the route lookup; the highest priority that matches decides.
 */
export interface PolicyRoute {
  /** 0-32767 (OVN Logical_Router_Policy.priority). */
  readonly priority: number;
  /** OVN match expression, e.g. "ip4.dst == 10.20.0.0/16" (lib/topology/ovn-match.ts). */
  readonly match: string;
  readonly action: PolicyRouteAction;
  /** reroute only: the next hop. */
  readonly nextHopIP?: string;
}

export interface Vpc {
  readonly name: string;
  /** Optional "VPC CIDR" of the Harvester docs; subnets must fall inside it. */
  readonly cidr?: string;
  readonly vpcPeerings: readonly VpcPeering[];
  readonly staticRoutes: readonly StaticRoute[];
  readonly policyRoutes: readonly PolicyRoute[];
  /** True for ovn-cluster when the file did not declare it. */
  readonly implicit: boolean;
}

export interface Subnet {
  readonly name: string;
  readonly vpc: string;
  readonly cidrBlock: string;
  readonly gateway: string;
  /** Network reference "namespace/name" (a bare name means namespace default). */
  readonly provider: string;
  readonly private: boolean;
  readonly allowSubnets: readonly string[];
  readonly natOutgoing: boolean;
  /** Single addresses "10.0.0.5" or ranges "10.0.0.10..10.0.0.20". */
  readonly excludeIps: readonly string[];
  /** OVN native DHCP on the subnet's ports (one DHCP_Options row; lib/topology/dhcp.ts). */
  readonly enableDHCP: boolean;
  /** Kube-OVN's "k1=v1,k2=v2" overrides of the DHCPv4 options, as written. */
  readonly dhcpV4Options?: string;
  /** DHCP option 26; absent: Kube-OVN's default for a Geneve overlay (dhcp.ts OVERLAY_MTU). */
  readonly mtu?: number;
}

export type SgProtocol = 'all' | 'icmp' | 'tcp' | 'udp';

export interface SecurityGroupRule {
  readonly ipVersion: 'ipv4';
  readonly protocol: SgProtocol;
  readonly portRangeMin?: number;
  readonly portRangeMax?: number;
  readonly remoteType: 'address' | 'securityGroup';
  readonly remoteAddress?: string;
  readonly remoteSecurityGroup?: string;
  readonly policy: 'allow' | 'drop';
  /** 1..200 on Kube-OVN v1.13-v1.15 (Harvester v1.6/v1.7); smaller wins. ACL priority is 2300 - priority. */
  readonly priority: number;
}

export interface SecurityGroup {
  readonly name: string;
  readonly allowSameGroupTraffic: boolean;
  readonly ingressRules: readonly SecurityGroupRule[];
  readonly egressRules: readonly SecurityGroupRule[];
}

export interface Listen {
  readonly protocol: 'tcp';
  readonly port: number;
}

/**
 * The KubeVirt interface binding. `bridge`: KubeVirt's own DHCP gives the address but, on a
 * secondary network, no default route. `managedtap`: the guest's DHCP client talks to OVN's native
 * DHCP, which gives address, router and MTU when the subnet has enableDHCP, and nothing otherwise.
 */
export type Binding = 'bridge' | 'managedtap';
export const BINDINGS: readonly Binding[] = ['bridge', 'managedtap'];

/** A Kubernetes node (a Harvester host); in the lab an OVN chassis of its own. */
export interface Node {
  readonly name: string;
  /** True for NODE_NAME when the file has no `nodes:`: no real node is named, so a cluster target pins nothing. */
  readonly implicit?: boolean;
}

/** Two nodes; order carries no meaning. */
export type NodePair = readonly [string, string];

export interface Vm {
  readonly name: string;
  /**
   * Where the VM runs (Harvester: nodeSelector kubernetes.io/hostname). The loader always fills it
   * (placement, lib/topology/nodes.ts); a spec built in code may leave it out: the one node NODE_NAME.
   */
  readonly node?: string;
  /** The guest's own MTU on its NIC; absent: what the overlay hands out (the subnet's mtu, default 1400). */
  readonly mtu?: number;
  /** Network reference "namespace/name"; the VM's subnet is the one whose provider is this network. */
  readonly network: string;
  /** Fixed address; when absent lib/topology/addresses.ts assigns one as Kube-OVN's IPAM would. */
  readonly ip?: string;
  /**
   * Run the docs' "ip route add default via <gateway> dev enp1s0" before probing. Defaults to true
   * for binding bridge and false for managedtap, whose DHCP lease carries the route.
   */
  readonly defaultRoute: boolean;
  /**
   * The route step's next hop when the file writes an address (`defaultRoute: 10.0.1.254`); absent:
   * the subnet's gateway. Harvester v1.8's NAT gateway page has the guest route via the gateway's lanIp.
   */
  readonly defaultRouteVia?: string;
  readonly binding: Binding;
  readonly securityGroups: readonly string[];
  readonly listen: readonly Listen[];
}

/**
 * The network the NAT gateways' external legs and EIPs live on: Kube-OVN's external subnet
 * (a macvlan NetworkAttachmentDefinition plus a Subnet of the same name in kube-system).
 */
export interface ExternalNetwork {
  /** Kube-OVN's default external subnet is ovn-vpc-external-network. */
  readonly name: string;
  readonly cidrBlock: string;
  /** The upstream router; the lab's upstream host holds it and is `internet` and `external`. */
  readonly gateway: string;
}

/** The lab's upstream segment, and the default when a file names no external network. */
export const DEFAULT_EXTERNAL_NETWORK: ExternalNetwork = { name: 'ovn-vpc-external-network', cidrBlock: '192.0.2.0/24', gateway: '192.0.2.1' };

/** Kube-OVN VpcNatGateway (kubeovn.io/v1; iptables NAT in a pod with a LAN and an external leg). */
export interface NatGateway {
  readonly name: string;
  readonly vpc: string;
  /** The VPC subnet of the LAN leg. */
  readonly subnet: string;
  /** The LAN leg's address in `subnet`; the VPC's routes to the outside point at it. */
  readonly lanIp: string;
  /** External subnets the gateway attaches to; default [externalNetwork.name]. */
  readonly externalSubnets: readonly string[];
}

/** Kube-OVN IptablesEIP: an address of the external network held by a gateway's external leg. */
export interface Eip {
  readonly name: string;
  /** The NAT gateway holding it. */
  readonly natGwDp: string;
  readonly v4ip: string;
  /** Default: externalNetwork.name. */
  readonly externalSubnet: string;
}

/** Kube-OVN IptablesSnatRule: sources in internalCIDR leave as the EIP. */
export interface SnatRule {
  readonly name: string;
  readonly eip: string;
  readonly internalCIDR: string;
}

export type NatProtocol = 'tcp' | 'udp';

/** Kube-OVN IptablesDnatRule: EIP:externalPort forwarded to internalIp:internalPort. */
export interface DnatRule {
  readonly name: string;
  readonly eip: string;
  /** Kube-OVN's fields are strings; vpcheck reads a port number (render writes it back as a string). */
  readonly externalPort: number;
  readonly internalIp: string;
  readonly internalPort: number;
  readonly protocol: NatProtocol;
}

/** Kube-OVN IptablesFIPRule: the EIP belongs to internalIp in both directions (1:1 NAT). */
export interface FipRule {
  readonly name: string;
  readonly eip: string;
  readonly internalIp: string;
}

export interface TcpProbe {
  readonly from: string;
  readonly to: string;
  readonly port: number;
}

/** One Don't-Fragment ping of `size` ICMP payload bytes (1472 fills a 1500-byte packet). */
export interface MtuProbe {
  readonly from: string;
  readonly to: string;
  readonly size: number;
}

/** `size` bytes sent through the destination's TCP echo service on `port` (a `listen:` port) and back. */
export interface BulkProbe {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly size: number;
}

export interface Probes {
  /** ICMP between every ordered pair of VMs. */
  readonly mesh: boolean;
  /** ICMP from every VM to the internet address. */
  readonly internet: boolean;
  /** Extra ICMP probes, e.g. to an IP address. */
  readonly icmp: readonly { readonly from: string; readonly to: string }[];
  readonly tcp: readonly TcpProbe[];
  readonly mtu: readonly MtuProbe[];
  readonly bulk: readonly BulkProbe[];
}

/** `from` is a VM name or `external`; `to` is a VM name, an IPv4 address, `internet` or an EIP name. */
export interface Expectation {
  readonly from: string;
  readonly to: string;
  readonly probe: ProbeKind;
  /** Set for tcp and bulk expectations. */
  readonly port?: number;
  /** Set for mtu (payload bytes) and bulk (bytes transferred) expectations. */
  readonly size?: number;
  /** The expected outcome; `reachable: false` without `outcome` means "anything but reachable". */
  readonly outcome?: Outcome;
  readonly reachable: boolean;
  /**
   * In a phase: the longest the path may go without a reply while the phase's change is applied
   * (an icmp expectation that is reachable; measured by the outage window, lib/run/outage.ts).
   */
  readonly maxOutageMs?: number;
  /** Field path of this line in the file, for messages. */
  readonly path: string;
}

/** A phase patch: objects merged by name into the previous phase's topology. */
export interface TopologyPatch {
  readonly networks?: readonly Record<string, unknown>[];
  readonly vpcs?: readonly Record<string, unknown>[];
  readonly subnets?: readonly Record<string, unknown>[];
  readonly securityGroups?: readonly Record<string, unknown>[];
  readonly vms?: readonly Record<string, unknown>[];
  readonly natGateways?: readonly Record<string, unknown>[];
  readonly eips?: readonly Record<string, unknown>[];
  readonly snatRules?: readonly Record<string, unknown>[];
  readonly dnatRules?: readonly Record<string, unknown>[];
  readonly fipRules?: readonly Record<string, unknown>[];
}

export interface Phase {
  readonly name: string;
  readonly patch: TopologyPatch;
  /** Tunnels between node pairs cut in this phase (`cutTunnels:`) and restored (`restoreTunnels:`). */
  readonly cutTunnels: readonly NodePair[];
  readonly restoreTunnels: readonly NodePair[];
  readonly expect: readonly Expectation[];
  /** The whole topology of this phase (previous phase with the patch merged), validated. */
  readonly topology: TopologySpec;
}

/** Position of a field in the source file (1-based). */
export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface SourceInfo {
  readonly file: string;
  /** sha256 of the file's bytes, recorded in results for release qualification. */
  readonly sha256: string;
  /** Position of a field path such as "vpcs[0].staticRoutes[0].nextHopIP". */
  locate(path: string): Position | undefined;
}

/** A spec's VPC NAT gateways, their EIPs and rules, and the external network they live on. */
export interface NatObjects {
  readonly externalNetwork: ExternalNetwork;
  readonly natGateways: readonly NatGateway[];
  readonly eips: readonly Eip[];
  readonly snatRules: readonly SnatRule[];
  readonly dnatRules: readonly DnatRule[];
  readonly fipRules: readonly FipRule[];
}

/** The network objects of one phase: what targets build and what the model reasons over. */
export interface TopologySpec extends NatObjects {
  readonly name: string;
  readonly platform: Platform;
  readonly networks: readonly Network[];
  /** Always contains ovn-cluster. */
  readonly vpcs: readonly Vpc[];
  readonly subnets: readonly Subnet[];
  readonly securityGroups: readonly SecurityGroup[];
  readonly vms: readonly Vm[];
  /** The loader always fills it, at least [NODE_NAME]; a spec built in code may leave it out (one node). */
  readonly nodes?: readonly Node[];
  /** Node pairs whose Geneve tunnel is cut in this phase (lab only): no packet crosses between them. */
  readonly tunnelsDown?: readonly NodePair[];
}

/** The NAT-gateway part of a spec that has none (for specs built in code). */
export const NO_NAT = {
  externalNetwork: DEFAULT_EXTERNAL_NETWORK,
  natGateways: [],
  eips: [],
  snatRules: [],
  dnatRules: [],
  fipRules: [],
} as const satisfies NatObjects;

export interface Topology extends TopologySpec {
  readonly apiVersion: 'vpcheck/v1';
  readonly kind: 'Topology';
  readonly description?: string;
  readonly probes: Probes;
  /** Expectations of the initial phase. */
  readonly expect: readonly Expectation[];
  /** Phases after the initial one, in order. */
  readonly phases: readonly Phase[];
  readonly source: SourceInfo;
}
