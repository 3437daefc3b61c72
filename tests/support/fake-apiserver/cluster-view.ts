// What Kube-OVN and KubeVirt would build from one run's objects (label vpcheck/run), read the way
// they read them, as a topology for the lab to build: Vpc, Subnet (DHCP included) and
// SecurityGroup specs after Kube-OVN's defaulting; each NetworkAttachmentDefinition's provider;
// each VirtualMachine's multus NIC, its binding and cloud-init, each Pod's multus annotation (or
// Kube-OVN's primary network) and command; Kube-OVN's provider-keyed pod annotations (ip_address,
// security_groups, logical_switch); its IPAM; kube-ovn-cni's gateway check; and the VPC NAT
// gateway's objects with their external network (nat-view.ts). vpcheck's own
// notes on the objects are not read: what no Kubernetes field says, the stand-in does not know.
// Objects that would not come up on a cluster are left out with the reason their controller would give.
import { RUN_LABEL } from '../../../lib/k8s/labels.ts';
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import { contains, formatIPv4, overlaps, parseIPv4, parsePrefix, parsePrefixOrAddress } from '../../../lib/net/ipv4.ts';
import { type Binding, type PolicyRoute, type SecurityGroup, type SecurityGroupRule, type Subnet, type TopologySpec, type Vm, type Vpc } from '../../../lib/topology/types.ts';
import { guestConfig, Refused, type GuestConfig } from './guest-cloud-init.ts';
import type { KubeOvnIpam } from './kube-ovn-ipam.ts';
import { isExternalKind, natView, type NatView } from './nat-view.ts';
import type { Store } from './store.ts';

/** Kube-OVN's default VPC and its join subnet (kube-ovn-controller --node-switch-cidr default). */
const OVN_CLUSTER = 'ovn-cluster';
const JOIN_CIDR = '100.64.0.0/16';
/** Kube-OVN's own provider, of its primary network (kubeovn/kube-ovn:pkg/util/const.go OvnProvider). */
const OVN_PROVIDER = 'ovn';
/** Multus' pod annotation (k8snetworkplumbingwg/multi-net-spec v1.2 §4.1.2). */
const NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';
/** Multus' name for an attachment's interface when the selection names none. */
const MULTUS_DEFAULT_NIC = 'net1';
/** The first virtio NIC in a KubeVirt guest sits in PCI slot 1 (systemd predictable name). */
const GUEST_NIC = 'enp1s0';
/** A pod's interface on its primary network. */
const POD_NIC = 'eth0';

/** One lab VM: a VirtualMachine's guest, or a Pod's network namespace. */
export interface Guest {
  readonly object: KubeObject;
  readonly nic: string;
  readonly ip: string;
  /** Kube-OVN's logical switch port of the NIC. */
  readonly lsp: string;
  /** A VM's cloud-init. */
  readonly config?: GuestConfig;
  /** A Pod's container command (command + args). */
  readonly command?: readonly string[];
}

export interface RunView {
  readonly spec: TopologySpec;
  /** Lab VM name (the object's name) -> guest. */
  readonly guests: ReadonlyMap<string, Guest>;
  /** Objects not built, with the reason their controller would report. */
  readonly pending: ReadonlyMap<KubeObject, string>;
  /** The VPC NAT gateway's objects as Kube-OVN's controller reads them. */
  readonly nat: NatView;
}

type Obj = Record<string, never>;
const annotation = (a: Readonly<Record<string, string>>, provider: string, suffix: string) => a[`${provider}.kubernetes.io/${suffix}`];
const created = (a: KubeObject, b: KubeObject) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion);

interface FormattedSubnet extends Subnet {
  readonly object: KubeObject;
  readonly providerName: string;
  readonly disableGatewayCheck: boolean;
  readonly namespaces: readonly string[];
}

/**
 * Kube-OVN's defaulting of a Subnet (kubeovn/kube-ovn v1.14.10: pkg/controller/subnet.go
 * formatSubnet): provider "" -> ovn, vpc "" -> ovn-cluster, gateway "" -> the first address of
 * the CIDR, and the gateway always in excludeIps.
 */
