// Kubernetes objects -> TopologySpec: NetworkAttachmentDefinitions (type kube-ovn), kubeovn.io
// Vpcs, Subnets and SecurityGroups, and KubeVirt VirtualMachines (with their running
// VirtualMachineInstances) or Pods. Field names are Kube-OVN's, so most fields map 1:1. Objects
// that cannot be placed (a Subnet without its NAD or Vpc, a VM on no subnet) are skipped with the
// reason. Pure: one mapping for `vpcheck import` (a customer's export).
import { DEFAULT_ROUTE_ANNOTATION, LISTEN_ANNOTATION, MTU_ANNOTATION, NAME_ANNOTATION } from '../k8s/labels.ts';
import { describe, type KubeObject } from '../k8s/resources.ts';
import { DEFAULT_VPC, type Binding, type Network, type Platform, type PolicyRoute, type SecurityGroupRule, type StaticRoute, type Subnet, type TopologySpec, type Vm, type VpcPeering } from '../topology/types.ts';
import { attachmentOf, PRIMARY_PROVIDER, providerAnnotation, type Attachment } from '../k8s/kube-ovn.ts';
import { isIPv4 } from '../net/ipv4.ts';
import { bindingOf, cloudInitRoute, statusAddress } from './guest.ts';
import { externalSubnetNames, mapNat } from './nat.ts';

export interface OvnClusterEntries {
  readonly vpcPeerings?: readonly { remoteVpc: string; localConnectIP: string }[];
  readonly staticRoutes?: readonly { cidr: string; nextHopIP: string; policy?: string }[];
  readonly policyRoutes?: readonly { priority: number; match: string; action: string; nextHopIP?: string }[];
}

export interface MapOptions {
  readonly name: string;
  readonly platform: Platform;
  /** The entries of ovn-cluster that belong to this topology (default: none). */
  readonly ovnCluster?: OvnClusterEntries;
}

export interface Mapped {
  readonly spec: TopologySpec;
  /** Objects left out, with the reason. */
  readonly skipped: ReadonlyMap<KubeObject, string>;
  /** Things mapped with a loss (a second NIC, an unknown security group). */
  readonly notes: readonly string[];
  /** Per VM name: where its address and default route came from, for a comment beside it. */
  readonly guests: ReadonlyMap<string, readonly string[]>;
}

type Spec = Record<string, never>;
const PROVIDER = /^([^.]+)\.([^.]+)\.ovn$/;
/** The switch Kube-OVN joins nodes to pods with (kube-ovn-controller --node-switch, default "join"); vpcheck models it itself. */
const JOIN_SUBNET = 'join';

/**
 * The NAD behind a Subnet's provider, "namespace/name": "<nad>.<ns>.ovn" (a kube-ovn NAD) or
 * "<nad>.<ns>" (another CNI with Kube-OVN's IPAM, such as the external network's macvlan).
 */
export function nadOfProvider(provider: string | undefined): string | undefined {
  const m = /^([^.]+)\.([^.]+)(?:\.ovn)?$/.exec(provider ?? '');
  return m ? `${m[2]}/${m[1]}` : undefined;
}

/** The word that marks a guess in the comments and the warning. */
export const ASSUMED = 'ASSUMED';

/** The name in the topology: vpcheck's original (before its run prefix) when it made the object. */
const originalName = (o: KubeObject) => o.metadata.annotations?.[NAME_ANNOTATION] ?? o.metadata.name;

