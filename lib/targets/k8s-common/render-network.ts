// The network half of a cluster rendering, the same on Harvester and on any Kubernetes with
// Kube-OVN: per network a NetworkAttachmentDefinition of type kube-ovn, and kubeovn.io Vpcs,
// Subnets and SecurityGroups, run-prefixed and labelled; plus what the run adds to ovn-cluster
// and, per VM, where its NIC attaches. On Kube-OVN's primary network there are no NADs: Subnets
// and NICs keep Kube-OVN's own provider. Pure.
import { PRIMARY_PROVIDER } from '../../k8s/kube-ovn.ts';
import { assignAddresses, type Addressed } from '../../topology/addresses.ts';
import { runLabels, runObjectMeta } from '../../k8s/labels.ts';
import type { KubeObject } from '../../k8s/resources.ts';
import { DEFAULT_VPC, type SecurityGroupRule, type TopologySpec, type Vpc } from '../../topology/types.ts';
import { nadOf, prefixed, providerOf, vpcName } from './names.ts';

/** What a run adds to the existing ovn-cluster: merged into its spec, never created or deleted. */
export interface OvnClusterPatch {
  readonly vpcPeerings: readonly { remoteVpc: string; localConnectIP: string }[];
  readonly staticRoutes: readonly { cidr: string; nextHopIP: string; policy: string }[];
  readonly policyRoutes: readonly { priority: number; match: string; action: string; nextHopIP?: string }[];
}

/** Where one VM's NIC attaches, in the cluster's names. */
export interface VmAttachment {
  readonly addressed: Addressed;
  readonly provider: string;
  /** The NAD as "namespace/name". */
  readonly networkName: string;
  readonly securityGroups: readonly string[];
  readonly metadata: KubeObject['metadata'];
}

export interface RenderedNetwork {
  /** NADs, Vpcs, Subnets, SecurityGroups, in that order. */
  readonly objects: readonly KubeObject[];
  readonly ovnCluster?: OvnClusterPatch;
  /** Topology VM name -> its attachment (VMs IPAM could not place are absent). */
  readonly vms: ReadonlyMap<string, VmAttachment>;
}

export interface NetworkOptions {
  readonly runId: string;
  /** Where the VMs (or pods) go. */
  readonly namespace: string;
  /** Kube-OVN Vpc spec.namespaces: the namespaces allowed to use a custom VPC (empty: all). */
  readonly vpcNamespaces?: readonly string[];
  /** Kube-OVN is the primary CNI: no NADs, and every Subnet and NIC on its primary network. */
  readonly primary?: boolean;
}