function formatSubnet(o: KubeObject): FormattedSubnet {
  const s = (o.spec ?? {}) as Obj;
  const cidr = parsePrefix(s.cidrBlock);
  const gateway = (s.gateway as string | undefined) || formatIPv4(cidr.network + 1);
  const excludeIps = (s.excludeIps ?? []) as string[];
  return {
    object: o,
    name: o.metadata.name,
    vpc: (s.vpc as string | undefined) || OVN_CLUSTER,
    cidrBlock: s.cidrBlock,
    gateway,
    providerName: (s.provider as string | undefined) || OVN_PROVIDER,
    provider: `subnet/${o.metadata.name}`,
    private: s.private ?? false,
    allowSubnets: s.allowSubnets ?? [],
    natOutgoing: s.natOutgoing ?? false,
    excludeIps: excludeIps.includes(gateway) ? excludeIps : [...excludeIps, gateway],
    enableDHCP: s.enableDHCP ?? false,
    ...(s.dhcpV4Options ? { dhcpV4Options: s.dhcpV4Options } : {}),
    ...(s.mtu ? { mtu: s.mtu } : {}),
    disableGatewayCheck: s.disableGatewayCheck ?? false,
    namespaces: s.namespaces ?? [],
  };
}

/** A NetworkAttachmentDefinition's Kube-OVN provider, from its CNI config (type kube-ovn). */
function providerOfNad(nad: KubeObject): string | undefined {
  try {
    const config = JSON.parse((nad.spec as { config: string }).config) as { type?: string; provider?: string };
    return config.type === 'kube-ovn' ? config.provider : undefined;
  } catch {
    return undefined;
  }
}

/** Multus' selection: "ns/name@if, name" or a JSON list of {name, namespace, interface}. */
function networkSelections(value: string, namespace: string): { nad: string; nic: string }[] {
  const text = value.trim();
  if (text.startsWith('[')) return (JSON.parse(text) as { name: string; namespace?: string; interface?: string }[]).map((n) => ({ nad: `${n.namespace ?? namespace}/${n.name}`, nic: n.interface ?? MULTUS_DEFAULT_NIC }));
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const [ref, nic] = s.split('@') as [string, string | undefined];
    return { nad: ref.includes('/') ? ref : `${namespace}/${ref}`, nic: nic ?? MULTUS_DEFAULT_NIC };
  });
}

/** Where a VM or Pod attaches: its NAD ("ns/name", none on the primary network), guest NIC, and the annotations Kube-OVN reads. */
interface Attachment {
  readonly nad?: string;
  readonly nic: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** A VM's KubeVirt binding of the NIC's interface (a Pod has none: the CNI configures it). */
  readonly binding?: Binding;
}

/**
 * The interface's binding: the core `bridge`, or the plugin in `binding: {name}` (kubevirt/kubevirt
 * v1.5.0 api/openapi-spec/swagger.json v1.Interface.binding, v1.PluginBinding). KubeVirt admits a
 * plugin only when its KubeVirt CR registers it (spec.configuration.network.binding); Harvester
 * registers managedtap, and so does the fake, alone.
 */
function bindingOf(iface: { binding?: { name?: string }; bridge?: unknown } | undefined): Binding | string {
  if (iface?.binding) return iface.binding.name === 'managedtap' ? 'managedtap' : `binding plugin "${iface.binding.name}" is not registered in the KubeVirt configuration (the fake's, as Harvester's, registers managedtap)`;
  return iface?.bridge !== undefined ? 'bridge' : `the fake's guests bind their NIC with bridge or the managedtap plugin; interface ${JSON.stringify(iface)} has neither`;
}

/**
 * A VM's NIC: KubeVirt admits a VM only when every interface has a network of its name
 * (admission.ts); the guest's first NIC is the first interface's network, a multus one here.
 */