export function mapObjects(objects: readonly KubeObject[], options: MapOptions): Mapped {
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const skipped = new Map<KubeObject, string>();
  const notes: string[] = [];

  // The NAT gateways' external network is no VM network: its Subnet and NAD become externalNetwork.
  const externalNames = externalSubnetNames(objects);
  const externalSubnets = new Set(of('Subnet').filter((o) => externalNames.has(o.metadata.name)));
  const externalNads = new Set([...externalSubnets].map((o) => nadOfProvider(((o.spec ?? {}) as Spec).provider)).filter((x): x is string => x !== undefined));

  const networkByNad = new Map<string, Network>();
  for (const n of of('NetworkAttachmentDefinition')) {
    if (externalNads.has(`${n.metadata.namespace ?? 'default'}/${n.metadata.name}`)) continue;
    const name = originalName(n);
    const namespace = n.metadata.namespace ?? 'default';
    networkByNad.set(`${namespace}/${n.metadata.name}`, { name, namespace, ref: `${namespace}/${name}` });
  }
  const networkOfProvider = (provider: string | undefined): Network | undefined => {
    const m = PROVIDER.exec(provider ?? '');
    if (!m) return undefined;
    const known = networkByNad.get(`${m[2]}/${m[1]}`);
    if (known) return known;
    const inferred = { name: m[1]!, namespace: m[2]!, ref: `${m[2]}/${m[1]}` };
    networkByNad.set(`${m[2]}/${m[1]}`, inferred);
    return inferred;
  };

  const vpcObjects = of('Vpc').filter((v) => v.metadata.name !== DEFAULT_VPC);
  const vpcNames = new Map<string, string>([[DEFAULT_VPC, DEFAULT_VPC], ...vpcObjects.map((v) => [v.metadata.name, originalName(v)] as [string, string])]);
  const vpcOf = (name: string, s: OvnClusterEntries, implicit: boolean) => ({
    name,
    vpcPeerings: (s.vpcPeerings ?? []).filter((p) => vpcNames.has(p.remoteVpc)).map((p): VpcPeering => ({ remoteVpc: vpcNames.get(p.remoteVpc)!, localConnectIP: p.localConnectIP })),
    // Kube-OVN defaults an empty policy to policyDst (pkg/controller/vpc.go formatVpc).
    staticRoutes: (s.staticRoutes ?? []).map((r): StaticRoute => ({ cidr: r.cidr, nextHopIP: r.nextHopIP, policy: r.policy === 'policySrc' ? 'policySrc' : 'policyDst' })),
    // Kept as written: the loader reports an action or match Kube-OVN would reject.
    policyRoutes: (s.policyRoutes ?? []).map((r): PolicyRoute => ({
      priority: r.priority,
      match: r.match,
      action: r.action as PolicyRoute['action'],
      ...(r.nextHopIP ? { nextHopIP: r.nextHopIP } : {}),
    })),
    implicit,
  });
  const cluster = options.ovnCluster ?? {};
  const vpcs = [
    vpcOf(DEFAULT_VPC, cluster, !cluster.vpcPeerings?.length && !cluster.staticRoutes?.length && !cluster.policyRoutes?.length),
    ...vpcObjects.map((v) => vpcOf(originalName(v), (v.spec ?? {}) as OvnClusterEntries, false)),
  ];

  // A Subnet of Kube-OVN's primary network has no NAD: the topology gets a network of its own name
  // for it (one subnet per network), which the kubeovn target renders as no NAD again.
  const primaryNetwork = (o: KubeObject): Network => {
    const taken = [...networkByNad.values()].some((n) => n.ref === `default/${originalName(o)}`);
    const name = taken ? `${originalName(o)}-ovn` : originalName(o);
    return { name, namespace: 'default', ref: `default/${name}` };
  };
  /** Subnets by their network's ref; one of the primary network keeps its object, its network and the namespaces bound to it. */
  const subnetObjects = new Map<string, { subnet: Subnet; primary?: { object: KubeObject; network: Network; namespaces: readonly string[] } }>();
  const subnetNames = new Map<string, string>();
  for (const o of of('Subnet')) {
    if (externalSubnets.has(o)) continue;
    const s = (o.spec ?? {}) as Spec;
    const primary = (s.provider ?? PRIMARY_PROVIDER) === PRIMARY_PROVIDER;
    if (primary && o.metadata.name === JOIN_SUBNET) {
      skipped.set(o, `Kube-OVN's join subnet (nodes to pods): vpcheck builds its own`);
      continue;
    }
    const network = primary ? primaryNetwork(o) : networkOfProvider(s.provider);
    const vpc = vpcNames.get(s.vpc ?? DEFAULT_VPC);
    if (!network || !vpc) {
      skipped.set(o, !network ? `provider ${s.provider} is neither ovn nor a NetworkAttachmentDefinition's ("<nad>.<namespace>.ovn")` : `vpc ${s.vpc} not found`);
      continue;
    }
    subnetNames.set(o.metadata.name, originalName(o));
    // Kube-OVN appends the gateway to excludeIps (pkg/controller/subnet.go formatSubnet); IPAM skips it anyway.
    const excludeIps = ((s.excludeIps ?? []) as string[]).filter((ip) => ip !== s.gateway);
    subnetObjects.set(network.ref, {
      subnet: {
        name: originalName(o), vpc, cidrBlock: s.cidrBlock, gateway: s.gateway, provider: network.ref, private: s.private ?? false, allowSubnets: s.allowSubnets ?? [], natOutgoing: s.natOutgoing ?? false, excludeIps,
        enableDHCP: s.enableDHCP ?? false,
        // Kept as written: the loader reports options Kube-OVN would drop; an empty string is Kube-OVN's "none".
        ...(typeof s.dhcpV4Options === 'string' && s.dhcpV4Options !== '' && { dhcpV4Options: s.dhcpV4Options as string }),
        ...(typeof s.mtu === 'number' && s.mtu !== 0 && { mtu: s.mtu as number }),
      },
      ...(primary && { primary: { object: o, network, namespaces: (s.namespaces ?? []) as string[] } }),
    });
  }

  const sgObjects = of('SecurityGroup');
  const sgNames = new Map(sgObjects.map((g) => [g.metadata.name, originalName(g)]));
  const rule = (r: Record<string, unknown>): SecurityGroupRule => {
    const pick = <K extends keyof SecurityGroupRule>(k: K) => (r[k] !== undefined && r[k] !== '' ? { [k]: r[k] } : {});
    return {
      ipVersion: 'ipv4',
      protocol: (r.protocol ?? 'all') as SecurityGroupRule['protocol'],
      ...pick('portRangeMin'),
      ...pick('portRangeMax'),
      remoteType: (r.remoteType ?? 'address') as SecurityGroupRule['remoteType'],
      ...pick('remoteAddress'),
      ...(typeof r.remoteSecurityGroup === 'string' && r.remoteSecurityGroup && { remoteSecurityGroup: sgNames.get(r.remoteSecurityGroup) ?? r.remoteSecurityGroup }),
      policy: (r.policy ?? 'allow') as SecurityGroupRule['policy'],
      priority: r.priority as number,
    } as SecurityGroupRule;
  };
  const securityGroups = sgObjects.map((g) => {
    const s = (g.spec ?? {}) as Spec;
    return { name: originalName(g), allowSameGroupTraffic: s.allowSameGroupTraffic ?? false, ingressRules: ((s.ingressRules ?? []) as Record<string, unknown>[]).map(rule), egressRules: ((s.egressRules ?? []) as Record<string, unknown>[]).map(rule) };
  });

  // Kube-OVN's choice for a pod on its primary network: the logical_switch annotation (which it
  // also writes on every pod it allocates), else the Subnet bound to the pod's namespace
  // (pkg/controller/pod.go getPodDefaultSubnet). Its last resort, the default Subnet, is not
  // followed: a pod network without either is no sign of Kube-OVN (on Harvester it is the
  // management network).
  const primarySubnetOf = (o: KubeObject, annotations: Readonly<Record<string, string>>): Network | undefined => {
    const namespace = o.metadata.namespace ?? 'default';
    const primaries = [...subnetObjects.values()].flatMap((x) => (x.primary ? [x.primary] : []));
    const chosen = providerAnnotation(annotations, PRIMARY_PROVIDER, 'logical_switch') ?? primaries.find((x) => x.namespaces.includes(namespace))?.object.metadata.name;
    return chosen === undefined ? undefined : primaries.find((x) => x.object.metadata.name === chosen)?.network;
  };
  // A VMI is its VM's running instance (KubeVirt's VM controller names it after the VM, in its
  // namespace: kubevirt/kubevirt pkg/virt-controller setupVMIFromVM): its status holds the
  // guest's addresses. A VMI without its VM among the objects stands for the VM itself.
  const key = (o: KubeObject) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
  const vmKeys = new Set(of('VirtualMachine').map(key));
  const vmiOf = new Map(of('VirtualMachineInstance').map((o) => [key(o), o]));
  const vmNames = new Set<string>();
  const guests = new Map<string, string[]>();
  const vms = objects.flatMap((o): Vm[] => {
    if (o.kind === 'VirtualMachineInstance' && vmKeys.has(key(o))) return [];
    const a = attachmentOf(o);
    if (!a) return [];
    const name = originalName(o);
    const primary = a.networks.length === 0;
    const network = primary ? primarySubnetOf(o, a.podAnnotations) : networkByNad.get(a.networks[0]!);
    const subnet = network && subnetObjects.get(network.ref);
    if (!network || !subnet) {
      skipped.set(o, primary ? `no multus NIC, and no Kube-OVN Subnet among the objects for its pod network (${PRIMARY_PROVIDER}.kubernetes.io/logical_switch, or a Subnet's spec.namespaces)` : `no subnet for network ${a.networks[0]}`);
      return [];
    }
    if (vmNames.has(name)) {
      skipped.set(o, `a second VM named ${name} (VM names are unique in a topology)`);
      return [];
    }
    if (a.networks.length > 1) notes.push(`${o.kind} ${name}: only its first overlay NIC (${a.networks[0]}) is tested; ${a.networks.slice(1).join(', ')} left out`);
    vmNames.add(name);
    const provider = primary ? PRIMARY_PROVIDER : `${a.networks[0]!.split('/')[1]}.${a.networks[0]!.split('/')[0]}.ovn`;
    const groups = (providerAnnotation(a.podAnnotations, provider, 'security_groups') ?? '').split(',').map((g) => g.trim()).filter(Boolean);
    for (const g of groups.filter((x) => !sgNames.has(x))) notes.push(`${o.kind} ${name}: security group ${g} is not among the objects; left out`);
    const listen = (a.own[LISTEN_ANNOTATION] ?? '').split(',').filter(Boolean).map((l) => ({ protocol: 'tcp' as const, port: Number(l.split('/')[1]) }));
    const guest: string[] = [];
    const ip = addressOf(o, a, provider, subnet.subnet, vmiOf.get(key(o)) ?? (o.kind === 'VirtualMachineInstance' ? o : undefined), guest, notes);
    const binding = bindingOfNic(o, a, notes);
    const route = routeOf(a, subnet, binding, guest);
    if (guest.length) guests.set(name, guest);
    const node = hostnameOf(o);
    const mtu = Number(a.own[MTU_ANNOTATION]);
    return [{
      name, network: network.ref, ...(ip !== undefined && { ip }), ...(node !== undefined && { node }), ...(Number.isInteger(mtu) && mtu > 0 && { mtu }),
      defaultRoute: route !== false, ...(typeof route === 'string' && { defaultRouteVia: route }), binding, securityGroups: groups.filter((g) => sgNames.has(g)).map((g) => sgNames.get(g)!), listen,
    }];
  });
  // The nodes VMs are pinned to, in the order they first appear; VMs without a pin are left to
  // the topology's own placement, as the scheduler's choice is not in the objects.
  const nodes = [...new Set(vms.flatMap((v) => v.node ?? []))].map((n) => ({ name: n }));
  if (nodes.length && vms.some((v) => v.node === undefined)) notes.push(`VMs without a kubernetes.io/hostname nodeSelector (${vms.filter((v) => v.node === undefined).map((v) => v.name).join(', ')}) are placed by the topology's round-robin over the pinned nodes, not where the scheduler put them`);

  const onSubnets = new Set(vms.map((v) => v.network));
  for (const [ref, x] of subnetObjects) {
    if (x.primary && !onSubnets.has(ref)) {
      subnetObjects.delete(ref);
      skipped.set(x.primary.object, `a Subnet of Kube-OVN's primary network (provider ${PRIMARY_PROVIDER}) with none of the imported VMs or Pods on it`);
    }
  }
  const subnets = [...subnetObjects.values()].map((x) => x.subnet);
  const primaryNetworks = [...subnetObjects.values()].flatMap((x) => (x.primary ? [x.primary.network] : []));
  const networks = [...new Map([...networkByNad.values(), ...primaryNetworks].map((n) => [n.ref, n])).values()];
  const nat = mapNat(objects, { vpc: vpcNames, subnet: subnetNames, originalName }, skipped, notes);
  return { spec: { name: options.name, platform: options.platform, networks, vpcs, subnets, securityGroups, vms, ...(nodes.length && { nodes }), ...nat }, skipped, notes, guests };
}

