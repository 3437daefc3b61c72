// The OVN northbound rows Kube-OVN writes for a run's objects, computed from the objects alone,
// so readiness can mean "programmed": after an apply or a phase's patch the run waits until
// ovn-central's NB database holds these rows (and no longer holds the ones the change took out).
// Only what Kube-OVN derives from the objects is expected, never its own internal rows (join
// switch, node routes, the cluster-wide kubeovn_deny_all group), which differ per cluster. Pure.
//
// Kube-OVN's names and rows (kubeovn/kube-ovn v1.13.13 and v1.14.10):
// - a Vpc is the logical router of the same name (pkg/controller/vpc.go createVpcRouter); ovn-cluster's
//   router is "ovn-cluster" (pkg/util/const.go DefaultVpc);
// - spec.staticRoutes -> Logical_Router_Static_Route, convertPolicy: policyDst -> dst-ip, else src-ip
//   (pkg/controller/vpc.go); spec.policyRoutes -> Logical_Router_Policy (priority, match, action);
// - spec.vpcPeerings -> router port "<vpc>-<remoteVpc>" with networks = localConnectIP and peer set
//   (pkg/ovs/ovn-nb-logical_router_port.go CreatePeerRouterPort);
// - a Subnet is the logical switch of the same name, joined to its VPC's router by a router port with
//   networks "<gateway>/<prefix>" (pkg/ovs/util.go LogicalRouterPortName "<vpc>-<subnet>"), and a router
//   policy `ip4.dst == <cidr>` allow at 31000 (pkg/controller/subnet.go addCommonRoutesForSubnet);
//   `private` puts to-lport ACLs on the switch: drop `ip` 1000, allow-related 1001 for its own CIDR and
//   each allowSubnets entry, allow-related 3000 from the join CIDR (pkg/ovs/ovn-nb-acl.go SetLogicalSwitchPrivate);
// - a SecurityGroup is port group "ovn.sg.<name, - as .>" (pkg/ovs/util.go GetSgPortGroupName), its rules
//   ACLs at 2300 - priority, ingress to-lport and egress from-lport, allow -> allow-related, anything
//   else drop (pkg/ovs/ovn-nb-acl.go newSgRuleACL), ARP allowed both ways at 2005 (CreateSgBaseACL),
//   allowSameGroupTraffic at 2004;
// - a VM's NIC is logical switch port PodNameToPortName(getNameByPod(pod), namespace, provider)
//   (pkg/controller/pod.go, pkg/ovs/util.go): "<vm>.<ns>.<provider>", getNameByPod giving a KubeVirt
//   launcher pod its VM's name, "<pod>.<ns>" on the primary network (diagnose.ts logicalSwitchPort),
//   holding its address, a member of the port group of each SG in its `<provider>.kubernetes.io/security_groups`
//   annotation (pkg/controller/pod.go, pkg/util/const.go SecurityGroupAnnotationTemplate).
import { attachmentOf, pinnedAddress, providerAnnotation } from '../../k8s/kube-ovn.ts';
import type { KubeObject } from '../../k8s/resources.ts';
import { DEFAULT_VPC } from '../../topology/types.ts';
import { logicalSwitchPort } from './diagnose.ts';
import type { OvnClusterPatch } from './render-network.ts';

/** An ACL as readiness compares it: the addresses its match names, not the match's wording. */
export interface AclKey {
  readonly direction: 'to-lport' | 'from-lport';
  readonly priority: number;
  readonly action: string;
  /** CIDRs and addresses in the match, sorted; absent: any (the cluster's join CIDR varies). */
  readonly addresses?: readonly string[];
}

export type NbRow =
  | { readonly kind: 'router'; readonly router: string }
  | { readonly kind: 'route'; readonly router: string; readonly policy: 'dst-ip' | 'src-ip'; readonly prefix: string; readonly nexthop: string }
  | { readonly kind: 'policy'; readonly router: string; readonly priority: number; readonly match: string; readonly action: string }
  | { readonly kind: 'router-port'; readonly router: string; readonly network: string; readonly peered: boolean }
  | { readonly kind: 'switch'; readonly switch: string }
  | { readonly kind: 'switch-acl'; readonly switch: string; readonly acl: AclKey }
  | { readonly kind: 'port-group'; readonly portGroup: string }
  | { readonly kind: 'group-acl'; readonly portGroup: string; readonly acl: AclKey }
  | { readonly kind: 'port'; readonly port: string; readonly ip: string }
  | { readonly kind: 'member'; readonly portGroup: string; readonly port: string };

export interface NbExpectation {
  /** Rows the NB database must hold. */
  readonly present: readonly NbRow[];
  /** Rows of the previous state that the change took out: the NB database must not hold them. */
  readonly absent: readonly NbRow[];
}

/** Kube-OVN's priorities (pkg/util/const.go). */
const PRIORITY = { subnetPolicy: 31000, privateDrop: 1000, privateAllow: 1001, nodeAllow: 3000, sgHighest: 2300, sgBase: 2005, sgSameGroup: 2004 } as const;