export function renderNetwork(spec: TopologySpec, options: NetworkOptions): RenderedNetwork {
  const { runId } = options;
  const meta = (name: string, original: string, namespace?: string): KubeObject['metadata'] => runObjectMeta(runId, spec.name, name, original, namespace);
  const networkByRef = new Map(spec.networks.map((n) => [n.ref, n]));
  const nadByRef = (ref: string) => nadOf(runId, networkByRef.get(ref)!);
  const providerByRef = (ref: string) => (options.primary ? PRIMARY_PROVIDER : providerOf(nadByRef(ref)));

  const nads = options.primary ? [] : spec.networks.map((n): KubeObject => {
    const nad = nadOf(runId, n);
    return {
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { ...meta(nad.name, n.name, nad.namespace), labels: { ...runLabels(runId, spec.name), 'network.harvesterhci.io/type': 'OverlayNetwork' } },
      // Field order as the Harvester UI writes it (harvesterhci.io.networkattachmentdefinition.vue).
      spec: { config: JSON.stringify({ cniVersion: '0.3.1', name: nad.name, type: 'kube-ovn', server_socket: '/run/openvswitch/kube-ovn-daemon.sock', provider: providerOf(nad) }) },
    };
  });

  const vpcSpec = (v: Vpc) => ({
    vpcPeerings: v.vpcPeerings.map((p) => ({ remoteVpc: vpcName(runId, p.remoteVpc), localConnectIP: p.localConnectIP })),
    // Routes name addresses, not objects: they stay as written.
    staticRoutes: v.staticRoutes.map((r) => ({ cidr: r.cidr, nextHopIP: r.nextHopIP, policy: r.policy })),
    // Kube-OVN Vpc spec.policyRoutes; a match's address-set names are the cluster's own, as written.
    policyRoutes: v.policyRoutes.map((r) => ({ priority: r.priority, match: r.match, action: r.action, ...(r.nextHopIP !== undefined && { nextHopIP: r.nextHopIP }) })),
  });
  const vpcs = spec.vpcs.filter((v) => v.name !== DEFAULT_VPC).map((v): KubeObject => ({
    apiVersion: 'kubeovn.io/v1',
    kind: 'Vpc',
    metadata: meta(vpcName(runId, v.name), v.name),
    spec: { ...(options.vpcNamespaces?.length && { namespaces: [...options.vpcNamespaces] }), ...vpcSpec(v) },
  }));
  const defaultVpc = spec.vpcs.find((v) => v.name === DEFAULT_VPC);
  const ovnCluster = defaultVpc && (defaultVpc.vpcPeerings.length || defaultVpc.staticRoutes.length || defaultVpc.policyRoutes.length) ? vpcSpec(defaultVpc) : undefined;

  const addresses = assignAddresses(spec);
  // kube-ovn-cni pings the subnet gateway before it lets a pod (a VM's virt-launcher) start, and
  // fails the pod after 200 tries (kubeovn/kube-ovn v1.13.13 pkg/daemon/handler.go, the gateway
  // check skipped when the Subnet says spec.disableGatewayCheck; docs guide/subnet.md "Gateway
  // Check"). A port in any security group sits behind the deny-all port group (ACL 2003, both
  // directions), so a VM whose groups do not allow egress to its gateway would never start
  // (kubeovn/kube-ovn issue #3823, discussion #4735). Harvester users write security groups for
  // the traffic they mean, as the blog's ingress-only example does, and expect the VM to boot:
  // a subnet with any security-group member skips the check. The model agrees: such a VM's
  // positive control checks its address, not its gateway, wherever its groups drop the gateway ping.
  const sgSubnets = new Set(spec.vms.filter((vm) => vm.securityGroups.length > 0).flatMap((vm) => addresses.get(vm.name)?.subnet.name ?? []));

  const subnets = spec.subnets.map((s): KubeObject => ({
    apiVersion: 'kubeovn.io/v1',
    kind: 'Subnet',
    metadata: meta(prefixed(runId, s.name), s.name),
    spec: {
      vpc: vpcName(runId, s.vpc),
      protocol: 'IPv4',
      cidrBlock: s.cidrBlock,
      gateway: s.gateway,
      provider: providerByRef(s.provider),
      excludeIps: [...s.excludeIps],
      private: s.private,
      allowSubnets: [...s.allowSubnets],
      natOutgoing: s.natOutgoing,
      // OVN's native DHCP on the subnet's ports: one DHCP_Options row from the gateway, mtu and
      // the dhcpV4Options overrides (kubeovn/kube-ovn v1.13.13 and v1.14.10 Subnet CRD spec
      // enableDHCP boolean, dhcpV4Options string, mtu integer 68-65535; pkg/controller/subnet.go
      // updateSubnetDHCPOption). Written only where the topology sets them: Kube-OVN's defaults otherwise.
      enableDHCP: s.enableDHCP,
      ...(s.dhcpV4Options !== undefined && { dhcpV4Options: s.dhcpV4Options }),
      ...(s.mtu !== undefined && { mtu: s.mtu }),
      ...(sgSubnets.has(s.name) && { disableGatewayCheck: true }),
    },
  }));

  const rule = (r: SecurityGroupRule) => ({
    ipVersion: r.ipVersion,
    protocol: r.protocol,
    priority: r.priority,
    remoteType: r.remoteType,
    ...(r.remoteAddress !== undefined && { remoteAddress: r.remoteAddress }),
    ...(r.remoteSecurityGroup !== undefined && { remoteSecurityGroup: prefixed(runId, r.remoteSecurityGroup) }),
    ...(r.portRangeMin !== undefined && { portRangeMin: r.portRangeMin }),
    ...(r.portRangeMax !== undefined && { portRangeMax: r.portRangeMax }),
    policy: r.policy,
  });
  const securityGroups = spec.securityGroups.map((g): KubeObject => ({
    apiVersion: 'kubeovn.io/v1',
    kind: 'SecurityGroup',
    metadata: meta(prefixed(runId, g.name), g.name),
    spec: { allowSameGroupTraffic: g.allowSameGroupTraffic, ingressRules: g.ingressRules.map(rule), egressRules: g.egressRules.map(rule) },
  }));

  const vms = new Map<string, VmAttachment>();
  for (const vm of spec.vms) {
    const addressed = addresses.get(vm.name);
    if (!addressed) continue;
    const nad = nadByRef(vm.network);
    vms.set(vm.name, {
      addressed,
      provider: providerByRef(vm.network),
      networkName: `${nad.namespace}/${nad.name}`,
      securityGroups: vm.securityGroups.map((g) => prefixed(runId, g)),
      metadata: meta(prefixed(runId, vm.name), vm.name, options.namespace),
    });
  }
  return { objects: [...nads, ...vpcs, ...subnets, ...securityGroups], ...(ovnCluster && { ovnCluster }), vms };
}