/**
 * The VM's address: what its running VMI reports on the NIC (the guest as it runs), else the
 * address Kube-OVN was asked to pin (`<provider>.kubernetes.io/ip_address`). Where both exist and
 * differ, the VMI's is kept and the difference noted.
 */
function addressOf(o: KubeObject, a: Attachment, provider: string, subnet: Subnet, vmi: KubeObject | undefined, guest: string[], notes: string[]): string | undefined {
  const pinned = providerAnnotation(a.podAnnotations, provider, 'ip_address');
  const nic = a.kubevirt?.nic;
  const reported = vmi && nic !== undefined ? statusAddress(vmi, nic, subnet.cidrBlock) : undefined;
  const name = originalName(o);
  if (reported && 'problem' in reported) notes.push(`${o.kind} ${name}: ${reported.problem}; ${pinned !== undefined ? `kept the pinned ${pinned}` : 'the model assigns one'}`);
  if (!reported || 'problem' in reported) return pinned;
  if (pinned !== undefined && pinned !== reported.ip) notes.push(`${o.kind} ${name}: its VMI reports ${reported.ip} on ${nic}, its ${provider}.kubernetes.io/ip_address pins ${pinned}: kept ${reported.ip}, the address the guest runs with`);
  guest.push(`ip ${reported.ip}: from ${describe(vmi!)} status.interfaces[name=${nic}]`);
  return reported.ip;
}