function attachmentOf(o: KubeObject): Attachment | string {
  const ns = o.metadata.namespace ?? 'default';
  if (o.kind === 'VirtualMachine') {
    type Interface = { name: string; binding?: { name?: string }; bridge?: unknown };
    const template = (o.spec as { template: { metadata?: { annotations?: Record<string, string> }; spec: { domain?: { devices?: { interfaces?: Interface[] } }; networks?: { name: string; multus?: { networkName: string } }[] } } }).template;
    const networks = template.spec.networks ?? [];
    if (networks.length !== 1 || !networks[0]!.multus) return `the fake's guests have one NIC on a multus network; this VM has ${networks.map((n) => n.name).join(', ') || 'none'}`;
    const ref = networks[0]!.multus.networkName;
    const binding = bindingOf(template.spec.domain?.devices?.interfaces?.find((i) => i.name === networks[0]!.name));
    if (binding !== 'bridge' && binding !== 'managedtap') return binding;
    return { nad: ref.includes('/') ? ref : `${ns}/${ref}`, nic: GUEST_NIC, annotations: template.metadata?.annotations ?? {}, binding };
  }
  const annotations = o.metadata.annotations ?? {};
  const selections = annotations[NETWORKS_ANNOTATION] ? networkSelections(annotations[NETWORKS_ANNOTATION], ns) : [];
  if (selections.length > 1) return `the fake's pods have one attachment; this one asks for ${selections.map((s) => s.nad).join(', ')}`;
  return selections[0] ? { ...selections[0], annotations } : { nic: POD_NIC, annotations };
}

/**
 * kube-ovn-cni pings the gateway of every interface it sets up and fails CNI ADD when no reply
 * comes (kubeovn/kube-ovn v1.14.10: pkg/daemon/handler.go handleAdd -> configureNic ->
 * checkGatewayReady, skipped for Subnet spec.disableGatewayCheck). A port in a security group is
 * behind Kube-OVN's deny-all (priority 2003, both directions) unless a rule allows it; the rules
 * decide in order of their priority, smaller first (ACL priority 2300 - priority).
 */
function gatewayBlocked(subnet: FormattedSubnet, groups: readonly SecurityGroup[]): string | undefined {
  if (!groups.length || subnet.disableGatewayCheck) return undefined;
  const gw = parseIPv4(subnet.gateway);
  const rules = groups.flatMap((g) => g.egressRules).filter((r) => ['all', 'icmp'].includes(r.protocol) && r.remoteType === 'address' && r.remoteAddress && contains(parsePrefixOrAddress(r.remoteAddress), gw));
  const first = [...rules].sort((a, b) => a.priority - b.priority)[0];
  if (first?.policy === 'allow') return undefined;
  return `FailedCreatePodSandBox: network not ready after 200 ping to gateway ${subnet.gateway}: security groups ${groups.map((g) => g.name).join(', ')} allow no egress to it, and subnet ${subnet.name} has no disableGatewayCheck`;
}

function securityGroupOf(o: KubeObject): SecurityGroup {
  const s = (o.spec ?? {}) as Obj;
  const rule = (r: Record<string, unknown>): SecurityGroupRule => ({
    ipVersion: 'ipv4',
    protocol: (r.protocol ?? 'all') as SecurityGroupRule['protocol'],
    ...(r.portRangeMin !== undefined && { portRangeMin: r.portRangeMin as number }),
    ...(r.portRangeMax !== undefined && { portRangeMax: r.portRangeMax as number }),
    remoteType: (r.remoteType ?? 'address') as SecurityGroupRule['remoteType'],
    ...(typeof r.remoteAddress === 'string' && r.remoteAddress && { remoteAddress: r.remoteAddress }),
    ...(typeof r.remoteSecurityGroup === 'string' && r.remoteSecurityGroup && { remoteSecurityGroup: r.remoteSecurityGroup }),
    policy: (r.policy ?? 'allow') as SecurityGroupRule['policy'],
    priority: (r.priority ?? 0) as number,
  });
  return { name: o.metadata.name, allowSameGroupTraffic: s.allowSameGroupTraffic ?? false, ingressRules: ((s.ingressRules ?? []) as Record<string, unknown>[]).map(rule), egressRules: ((s.egressRules ?? []) as Record<string, unknown>[]).map(rule) };
}

type VpcSpec = {
  vpcPeerings?: { remoteVpc: string; localConnectIP: string }[];
  staticRoutes?: { cidr: string; nextHopIP: string; policy?: string }[];
  policyRoutes?: { priority: number; match: string; action: PolicyRoute['action']; nextHopIP?: string }[];
};

