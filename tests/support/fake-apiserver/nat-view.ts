// The fake's Kube-OVN VPC NAT gateway controller, reading a run's objects as kube-ovn-controller
// reads them (kubeovn/kube-ovn v1.15.24: pkg/controller/vpc_nat_gateway.go, vpc_nat_gw_eip.go,
// vpc_nat_gw_nat.go; pkg/util/net.go, vpc_nat_gateway.go), for the lab to build: the external
// network from the external Subnet's cidrBlock and gateway, each VpcNatGateway's vpc, subnet,
// lanIp and externalSubnets, each IptablesEIP's natGwDp, v4ip and externalSubnet, the rules' spec
// fields. What the controller would not build stays pending with its reason. vpcheck's own code
// and notes are not read.
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import { contains, formatIPv4, isIPv4, isPrefix, parseIPv4, parsePrefix } from '../../../lib/net/ipv4.ts';
import type { DnatRule, Eip, ExternalNetwork, FipRule, NatGateway, SnatRule, TopologySpec } from '../../../lib/topology/types.ts';
import type { Store } from './store.ts';

/** The controller's namespace, holding its ConfigMaps and the external NADs (Harvester: kube-system). */
const CONTROLLER_NAMESPACE = 'kube-system';
/** pkg/util/net.go vpcExternalNet: the external subnet of a gateway or EIP that names none. */
const DEFAULT_EXTERNAL = 'ovn-vpc-external-network';
export const NAT_VIEW_KINDS = ['VpcNatGateway', 'IptablesEIP', 'IptablesFIPRule', 'IptablesSnatRule', 'IptablesDnatRule'] as const;

type Spec = Record<string, unknown>;
const specOf = (o: KubeObject) => (o.spec ?? {}) as Spec;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export interface NatView {
  readonly nat: Pick<TopologySpec, 'externalNetwork' | 'natGateways' | 'eips' | 'snatRules' | 'dnatRules' | 'fipRules'>;
  /** The run's Subnets that are no VPC subnets (isExternalKind), each with its reason when not ready. */
  readonly externalSubnets: ReadonlyMap<KubeObject, string | undefined>;
  /** NAT objects not built, with the controller's reason. */
  readonly pending: ReadonlyMap<KubeObject, string>;
  /** Built EIPs: object name -> the address the controller puts in status.ip. */
  readonly eipAddresses: ReadonlyMap<string, string>;
}

/**
 * The controller's gate (pkg/controller/vpc_nat.go resyncVpcNatConfig, vpc_nat_gateway.go
 * resyncVpcNatGwConfig): nothing is built unless ovn-vpc-nat-gw-config exists with
 * enable-vpc-nat-gw other than "false", and ovn-vpc-nat-config has an image.
 */
function natDisabled(store: Store): string | undefined {
  const gw = store.get('ConfigMap', CONTROLLER_NAMESPACE, 'ovn-vpc-nat-gw-config');
  const data = (o: KubeObject | undefined) => (o?.data ?? {}) as Record<string, string>;
  if (!gw || data(gw)['enable-vpc-nat-gw'] === 'false') return 'iptables nat gw not enable';
  if (!data(store.get('ConfigMap', CONTROLLER_NAMESPACE, 'ovn-vpc-nat-config')).image) return 'ovn-vpc-nat-config should have image field';
  return undefined;
}

/** The NAD an external Subnet's provider names: "<nad>.<ns>" (another CNI with Kube-OVN IPAM) or "<nad>.<ns>.ovn" (pkg/util GetNadBySubnetProvider idea: name.ns). */
function nadOfProvider(store: Store, provider: string | undefined): KubeObject | undefined {
  const m = /^([^.]+)\.([^.]+)(?:\.ovn)?$/.exec(provider ?? '');
  return m ? store.get('NetworkAttachmentDefinition', m[2], m[1]!) : undefined;
}

/** Why Kube-OVN would not make a usable external network of this Subnet, or undefined. */
function externalProblem(store: Store, o: KubeObject): string | undefined {
  const s = specOf(o);
  const cidr = str(s.cidrBlock);
  if (!cidr || !isPrefix(cidr)) return `${String(s.cidrBlock)} is not a valid cidr`;
  const nad = nadOfProvider(store, str(s.provider));
  if (!nad) return `no NetworkAttachmentDefinition for provider ${String(s.provider)}`;
  const vlan = str(s.vlan);
  if (vlan) {
    const v = store.get('Vlan', undefined, vlan);
    if (!v) return `vlan ${vlan} not found`;
    if (!store.get('ProviderNetwork', undefined, String(specOf(v).provider))) return `provider network ${String(specOf(v).provider)} of vlan ${vlan} not found`;
  }
  return undefined;
}

/** A gateway's subnets as the lab knows them: name -> cidr and gateway of the ready VPC subnets. */
export interface ReadySubnet {
  readonly name: string;
  readonly vpc: string;
  readonly cidrBlock: string;
}

