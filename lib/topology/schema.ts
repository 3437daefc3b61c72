// The topology file format v1 as one TypeBox definition: it is the JSON Schema that
// `vpcheck schema` exports for editors and the structural check of the loader.
// Field names are Kube-OVN's and Harvester's (a user-facing contract: never rename).
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Str = (description: string) => Type.String({ description });
const Bool = (description: string) => Type.Boolean({ description });
const Name = (description: string) => Type.String({ description: `${description} (DNS-1123 label)` });
const oneOf = <T extends string>(values: readonly T[], description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description });
const strict = { additionalProperties: false } as const;

const Network = Type.Object(
  {
    name: Name('VM network name (a Harvester OverlayNetwork)'),
    namespace: Type.Optional(Name('namespace of the NetworkAttachmentDefinition; default "default"')),
  },
  strict,
);

const VpcPeering = Type.Object(
  {
    remoteVpc: Name('the VPC to peer with; it must list this VPC too'),
    localConnectIP: Str('this side of the link in CIDR form, e.g. 169.254.0.1/30'),
  },
  strict,
);

const StaticRoute = Type.Object(
  {
    cidr: Str('destination CIDR (or address) of the route'),
    nextHopIP: Str('next hop; across a peering, the remote localConnectIP address'),
    policy: Type.Optional(oneOf(['policyDst', 'policySrc'], 'match on destination (default) or source')),
  },
  strict,
);

// Kube-OVN Vpc spec.policyRoutes (kubeovn.io/v1 CRD: priority, match, action, nextHopIP).
const PolicyRoute = Type.Object(
  {
    priority: Type.Integer({ description: 'OVN router policy priority, 0-32767; the highest match wins' }),
    match: Str('OVN match, e.g. "ip4.dst == 10.20.0.0/16" or "ip4.src == $name && ip4.dst != {10.0.0.0/8}"'),
    action: oneOf(['allow', 'drop', 'reroute'], 'what a matching packet gets'),
    nextHopIP: Type.Optional(Str('reroute only: the next hop address')),
  },
  strict,
);

const Vpc = Type.Object(
  {
    name: Name('VPC name; ovn-cluster is the default VPC'),
    cidr: Type.Optional(Str('the "VPC CIDR" of the Harvester docs; subnets should fall inside it')),
    vpcPeerings: Type.Optional(Type.Array(VpcPeering)),
    staticRoutes: Type.Optional(Type.Array(StaticRoute)),
    policyRoutes: Type.Optional(Type.Array(PolicyRoute)),
  },
  strict,
);

const Subnet = Type.Object(
  {
    name: Name('subnet name'),
    vpc: Type.Optional(Name('VPC of the subnet; default ovn-cluster')),
    cidrBlock: Str('IPv4 CIDR of the subnet'),
    gateway: Type.Optional(Str('gateway address; default the first host address')),
    provider: Str('VM network of the subnet: "name" or "namespace/name"'),
    private: Type.Optional(Bool('accept traffic only from the own CIDR and allowSubnets')),
    allowSubnets: Type.Optional(Type.Array(Str('CIDR allowed to and from a private subnet'))),
    natOutgoing: Type.Optional(Bool('masquerade egress to the internet (ovn-cluster subnets only)')),
    excludeIps: Type.Optional(Type.Array(Str('address "10.0.0.5" or range "10.0.0.10..10.0.0.20" kept out of IPAM'))),
    enableDHCP: Type.Optional(Bool('OVN native DHCP on the subnet\'s ports: lease, router = gateway, MTU (default false)')),
    dhcpV4Options: Type.Optional(Str('Kube-OVN\'s DHCPv4 overrides "key=value,key=value", e.g. "lease_time=600,dns_server=10.0.1.53"')),
    mtu: Type.Optional(Type.Integer({ description: 'MTU handed out by DHCP (option 26); default 1400, Kube-OVN\'s 1500 - 100 for Geneve' })),
  },
  strict,
);