/** Kube-OVN's formatVpc defaults an empty route policy to policyDst (pkg/controller/vpc.go). */
function vpcOf(name: string, spec: VpcSpec, known: ReadonlySet<string>, implicit: boolean): Vpc {
  return {
    name,
    vpcPeerings: (spec.vpcPeerings ?? []).filter((p) => known.has(p.remoteVpc)),
    staticRoutes: (spec.staticRoutes ?? []).map((r) => ({ cidr: r.cidr, nextHopIP: r.nextHopIP, policy: r.policy === 'policySrc' ? 'policySrc' : 'policyDst' })),
    policyRoutes: (spec.policyRoutes ?? []).map((r) => ({ priority: r.priority, match: r.match, action: r.action, ...(r.nextHopIP !== undefined && { nextHopIP: r.nextHopIP }) })),
    implicit,
  };
}

/**
 * ovn-cluster as this run's copy in the lab holds of it: the peerings with the run's VPCs, the
 * routes whose next hop is across one of them (the rest of the cluster's one ovn-cluster is other
 * users' business), and its policy routes.
 */
function ovnClusterOf(store: Store, runVpcs: ReadonlySet<string>): Vpc {
  const spec = (store.get('Vpc', undefined, OVN_CLUSTER)?.spec ?? {}) as VpcSpec;
  const vpcPeerings = (spec.vpcPeerings ?? []).filter((p) => runVpcs.has(p.remoteVpc));
  const links = vpcPeerings.map((p) => parsePrefix(p.localConnectIP));
  const staticRoutes = (spec.staticRoutes ?? []).filter((r) => links.some((l) => contains(l, parseIPv4(r.nextHopIP))));
  // A policy names no peering to tell whose it is: all of them, as the cluster's router has them.
  const policyRoutes = spec.policyRoutes ?? [];
  return vpcOf(OVN_CLUSTER, { vpcPeerings, staticRoutes, policyRoutes }, runVpcs, !vpcPeerings.length && !staticRoutes.length && !policyRoutes.length);
}