/**
 * The topology's binding of the tested NIC: KubeVirt's managedtap plugin, else bridge. Pods have
 * no KubeVirt binding (bridge: the CNI configures them); another KubeVirt binding is tested as
 * bridge, and said so.
 */
function bindingOfNic(o: KubeObject, a: Attachment, notes: string[]): Binding {
  const nic = a.kubevirt?.nic;
  const found = nic !== undefined ? bindingOf(a.kubevirt!.spec, nic) : undefined;
  if (found === 'managedtap') return 'managedtap';
  if (found !== undefined && found !== 'bridge') notes.push(`${o.kind} ${originalName(o)}: its NIC ${nic} has binding ${found}; tested as bridge (vpcheck models bridge and managedtap)`);
  return 'bridge';
}

/**
 * `defaultRoute:` (the docs' route step) from evidence: vpcheck's own note on what it rendered;
 * managedtap on a DHCP subnet (OVN's DHCP router option gives the route: no step); a pod's primary
 * NIC (the CNI's route); a route in the VM's cloud-init. Without any, the docs' step is assumed,
 * and `guest` says so.
 */
function routeOf(a: Attachment, subnet: { subnet: Subnet; primary?: unknown }, binding: Binding, guest: string[]): boolean | string {
  const note = a.own[DEFAULT_ROUTE_ANNOTATION];
  if (note !== undefined) return isIPv4(note) ? note : note === 'true';
  if (binding === 'managedtap' && subnet.subnet.enableDHCP) {
    guest.push(`defaultRoute: false: binding managedtap on a DHCP subnet (enableDHCP): the guest's lease carries the route (DHCP router option), no route step`);
    return false;
  }
  if (subnet.primary !== undefined && !a.kubevirt) {
    guest.push(`defaultRoute: true: a pod's primary NIC gets its default route from the CNI`);
    return true;
  }
  const evidence = cloudInitRoute(a.kubevirt?.spec ?? {});
  if (evidence.found) {
    guest.push(`defaultRoute: true: ${evidence.found}`);
    return true;
  }
  const unread = evidence.unread.length ? ` (its cloud-init is in ${evidence.unread.join(', ')}, which import never reads)` : '';
  guest.push(
    `defaultRoute: true ${ASSUMED}: nothing in the export shows the guest's default route${unread};`,
    `the docs' step "ip route add default via ${subnet.subnet.gateway}" is assumed run. Set false if this guest has none.`,
  );
  return true;
}

/** The node a VM, VMI or Pod is pinned to by nodeSelector kubernetes.io/hostname (Kubernetes' well-known node label). */
function hostnameOf(o: KubeObject): string | undefined {
  const spec = (o.spec ?? {}) as { nodeSelector?: Record<string, string>; template?: { spec?: { nodeSelector?: Record<string, string> } } };
  const selector = o.kind === 'VirtualMachine' ? spec.template?.spec?.nodeSelector : spec.nodeSelector;
  return selector?.['kubernetes.io/hostname'];
}