const SgRule = Type.Object(
  {
    ipVersion: Type.Optional(oneOf(['ipv4'], 'address family; vpcheck tests IPv4')),
    protocol: oneOf(['all', 'icmp', 'tcp', 'udp'], 'protocol the rule matches'),
    portRangeMin: Type.Optional(Type.Integer({ description: 'first port (tcp/udp), 1-65535' })),
    portRangeMax: Type.Optional(Type.Integer({ description: 'last port (tcp/udp), 1-65535' })),
    remoteType: Type.Optional(oneOf(['address', 'securityGroup'], 'what remoteAddress/remoteSecurityGroup names')),
    remoteAddress: Type.Optional(Str('remote IP or CIDR')),
    remoteSecurityGroup: Type.Optional(Name('remote security group')),
    policy: oneOf(['allow', 'drop'], 'allow (stateful) or drop'),
    priority: Type.Integer({ description: '1-200 (Kube-OVN v1.13-v1.15); smaller wins' }),
  },
  strict,
);

const SecurityGroup = Type.Object(
  {
    name: Name('security group name'),
    allowSameGroupTraffic: Type.Optional(Bool('allow traffic between members of this group')),
    ingressRules: Type.Optional(Type.Array(SgRule)),
    egressRules: Type.Optional(Type.Array(SgRule)),
  },
  strict,
);

// A Kubernetes node (a Harvester host): in the lab an OVN chassis of its own, joined by Geneve.
const Node = Type.Object({ name: Name('node name (Kubernetes node, kubernetes.io/hostname)') }, strict);
const NodePair = Type.Array(Name('node'), { minItems: 2, maxItems: 2, description: 'two nodes, e.g. [node-1, node-2]' });

const Vm = Type.Object(
  {
    name: Name('VM name'),
    node: Type.Optional(Name('the node it runs on, one of nodes: (on Harvester a nodeSelector on kubernetes.io/hostname); default: spread over the nodes in file order; a phase patch moves it (a live migration)')),
    mtu: Type.Optional(Type.Integer({ description: 'the guest\'s own MTU on its NIC, 576-9000; default the subnet\'s (1400): a guest left at 1500 loses large packets across nodes' })),
    network: Str('the VM NIC\'s network: "name" or "namespace/name"'),
    ip: Type.Optional(Str('fixed address; default: first free address of the subnet')),
    defaultRoute: Type.Optional(Type.Union([Type.Boolean(), Type.String()], { description: 'add "ip route add default via <gateway> dev enp1s0" before probing (default true; false for binding managedtap, whose DHCP lease carries the route); an address instead of true routes via it, e.g. a NAT gateway\'s lanIp' })),
    binding: Type.Optional(oneOf(['bridge', 'managedtap'], 'KubeVirt interface binding: bridge (default; no default route from DHCP) or managedtap (the guest\'s DHCP client gets address, route and MTU from OVN when the subnet has enableDHCP)')),
    securityGroups: Type.Optional(Type.Array(Name('security group'))),
    listen: Type.Optional(Type.Array(Type.String({ pattern: '^tcp/[0-9]{1,5}$', description: 'port the VM serves, "tcp/443"' }))),
  },
  strict,
);

// The Kube-OVN kinds of a VPC NAT gateway (kubeovn.io/v1 VpcNatGateway, IptablesEIP, Iptables{Snat,Dnat,FIP}Rule;
// fields as in the v1.13.13 and v1.14.10 CRDs of ../shared/reference/upstream).
const ExternalNetwork = Type.Object(
  {
    name: Type.Optional(Name('Kube-OVN\'s external subnet (default ovn-vpc-external-network)')),
    cidrBlock: Type.Optional(Str('IPv4 CIDR of the external network (default 192.0.2.0/24, the lab\'s upstream segment)')),
    gateway: Type.Optional(Str('the upstream router on it (default 192.0.2.1, the lab\'s upstream host)')),
  },
  strict,
);

const Port = (description: string) =>
  Type.Union([Type.Integer(), Type.String({ pattern: '^[0-9]{1,5}$' })], { description: `${description}, 1-65535 (Kube-OVN writes it as a string; either form is read)` });

const NatGateway = Type.Object(
  {
    name: Name('NAT gateway name (Kube-OVN VpcNatGateway; its pod is vpc-nat-gw-<name>-0)'),
    vpc: Name('the VPC it serves'),
    subnet: Name('the VPC subnet of its LAN leg'),
    lanIp: Str('its LAN address in subnet; point the VPC\'s staticRoutes 0.0.0.0/0 at it'),
    externalSubnets: Type.Optional(Type.Array(Name('external subnet'), { description: 'default [the external network]' })),
  },
  strict,
);

const Eip = Type.Object(
  {
    name: Name('EIP name (Kube-OVN IptablesEIP); probes name it in to:'),
    natGwDp: Name('the NAT gateway holding it'),
    v4ip: Str('its address on the external network'),
    externalSubnet: Type.Optional(Name('external subnet (default the external network)')),
  },
  strict,
);