export function runView(store: Store, runId: string, ipam: KubeOvnIpam): RunView {
  const ofRun = (kind: string) => store.list({ kind, labelSelector: `${RUN_LABEL}=${runId}` }).filter((o) => !o.metadata.deletionTimestamp).sort(created);
  const pending = new Map<KubeObject, string>();

  const vpcObjects = ofRun('Vpc');
  const runVpcs = new Set(vpcObjects.map((v) => v.metadata.name));
  const vpcs = [ovnClusterOf(store, runVpcs), ...vpcObjects.map((v) => vpcOf(v.metadata.name, (v.spec ?? {}) as VpcSpec, new Set([...runVpcs, OVN_CLUSTER]), false))];

  const providers = new Map<string, string>();
  for (const nad of store.list({ kind: 'NetworkAttachmentDefinition' })) {
    const p = providerOfNad(nad);
    if (p) providers.set(`${nad.metadata.namespace}/${nad.metadata.name}`, p);
  }
  const subnets: FormattedSubnet[] = [];
  // Subnets of another CNI and VLAN underlays are no overlay switches: nat-view.ts reads them as external networks.
  for (const s of ofRun('Subnet').filter((o) => !isExternalKind(o)).map(formatSubnet)) {
    const clash = subnets.find((o) => o.vpc === s.vpc && overlaps(parsePrefix(o.cidrBlock), parsePrefix(s.cidrBlock)));
    const reason = s.providerName !== OVN_PROVIDER && ![...providers.values()].includes(s.providerName) ? `no NetworkAttachmentDefinition has provider ${s.providerName}`
      : s.vpc !== OVN_CLUSTER && !store.get('Vpc', undefined, s.vpc) ? `vpc ${s.vpc} not found`
      // pkg/controller/subnet.go checkSubnetConflict; ovn-cluster always holds join.
      : clash ? `subnet ${s.cidrBlock} conflicts with subnet ${clash.name} (${clash.cidrBlock}) of vpc ${s.vpc}`
      : s.vpc === OVN_CLUSTER && overlaps(parsePrefix(JOIN_CIDR), parsePrefix(s.cidrBlock)) ? `subnet ${s.cidrBlock} conflicts with subnet join (${JOIN_CIDR}) of vpc ${OVN_CLUSTER}`
      : undefined;
    if (reason) pending.set(s.object, reason);
    else subnets.push(s);
  }
  const securityGroups = ofRun('SecurityGroup').map(securityGroupOf);

  const guests = new Map<string, Guest>();
  const vms: Vm[] = [];
  const members = [...ofRun('VirtualMachine'), ...ofRun('Pod')].sort(created);
  ipam.retain(new Set(members.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)));
  for (const o of members) {
    const a = attachmentOf(o);
    if (typeof a === 'string') {
      pending.set(o, a);
      continue;
    }
    const provider = a.nad === undefined ? OVN_PROVIDER : providers.get(a.nad);
    // pkg/controller/pod.go: the logical_switch annotation, else the Subnet of the provider (an
    // attachment) or of the pod's namespace (the primary network).
    const chosen = provider && annotation(a.annotations, provider, 'logical_switch');
    const subnet = !provider ? undefined : chosen ? subnets.find((s) => s.name === chosen && s.providerName === provider)
      : subnets.find((s) => s.providerName === provider && (provider !== OVN_PROVIDER || s.namespaces.includes(o.metadata.namespace ?? 'default')));
    if (!subnet) {
      pending.set(o, !provider ? `network-attachment-definition ${a.nad} not found, or not of type kube-ovn` : `no ready subnet for provider ${provider}${chosen ? ` named ${chosen}` : ''}`);
      continue;
    }
    const groupNames = (annotation(a.annotations, provider!, 'security_groups') ?? '').split(',').map((g) => g.trim()).filter(Boolean);
    const groups = securityGroups.filter((g) => groupNames.includes(g.name));
    let config: GuestConfig | undefined;
    try {
      config = o.kind === 'VirtualMachine' ? guestConfig(store, o, a.nic) : undefined;
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      pending.set(o, `cloud-init: ${e.message}`);
      continue;
    }
    const address = ipam.allocate(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, subnet, annotation(a.annotations, provider!, 'ip_address'));
    const blocked = 'error' in address ? address.error : gatewayBlocked(subnet, groups);
    if (blocked) {
      pending.set(o, blocked);
      continue;
    }
    const ip = (address as { ip: string }).ip;
    const container = (o.spec as { containers?: { command?: string[]; args?: string[] }[] }).containers?.[0];
    // pkg/ovs/util.go PodNameToPortName: "<pod>.<ns>", and ".<provider>" for an attachment; a
    // VM's launcher pod is named for the VM there (pkg/controller/pod.go, keep-vm-ip).
    const lsp = `${o.metadata.name}.${o.metadata.namespace}${provider === OVN_PROVIDER ? '' : `.${provider}`}`;
    guests.set(o.metadata.name, { object: o, nic: a.nic, ip, lsp, ...(config && { config }), ...(container && { command: [...(container.command ?? []), ...(container.args ?? [])] }) });
    // The lab's managedtap is a guest whose DHCP client talks to OVN: a managedtap NIC whose guest
    // asks DHCP. A guest that configures itself statically keeps its address whatever the
    // binding; a bridge guest's DHCP is KubeVirt's own, which hands it the port's address and, on a
    // secondary network, no route (harvester#8847): bridge in the lab, as a static guest.
    const binding = a.binding === 'managedtap' && config?.dhcp ? 'managedtap' : 'bridge';
    vms.push({ name: o.metadata.name, network: subnet.provider, ip, defaultRoute: false, binding, securityGroups: groups.map((g) => g.name), listen: (config?.listen ?? []).map((port) => ({ protocol: 'tcp' as const, port })) });
  }

  const nat = natView(store, ofRun, subnets.map((s) => ({ name: s.name, vpc: s.vpc, cidrBlock: s.cidrBlock })), runVpcs);
  // Kube-OVN validates a VLAN subnet's Vlan; another CNI's subnet it marks Ready whatever its NAD
  // ("SetNonOvnSubnetSuccess"): a missing NAD shows only at the gateway that uses it.
  for (const [o, problem] of nat.externalSubnets) if (problem && (o.spec as { vlan?: string } | undefined)?.vlan) pending.set(o, problem);
  for (const [o, reason] of nat.pending) pending.set(o, reason);

  const networks = subnets.map((s) => ({ name: s.name, namespace: 'subnet', ref: s.provider }));
  const spec: TopologySpec = {
    name: runId,
    // Only the validator's warnings read the platform; the data plane the lab builds does not.
    platform: 'harvester',
    networks,
    vpcs,
    subnets: subnets.map(({ object: _o, providerName: _p, disableGatewayCheck: _d, namespaces: _n, ...s }) => s),
    securityGroups,
    vms,
    ...nat.nat,
  };
  return { spec, guests, pending, nat };
}