/** A row's identity: two rows with the same key are the same expectation. */
export const rowKey = (row: NbRow): string => JSON.stringify(row);

/** One line naming the row as `ovn-nbctl` shows it, for a timeout's list of missing rows. */
export function describeRow(row: NbRow): string {
  const acl = (a: AclKey) => `${a.direction} ${a.priority} ${a.action}${a.addresses ? ` (${a.addresses.join(', ') || 'no address'})` : ''}`;
  switch (row.kind) {
    case 'router': return `logical router ${row.router}`;
    case 'route': return `static route ${row.policy} ${row.prefix} via ${row.nexthop} on ${row.router}`;
    case 'policy': return `router policy ${row.priority} "${row.match}" ${row.action} on ${row.router}`;
    case 'router-port': return `${row.peered ? 'peering ' : ''}router port ${row.network} on ${row.router}`;
    case 'switch': return `logical switch ${row.switch}`;
    case 'switch-acl': return `ACL ${acl(row.acl)} on switch ${row.switch}`;
    case 'port-group': return `port group ${row.portGroup}`;
    case 'group-acl': return `ACL ${acl(row.acl)} on port group ${row.portGroup}`;
    case 'port': return `logical switch port ${row.port} with ${row.ip}`;
    case 'member': return `port ${row.port} in port group ${row.portGroup}`;
  }
}

const NOUNS: Record<NbRow['kind'], [string, string]> = {
  router: ['router', 'routers'],
  route: ['static route', 'static routes'],
  policy: ['router policy', 'router policies'],
  'router-port': ['router port', 'router ports'],
  switch: ['switch', 'switches'],
  'switch-acl': ['subnet ACL', 'subnet ACLs'],
  'port-group': ['port group', 'port groups'],
  'group-acl': ['security-group ACL', 'security-group ACLs'],
  port: ['VM port', 'VM ports'],
  member: ['port-group membership', 'port-group memberships'],
};

/** "2 routers, 3 static routes, ...": how many rows of each kind, in a fixed order. */
export function rowCounts(rows: readonly NbRow[]): string {
  const parts = (Object.keys(NOUNS) as NbRow['kind'][]).flatMap((kind) => {
    const n = rows.filter((r) => r.kind === kind).length;
    return n ? [`${n} ${NOUNS[kind][n === 1 ? 0 : 1]}`] : [];
  });
  return parts.length ? parts.join(', ') : 'no rows';
}

/** Kube-OVN's port group of a SecurityGroup (pkg/ovs/util.go GetSgPortGroupName). */
export const sgPortGroup = (sg: string): string => `ovn.sg.${sg}`.replaceAll('-', '.');

/** Addresses and CIDRs named in an ACL match, sorted: the part of a match that readiness compares. */
export function matchAddresses(match: string): string[] {
  return [...new Set(match.match(/\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?\b/g) ?? [])].sort();
}

interface VpcSpec {
  readonly vpcPeerings?: readonly { remoteVpc: string; localConnectIP: string }[];
  readonly staticRoutes?: readonly { cidr: string; nextHopIP: string; policy?: string }[];
  readonly policyRoutes?: readonly { priority: number; match: string; action: string }[];
}

interface SubnetSpec {
  vpc?: string;
  provider?: string;
  vlan?: string;
  cidrBlock: string;
  gateway: string;
  private?: boolean;
  allowSubnets?: string[];
}

interface SgRule {
  priority: number;
  policy: string;
  remoteType: string;
  remoteAddress?: string;
}

interface SgSpec {
  allowSameGroupTraffic?: boolean;
  ingressRules?: SgRule[];
  egressRules?: SgRule[];
}

function vpcRows(router: string, spec: VpcSpec): NbRow[] {
  return [
    ...(spec.vpcPeerings ?? []).map((p): NbRow => ({ kind: 'router-port', router, network: p.localConnectIP, peered: true })),
    // A route without a policy is policyDst: Kube-OVN's default (pkg/controller/vpc.go formatVpc).
    ...(spec.staticRoutes ?? []).map((r): NbRow => ({ kind: 'route', router, policy: (r.policy ?? 'policyDst') === 'policyDst' ? 'dst-ip' : 'src-ip', prefix: r.cidr, nexthop: r.nextHopIP })),
    ...(spec.policyRoutes ?? []).map((p): NbRow => ({ kind: 'policy', router, priority: p.priority, match: p.match, action: p.action })),
  ];
}

/** Kube-OVN's test of an OVN subnet: provider "", "ovn" or "<nad>.<ns>.ovn" (pkg/util IsOvnProvider). */
const isOvnProvider = (provider: string | undefined) => !provider || provider === 'ovn' || /^[^.]+\.[^.]+\.ovn$/.test(provider);