const SnatRule = Type.Object(
  {
    name: Name('rule name (Kube-OVN IptablesSnatRule)'),
    eip: Name('the EIP sources leave as'),
    internalCIDR: Str('sources translated, e.g. a subnet\'s CIDR'),
  },
  strict,
);

const DnatRule = Type.Object(
  {
    name: Name('rule name (Kube-OVN IptablesDnatRule)'),
    eip: Name('the EIP that receives'),
    externalPort: Port('port on the EIP'),
    internalIp: Str('the VM address it forwards to'),
    internalPort: Port('port on the VM'),
    protocol: oneOf(['tcp', 'udp'], 'protocol forwarded'),
  },
  strict,
);

const FipRule = Type.Object(
  {
    name: Name('rule name (Kube-OVN IptablesFIPRule)'),
    eip: Name('the EIP given to the VM whole (1:1 NAT both ways)'),
    internalIp: Str('the VM address'),
  },
  strict,
);

const Target = Str('a VM name, an IPv4 address, "internet", or an EIP name (from external)');
const Source = Name('source VM, or "external" (a host on the external network)');
const Outcome = oneOf(['reachable', 'timeout', 'network-unreachable', 'refused', 'message-too-long'], 'the outcome a probe must observe');
const PayloadSize = Type.Integer({ description: 'ICMP payload bytes of the Don\'t-Fragment ping, 0-65507 (default 1472: a 1500-byte packet)' });
const Megabytes = Type.Integer({ description: 'MiB sent through the echo service and back, 1-1024 (default 10)' });

const Expectation = Type.Object(
  {
    from: Source,
    to: Target,
    probe: Type.Optional(oneOf(['icmp', 'tcp', 'mtu', 'bulk'], 'the probe kind (default tcp with a port, else icmp)')),
    port: Type.Optional(Type.Integer({ description: 'TCP port: makes this a tcp expectation (bulk: the echo port)' })),
    size: Type.Optional(PayloadSize),
    megabytes: Type.Optional(Megabytes),
    reachable: Type.Optional(Bool('true: must answer; false: must not')),
    outcome: Type.Optional(Outcome),
    maxOutageMs: Type.Optional(Type.Integer({ description: 'in a phase: the longest this path may go without a reply while the phase\'s change is applied (pinged every 10 ms)' })),
  },
  strict,
);

const Probes = Type.Object(
  {
    mesh: Type.Optional(Bool('ICMP between every ordered pair of VMs (default true)')),
    internet: Type.Optional(Bool('ICMP from every VM to the internet address (default true)')),
    icmp: Type.Optional(Type.Array(Type.Object({ from: Source, to: Target }, strict))),
    tcp: Type.Optional(
      Type.Array(Type.Object({ from: Source, to: Target, port: Type.Integer({ description: 'TCP port' }) }, strict)),
    ),
    mtu: Type.Optional(Type.Array(Type.Object({ from: Source, to: Target, size: Type.Optional(PayloadSize) }, strict), { description: 'one Don\'t-Fragment ping of size payload bytes (ping -M do -s size)' })),
    bulk: Type.Optional(Type.Array(
      Type.Object({ from: Source, to: Name('destination VM; it must listen on port'), port: Type.Integer({ description: 'a listen: port of the destination, where vpcheck runs its echo service' }), megabytes: Type.Optional(Megabytes) }, strict),
      { description: 'a TCP transfer through the destination\'s echo service and back' },
    )),
  },
  strict,
);

/** A patch object: any fields of the object, merged by name. */
const patchOf = (schema: TSchema & { properties: Record<string, TSchema> }) =>
  Type.Composite([Type.Partial(schema), Type.Object({ name: schema.properties.name! })], strict);