/**
 * A Subnet the lab cannot build as a logical switch of its own, a candidate external network: one
 * of another CNI (a macvlan NAD with Kube-OVN's IPAM: no OVN rows, Ready as "SetNonOvnSubnetSuccess",
 * pkg/controller/subnet.go) or a VLAN underlay (spec.vlan: a localnet to a physical network). The
 * lab's only physical network is its upstream segment.
 */
export function isExternalKind(o: KubeObject): boolean {
  const provider = str(specOf(o).provider);
  const ovn = !provider || provider === 'ovn' || /^[^.]+\.[^.]+\.ovn$/.test(provider);
  return !ovn || str(specOf(o).vlan) !== undefined;
}

export function natView(store: Store, ofRun: (kind: string) => KubeObject[], readySubnets: readonly ReadySubnet[], runVpcs: ReadonlySet<string>): NatView {
  const pending = new Map<KubeObject, string>();
  const gateways = ofRun('VpcNatGateway');
  const eipObjects = ofRun('IptablesEIP');
  const externalSubnets = new Map<KubeObject, string | undefined>();
  for (const o of ofRun('Subnet').filter(isExternalKind)) externalSubnets.set(o, externalProblem(store, o));
  const usable = [...externalSubnets].filter(([, problem]) => problem === undefined).map(([o]) => o);
  // One external network on the lab, its upstream segment: the one the gateways name first. A
  // Subnet's empty gateway is the first address (formatSubnet).
  const named = (g: KubeObject) => ((specOf(g).externalSubnets as unknown[] | undefined) ?? []).flatMap((n) => str(n) ?? []);
  const wanted = [...gateways.flatMap((g) => (named(g).length ? named(g) : [DEFAULT_EXTERNAL])), ...eipObjects.map((e) => str(specOf(e).externalSubnet) ?? DEFAULT_EXTERNAL)];
  const first = wanted.map((n) => usable.find((o) => o.metadata.name === n)).find((o) => o !== undefined);
  const externalNetwork: ExternalNetwork | undefined = first && {
    name: first.metadata.name,
    cidrBlock: specOf(first).cidrBlock as string,
    gateway: str(specOf(first).gateway) ?? formatIPv4(parsePrefix(specOf(first).cidrBlock as string).network + 1),
  };
  const externalOf = (name: string) => usable.find((o) => o.metadata.name === name);

  const disabled = natDisabled(store);
  const built = new Map<string, NatGateway>();
  for (const g of gateways) {
    const s = specOf(g);
    const subnet = readySubnets.find((x) => x.name === s.subnet);
    const lanIp = str(s.lanIp);
    const list = named(g);
    const externals = list.length ? list : [DEFAULT_EXTERNAL];
    const missing = externals.find((n) => !externalOf(n));
    const reason = disabled
      ?? (s.vpc === 'ovn-cluster' ? 'the fake builds NAT gateways of custom VPCs only (Kube-OVN\'s docs and Harvester v1.8\'s page use them there)'
        : !runVpcs.has(String(s.vpc)) ? `vpc ${String(s.vpc)} not found`
        : !subnet ? `subnet ${String(s.subnet)} not found or not ready`
        : subnet.vpc !== s.vpc ? `subnet ${subnet.name} is not in vpc ${String(s.vpc)}`
        // The pod's LAN address comes from Kube-OVN's IPAM on the gateway subnet (ip_address annotation): inside it or nothing.
        : !lanIp || !isIPv4(lanIp) || !contains(parsePrefix(subnet.cidrBlock), parseIPv4(lanIp)) ? `lanIp ${String(s.lanIp)} is not an address of subnet ${subnet.name} (${subnet.cidrBlock})`
        : missing ? `external subnet ${missing} not found or not ready (the fake's external network is a macvlan or VLAN underlay Subnet)` : undefined);
    if (reason) pending.set(g, reason);
    else built.set(g.metadata.name, { name: g.metadata.name, vpc: s.vpc as string, subnet: subnet!.name, lanIp: lanIp!, externalSubnets: externals });
  }

  const eips: Eip[] = [];
  const eipAddresses = new Map<string, string>();
  for (const e of eipObjects) {
    const s = specOf(e);
    const gw = built.get(String(s.natGwDp));
    const externalName = str(s.externalSubnet) ?? DEFAULT_EXTERNAL;
    const external = externalOf(externalName);
    const v4ip = str(s.v4ip);
    const taken = [...eipAddresses.values()];
    const reason = disabled
      ?? (!gw ? `vpc nat gw ${String(s.natGwDp)} not ready`
        : !external ? `external subnet ${externalName} not found or not ready`
        // The fake's IPAM does not hand out random EIPs: the stand-in builds what the objects pin.
        : !v4ip || !isIPv4(v4ip) ? 'the fake allocates no random EIP: spec.v4ip must hold an IPv4 address'
        : !contains(parsePrefix(specOf(external).cidrBlock as string), parseIPv4(v4ip)) ? `${v4ip} is not in external subnet ${externalName} (${String(specOf(external).cidrBlock)})`
        : v4ip === str(specOf(external).gateway) || ((specOf(external).excludeIps as string[] | undefined) ?? []).includes(v4ip) ? `${v4ip} is excluded in external subnet ${externalName}`
        : taken.includes(v4ip) ? `${v4ip} is already taken by another EIP` : undefined);
    if (reason) {
      pending.set(e, reason);
      continue;
    }
    eipAddresses.set(e.metadata.name, v4ip!);
    eips.push({ name: e.metadata.name, natGwDp: gw!.name, v4ip: v4ip!, externalSubnet: externalName });
  }

  /** A rule needs its EIP built (GetEip errors otherwise: "eip ... not ready"). */
  const rules = <T>(kind: string, build: (o: KubeObject, eip: string, s: Spec) => T | string): T[] => ofRun(kind).flatMap((o) => {
    const s = specOf(o);
    const eip = str(s.eip);
    const built = disabled ?? (eip && eipAddresses.has(eip) ? build(o, eip, s) : `eip ${String(s.eip)} not ready`);
    if (typeof built === 'string') {
      pending.set(o, built);
      return [];
    }
    return [built];
  });
  const fipRules = rules<FipRule>('IptablesFIPRule', (o, eip, s) => (isIPv4(String(s.internalIp)) ? { name: o.metadata.name, eip, internalIp: s.internalIp as string } : `invalid internalIp ${String(s.internalIp)}`));
  const snatRules = rules<SnatRule>('IptablesSnatRule', (o, eip, s) => (isPrefix(String(s.internalCIDR)) || isIPv4(String(s.internalCIDR)) ? { name: o.metadata.name, eip, internalCIDR: s.internalCIDR as string } : `invalid internalCIDR ${String(s.internalCIDR)}`));
  const dnatRules = rules<DnatRule>('IptablesDnatRule', (o, eip, s) => {
    // The CRD's ports are strings; nat-gateway.sh passes them to iptables --dport as written.
    const externalPort = Number(s.externalPort);
    const internalPort = Number(s.internalPort);
    const protocol = String(s.protocol);
    if (![externalPort, internalPort].every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) return `invalid ports ${String(s.externalPort)} -> ${String(s.internalPort)}`;
    if (protocol !== 'tcp' && protocol !== 'udp') return `invalid protocol ${protocol}`;
    if (!isIPv4(String(s.internalIp))) return `invalid internalIp ${String(s.internalIp)}`;
    return { name: o.metadata.name, eip, externalPort, internalIp: s.internalIp as string, internalPort, protocol };
  });

  return {
    nat: {
      externalNetwork: externalNetwork ?? { name: DEFAULT_EXTERNAL, cidrBlock: '192.0.2.0/24', gateway: '192.0.2.1' },
      natGateways: [...built.values()],
      eips,
      snatRules,
      dnatRules,
      fipRules,
    },
    externalSubnets,
    pending,
    eipAddresses,
  };
}