function subnetRows(name: string, spec: SubnetSpec): NbRow[] {
  // A subnet of another CNI (the NAT gateway's macvlan external network) gets Kube-OVN's IPAM and
  // status only, no OVN rows (kubeovn/kube-ovn pkg/controller/subnet.go handleAddOrUpdateSubnet:
  // !isOvnSubnet -> "SetNonOvnSubnetSuccess"). A VLAN underlay subnet (the external network on
  // Harvester) is a switch with a localnet port whose gateway is the physical router; what shows
  // it works is the EIPs' status (ready only after eip-add ran on the gateway's external leg,
  // ready.ts), which the run waits for, so no row of it is expected here.
  if (!isOvnProvider(spec.provider) || spec.vlan) return [];
  const router = spec.vpc || DEFAULT_VPC;
  const prefix = spec.cidrBlock.split('/')[1];
  const rows: NbRow[] = [
    { kind: 'switch', switch: name },
    { kind: 'router-port', router, network: `${spec.gateway}/${prefix}`, peered: false },
    { kind: 'policy', router, priority: PRIORITY.subnetPolicy, match: `ip4.dst == ${spec.cidrBlock}`, action: 'allow' },
  ];
  if (!spec.private) return rows;
  const acl = (priority: number, action: string, addresses?: string[]): NbRow => ({ kind: 'switch-acl', switch: name, acl: { direction: 'to-lport', priority, action, ...(addresses && { addresses: [...new Set(addresses)].sort() }) } });
  return [
    ...rows,
    acl(PRIORITY.privateDrop, 'drop', []),
    acl(PRIORITY.privateAllow, 'allow-related', [spec.cidrBlock]),
    ...(spec.allowSubnets ?? []).map((allow) => acl(PRIORITY.privateAllow, 'allow-related', [spec.cidrBlock, allow])),
    // The join CIDR is the cluster's own (100.64.0.0/16 by default): its address is not compared.
    acl(PRIORITY.nodeAllow, 'allow-related'),
  ];
}

function securityGroupRows(name: string, spec: SgSpec): NbRow[] {
  const portGroup = sgPortGroup(name);
  const acl = (direction: AclKey['direction'], priority: number, action: string, addresses?: string[]): NbRow => ({ kind: 'group-acl', portGroup, acl: { direction, priority, action, ...(addresses && { addresses }) } });
  // A remote security group is an address set whose name readiness does not compare: no addresses.
  const rule = (direction: AclKey['direction']) => (r: SgRule) =>
    acl(direction, PRIORITY.sgHighest - r.priority, r.policy === 'allow' ? 'allow-related' : 'drop', r.remoteType === 'address' && r.remoteAddress ? matchAddresses(r.remoteAddress) : undefined);
  return [
    { kind: 'port-group', portGroup },
    acl('to-lport', PRIORITY.sgBase, 'allow-related', []),
    acl('from-lport', PRIORITY.sgBase, 'allow-related', []),
    ...(spec.allowSameGroupTraffic ? [acl('to-lport', PRIORITY.sgSameGroup, 'allow-related'), acl('from-lport', PRIORITY.sgSameGroup, 'allow-related')] : []),
    ...(spec.ingressRules ?? []).map(rule('to-lport')),
    ...(spec.egressRules ?? []).map(rule('from-lport')),
  ];
}

/** A VM's (or Pod's) port with its pinned address, and its membership in each of its SGs' port groups. */
function vmRows(o: KubeObject): NbRow[] {
  const a = attachmentOf(o);
  const pinned = a && pinnedAddress(a.podAnnotations);
  const port = logicalSwitchPort(o);
  if (!pinned || !port) return [];
  const groups = (providerAnnotation(a.podAnnotations, pinned.provider, 'security_groups') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return [{ kind: 'port', port, ip: pinned.ip }, ...groups.map((g): NbRow => ({ kind: 'member', portGroup: sgPortGroup(g), port }))];
}

/** Every row Kube-OVN writes for these objects and the run's additions to ovn-cluster. */
export function expectedRows(objects: readonly KubeObject[], ovnCluster?: OvnClusterPatch): NbRow[] {
  const rows: NbRow[] = [];
  if (ovnCluster) rows.push({ kind: 'router', router: DEFAULT_VPC }, ...vpcRows(DEFAULT_VPC, ovnCluster));
  for (const o of objects) {
    const name = o.metadata.name;
    if (o.kind === 'Vpc') rows.push({ kind: 'router', router: name }, ...vpcRows(name, (o.spec ?? {}) as VpcSpec));
    else if (o.kind === 'Subnet') rows.push(...subnetRows(name, o.spec as SubnetSpec));
    else if (o.kind === 'SecurityGroup') rows.push(...securityGroupRows(name, (o.spec ?? {}) as SgSpec));
    else if (o.kind === 'VirtualMachine' || o.kind === 'Pod') rows.push(...vmRows(o));
  }
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(rowKey(r)) && seen.add(rowKey(r)));
}

/** What the NB database must show after going from `previous` rows to `next` rows. */
export function expectation(previous: readonly NbRow[], next: readonly NbRow[]): NbExpectation {
  const wanted = new Set(next.map(rowKey));
  return { present: next, absent: previous.filter((r) => !wanted.has(rowKey(r))) };
}