const Phase = Type.Object(
  {
    name: Str('phase name, e.g. "private subnet on"'),
    remove: Type.Optional(Type.Object(
      {
        networks: Type.Optional(Type.Array(Name('network'))),
        vpcs: Type.Optional(Type.Array(Name('VPC'))),
        subnets: Type.Optional(Type.Array(Name('subnet'))),
        securityGroups: Type.Optional(Type.Array(Name('security group'))),
        vms: Type.Optional(Type.Array(Name('VM'))),
        natGateways: Type.Optional(Type.Array(Name('NAT gateway'))),
        eips: Type.Optional(Type.Array(Name('EIP'))),
        snatRules: Type.Optional(Type.Array(Name('SNAT rule'))),
        dnatRules: Type.Optional(Type.Array(Name('DNAT rule'))),
        fipRules: Type.Optional(Type.Array(Name('FIP rule'))),
      },
      { ...strict, description: 'objects deleted in this phase, by name (first: then add, then patch)' },
    )),
    add: Type.Optional(Type.Object(
      {
        networks: Type.Optional(Type.Array(Network)),
        vpcs: Type.Optional(Type.Array(Vpc)),
        subnets: Type.Optional(Type.Array(Subnet)),
        securityGroups: Type.Optional(Type.Array(SecurityGroup)),
        vms: Type.Optional(Type.Array(Vm)),
        natGateways: Type.Optional(Type.Array(NatGateway)),
        eips: Type.Optional(Type.Array(Eip)),
        snatRules: Type.Optional(Type.Array(SnatRule)),
        dnatRules: Type.Optional(Type.Array(DnatRule)),
        fipRules: Type.Optional(Type.Array(FipRule)),
      },
      { ...strict, description: 'whole new objects created in this phase (after remove, before patch)' },
    )),
    patch: Type.Optional(Type.Object(
      {
        networks: Type.Optional(Type.Array(patchOf(Network))),
        vpcs: Type.Optional(Type.Array(patchOf(Vpc))),
        subnets: Type.Optional(Type.Array(patchOf(Subnet))),
        securityGroups: Type.Optional(Type.Array(patchOf(SecurityGroup))),
        vms: Type.Optional(Type.Array(patchOf(Vm))),
        natGateways: Type.Optional(Type.Array(patchOf(NatGateway))),
        eips: Type.Optional(Type.Array(patchOf(Eip))),
        snatRules: Type.Optional(Type.Array(patchOf(SnatRule))),
        dnatRules: Type.Optional(Type.Array(patchOf(DnatRule))),
        fipRules: Type.Optional(Type.Array(patchOf(FipRule))),
      },
      { ...strict, description: 'objects merged by name into the previous phase' },
    )),
    cutTunnels: Type.Optional(Type.Array(NodePair, { description: 'lab only: cut the Geneve tunnel between these nodes in this phase' })),
    restoreTunnels: Type.Optional(Type.Array(NodePair, { description: 'lab only: restore a tunnel an earlier phase cut' })),
    expect: Type.Optional(Type.Array(Expectation)),
  },
  strict,
);

export const TopologySchema = Type.Object(
  {
    apiVersion: Type.Literal('vpcheck/v1'),
    kind: Type.Literal('Topology'),
    name: Name('topology name; prefixes everything vpcheck creates'),
    description: Type.Optional(Str('what this topology reproduces, e.g. the documented procedure')),
    platform: Type.Optional(oneOf(['harvester', 'kube-ovn'], 'whose documented limitations the validator warns about (default harvester); never changes the data plane')),
    nodes: Type.Optional(Type.Array(Node, { description: 'the nodes VMs run on (default: one, node-1); VMs without node are spread over them' })),
    networks: Type.Optional(Type.Array(Network)),
    vpcs: Type.Optional(Type.Array(Vpc)),
    subnets: Type.Optional(Type.Array(Subnet)),
    securityGroups: Type.Optional(Type.Array(SecurityGroup)),
    vms: Type.Optional(Type.Array(Vm)),
    externalNetwork: Type.Optional(ExternalNetwork),
    natGateways: Type.Optional(Type.Array(NatGateway)),
    eips: Type.Optional(Type.Array(Eip)),
    snatRules: Type.Optional(Type.Array(SnatRule)),
    dnatRules: Type.Optional(Type.Array(DnatRule)),
    fipRules: Type.Optional(Type.Array(FipRule)),
    probes: Type.Optional(Probes),
    expect: Type.Optional(Type.Array(Expectation)),
    phases: Type.Optional(Type.Array(Phase)),
  },
  { ...strict, $id: 'vpcheck-topology-v1', title: 'vpcheck topology v1' },
);

export type RawTopology = Static<typeof TopologySchema>;
export type RawExpectation = Static<typeof Expectation>;
export type RawPhase = Static<typeof Phase>;
export type RawProbes = Static<typeof Probes>;

/** The JSON Schema document as published (draft 2020-12 keywords TypeBox emits). */
export function jsonSchema(): Record<string, unknown> {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...JSON.parse(JSON.stringify(TopologySchema)) };
}