/**
 * The status Kube-OVN writes once a NAT object is in the gateway pod (nat-facts.md section 5):
 * an EIP's ready, ip and nat (the rule kinds using it); a rule's ready, v4ip (its EIP's address),
 * natGwDp and the spec fields it went in with. Conditions are never set. A pending object keeps
 * no status, or, if it was ready, ready false.
 */
export function natStatusOf(o: KubeObject, view: NatView, store: Store, runLabel: string): Record<string, unknown> | undefined {
  const old = (o.status ?? {}) as Record<string, unknown>;
  const s = specOf(o);
  if ([...view.pending.keys()].some((p) => p.kind === o.kind && p.metadata.name === o.metadata.name)) return old.ready ? { ...old, ready: false } : undefined;
  if (o.kind === 'VpcNatGateway') return undefined;
  if (o.kind === 'IptablesEIP') {
    const ip = view.eipAddresses.get(o.metadata.name);
    if (!ip) return undefined;
    const using = (kind: string, word: string) => store.list({ kind, labelSelector: runLabel }).some((r) => specOf(r).eip === o.metadata.name && !r.metadata.deletionTimestamp) ? [word] : [];
    const nat = [...using('IptablesDnatRule', 'dnat'), ...using('IptablesFIPRule', 'fip'), ...using('IptablesSnatRule', 'snat')].join(',');
    return { ...old, ready: true, ip, nat, redo: '', qosPolicy: '' };
  }
  const v4ip = view.eipAddresses.get(String(s.eip));
  if (!v4ip) return undefined;
  const eip = store.get('IptablesEIP', undefined, String(s.eip));
  const base = { ...old, ready: true, v4ip, v6ip: '', natGwDp: String(eip ? specOf(eip).natGwDp : ''), redo: '' };
  if (o.kind === 'IptablesFIPRule') return { ...base, internalIp: s.internalIp };
  if (o.kind === 'IptablesSnatRule') return { ...base, internalCIDR: s.internalCIDR };
  return { ...base, protocol: s.protocol, internalIp: s.internalIp, internalPort: s.internalPort, externalPort: s.externalPort };
}
