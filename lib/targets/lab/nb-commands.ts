// Pure translation of a TopologySpec into OVN northbound rows the way Kube-OVN writes them. No
// I/O: the lab sends diffRows(previous, these) as one ovn-nbctl transaction (rows.ts).
import type { SecurityGroup, SecurityGroupRule, Subnet, TopologySpec } from '../../topology/types.ts';
import { DEFAULT_VPC, JOIN_CIDR } from '../../topology/types.ts';
import type { Addressed } from '../../topology/addresses.ts';
import { parsePrefix } from '../../net/ipv4.ts';
import { addressSets } from '../../topology/address-sets.ts';
import { renameSets } from '../../topology/ovn-match.ts';
import { routerNetworks } from '../../topology/validate-policies.ts';
import { EXTERNAL_ID, JOIN_GATEWAY, NODE_JOIN_IP, NODE_UPLINK_IP, shortHash, type RunNames } from './names.ts';
import { rankLikeKubeOvn } from './route-ranking.ts';
import type { Command as NbCommand, Row as NbRow } from './rows.ts';


// Kube-OVN's priorities: pkg/util/const.go (SubnetRouterPolicyPriority, GatewayRouterPolicyPriority,
// DefaultDropPriority, SubnetAllowPriority, NodeAllowPriority, SecurityGroup*Priority).
export const PRIORITY = {
  subnetRouterPolicy: 31000,
  nodeRouterPolicy: 30000,
  gatewayRouterPolicy: 29000,
  privateDrop: 1000,
  privateAllow: 1001,
  nodeAllow: 3000,
  sgHighest: 2300,
  sgBase: 2005,
  sgSameGroup: 2004,
  sgDenyAll: 2003,
} as const;

/** The NB rows of one topology, in creation order (parents first). */
export function nbRows(spec: TopologySpec, names: RunNames, addresses: ReadonlyMap<string, Addressed>): NbRow[] {
  const sets = addressSets(spec);
  // A match's address-set name, Kube-OVN's, as the run's: unknown names stay unknown (run-prefixed).
  const labAddressSet = (name: string) => {
    const owner = sets.get(name);
    if (!owner) return names.addressSet(name);
    return owner.kind === 'sg' ? names.sgAddressSet(owner.name) : `${names.subnetNodePortGroup(owner.name)}_ip4`;
  };
  const rows = new Map<string, NbRow>();
  const add = (row: NbRow) => rows.set(row.id, row);
  const owned = (table: string, name: string, extra: string[] = []): NbCommand =>
    ['set', table, name, `external_ids:${EXTERNAL_ID}=${names.runId}`, ...extra];

  // pkg/controller/vpc.go createVpcRouter: a VPC is a logical router.
  for (const vpc of spec.vpcs) {
    const r = names.router(vpc.name);
    add({ id: `lr:${vpc.name}`, parents: [], create: [['lr-add', r], owned('Logical_Router', r, [`external_ids:vpc=${vpc.name}`])], remove: [['--if-exists', 'lr-del', r]] });
  }
  addJoin(names, add);
  for (const subnet of spec.subnets) addSubnet(subnet, names, add, owned);
  for (const vpc of spec.vpcs) {
    const r = names.router(vpc.name);
    // pkg/ovs/ovn-nb-logical_router_port.go CreatePeerRouterPort: "<vpc>-<remote>" peered to "<remote>-<vpc>".
    for (const p of vpc.vpcPeerings) {
      const lrp = names.peerLrp(vpc.name, p.remoteVpc);
      add({
        id: `peer:${vpc.name}:${p.remoteVpc}:${p.localConnectIP}`, parents: [`lr:${vpc.name}`],
        create: [['lrp-add', r, lrp, names.mac('lrp', lrp), p.localConnectIP, `peer=${names.peerLrp(p.remoteVpc, vpc.name)}`]],
        remove: [['--if-exists', 'lrp-del', lrp]],
      });
    }
    // pkg/controller/vpc.go: convertPolicy maps policyDst -> dst-ip, policySrc -> src-ip; the
    // src-ip ones are ranked as Kube-OVN's OVN ranks them (route-ranking.ts).
    const statics = [...vpc.staticRoutes];
    // kube-ovn v1.13.13 pkg/controller/node.go addNodeGatewayStaticRoute: ovn-cluster's default
    // route via the join gateway 100.64.0.1 (its own join port): traffic reaches the node only
    // through the policies below.
    if (vpc.name === DEFAULT_VPC) statics.push({ cidr: '0.0.0.0/0', nextHopIP: JOIN_GATEWAY, policy: 'policyDst' });
    const ranked = rankLikeKubeOvn(routerNetworks(spec, vpc), statics);
    for (const route of ranked.dstRoutes) add(staticRoute(vpc.name, r, 'dst-ip', route.cidr, route.nextHopIP));
    for (const p of ranked.policies) add(routerPolicy(vpc.name, r, p.priority, p.match, p.action, p.nextHopIP));
    // Vpc spec.policyRoutes, as written; address-set names become the run's own.
    for (const p of vpc.policyRoutes) add(routerPolicy(vpc.name, r, p.priority, renameSets(p.match, (n) => labAddressSet(n)), p.action, p.nextHopIP));
  }
  for (const [vm, a] of addresses) {
    const lsp = names.vmLsp(vm);
    add({
      id: `vm:${vm}`, parents: [`ls:${a.subnet.name}`],
      create: [['lsp-add', names.switch(a.subnet.name), lsp], ['lsp-set-addresses', lsp, `${names.mac('vm', vm)} ${a.ip}`], owned('Logical_Switch_Port', lsp, [`external_ids:vm=${vm}`])],
      remove: [['--if-exists', 'lsp-del', lsp]],
    });
  }
  // A NAT gateway's LAN leg, as Kube-OVN's pod on the gateway's subnet with the lanIp: a plain
  // port with no port security, so the sources it forwards pass.
  for (const gw of spec.natGateways) {
    const lsp = names.natGatewayLsp(gw.name);
    add({
      id: `natgw:${gw.name}`, parents: [`ls:${gw.subnet}`],
      create: [['lsp-add', names.switch(gw.subnet), lsp], ['lsp-set-addresses', lsp, `${names.mac('natgw', gw.name)} ${gw.lanIp}`], owned('Logical_Switch_Port', lsp, [`external_ids:vpc-nat-gw=${gw.name}`])],
      remove: [['--if-exists', 'lsp-del', lsp]],
    });
  }
  addNodePolicies(spec, names, addresses, add, owned);
  for (const sg of spec.securityGroups) addSecurityGroup(sg, spec, names, addresses, add, owned);
  addDenyAll(spec, names, addresses, add, owned);
  return [...rows.values()];
}

type Add = (row: NbRow) => void;
type Owned = (table: string, name: string, extra?: string[]) => NbCommand;

function staticRoute(vpc: string, router: string, policy: string, cidr: string, nextHop: string): NbRow {
  return {
    id: `route:${vpc}:${policy}:${cidr}:${nextHop}`, parents: [`lr:${vpc}`],
    create: [[`--policy=${policy}`, '--ecmp', 'lr-route-add', router, cidr, nextHop]],
    remove: [['--if-exists', `--policy=${policy}`, 'lr-route-del', router, cidr, nextHop]],
  };
}

/**
 * A Logical_Router_Policy row. Written with `create` rather than lr-policy-add: a phase that
 * changes a policy deletes and adds one of the same priority and match in one transaction, and
 * lr-policy-add's duplicate check still sees the deleted row there ("Same routing policy
 * already existed").
 */
function routerPolicy(vpc: string, router: string, priority: number, match: string, action: string, nextHop?: string): NbRow {
  const id = `policy:${vpc}:${priority}:${match}`;
  const ref = `@p${shortHash(id).slice(0, 12)}`;
  const hops = action === 'reroute' && nextHop ? [`nexthops=${ovsdbString(nextHop)}`] : [];
  return {
    id, parents: [`lr:${vpc}`],
    create: [[`--id=${ref}`, 'create', 'Logical_Router_Policy', `priority=${priority}`, `match=${ovsdbString(match)}`, `action=${action}`, ...hops], ['add', 'Logical_Router', router, 'policies', ref]],
    remove: [['--if-exists', 'lr-policy-del', router, String(priority), match]],
  };
}

/** An OVSDB string atom as ovn-nbctl's database commands parse it. */
function ovsdbString(text: string): string {
  return JSON.stringify(text);
}

/** pkg/controller/subnet.go addCommonRoutesForSubnet: `ip4.dst == <cidr>` allow at 31000. */
function subnetPolicy(vpc: string, router: string, cidr: string): NbRow {
  return routerPolicy(vpc, router, PRIORITY.subnetRouterPolicy, `ip4.dst == ${cidr}`, 'allow');
}

/**
 * ovn-cluster's ways to the node (kube-ovn v1.13.13): 31000 allow for the join subnet (init.go
 * initNodeSwitch creates it as a subnet of ovn-cluster); 30000 `ip4.dst == <node IP>` reroute to
 * the node's join address (node.go handleAddNode); per subnet a port group "<subnet>.<node>" of
 * its ports on the node and 29000 `ip4.src == $<pg>_ip4` reroute to the node's join address
 * (subnet.go createPortGroupForDistributedSubnet, addPolicyRouteForDistributedSubnet), whether
 * natOutgoing is on or not. OVN derives the address set "<pg>_ip4" from the ports' addresses.
 */
function addNodePolicies(spec: TopologySpec, names: RunNames, addresses: ReadonlyMap<string, Addressed>, add: Add, owned: Owned): void {
  const r = names.router(DEFAULT_VPC);
  add(subnetPolicy(DEFAULT_VPC, r, JOIN_CIDR));
  add(routerPolicy(DEFAULT_VPC, r, PRIORITY.nodeRouterPolicy, `ip4.dst == ${NODE_UPLINK_IP}`, 'reroute', NODE_JOIN_IP));
  for (const subnet of spec.subnets.filter((s) => s.vpc === DEFAULT_VPC)) {
    const vms = [...addresses.values()].filter((a) => a.subnet.name === subnet.name).map((a) => a.vm.name);
    const pg = names.subnetNodePortGroup(subnet.name);
    const id = `pg:${subnet.name}.node`;
    add(portGroup(id, pg, vms.map((vm) => names.vmLsp(vm)), vms.map((vm) => `vm:${vm}`), owned));
    // The policy names the address set, not the group: it stays when the group's ports change.
    add(routerPolicy(DEFAULT_VPC, r, PRIORITY.gatewayRouterPolicy, `ip4.src == $${pg}_ip4`, 'reroute', NODE_JOIN_IP));
  }
}

/** Router port plus router-type switch port, as Kube-OVN connects a subnet to its VPC. */
function attach(id: string, parents: string[], router: string, sw: string, lrp: string, lsp: string, mac: string, network: string): NbRow {
  return {
    id, parents,
    create: [
      ['lrp-add', router, lrp, mac, network],
      ['lsp-add', sw, lsp], ['lsp-set-type', lsp, 'router'], ['lsp-set-addresses', lsp, 'router'], ['lsp-set-options', lsp, `router-port=${lrp}`],
    ],
    remove: [['--if-exists', 'lrp-del', lrp], ['--if-exists', 'lsp-del', lsp]],
  };
}

/** The join switch 100.64.0.0/16: router port 100.64.0.1 on ovn-cluster, the node's ovn0 at .2. */
function addJoin(names: RunNames, add: Add): void {
  const sw = names.joinSwitch();
  const len = parsePrefix(JOIN_CIDR).length;
  add({ id: 'ls:_join', parents: [], create: [['ls-add', sw], ['set', 'Logical_Switch', sw, `external_ids:${EXTERNAL_ID}=${names.runId}`]], remove: [['--if-exists', 'ls-del', sw]] });
  add(attach('attach:_join', ['ls:_join', `lr:${DEFAULT_VPC}`], names.router(DEFAULT_VPC), sw, names.joinLrp(), names.joinLsp(), names.mac('lrp', 'join'), `${JOIN_GATEWAY}/${len}`));
  const node = names.nodeLsp();
  add({ id: 'node', parents: ['ls:_join'], create: [['lsp-add', sw, node], ['lsp-set-addresses', node, `${names.mac('node', 'ovn0')} ${NODE_JOIN_IP}`]], remove: [['--if-exists', 'lsp-del', node]] });
}

function addSubnet(subnet: Subnet, names: RunNames, add: Add, owned: Owned): void {
  const sw = names.switch(subnet.name);
  const r = names.router(subnet.vpc);
  const ls = `ls:${subnet.name}`;
  const lr = `lr:${subnet.vpc}`;
  add({ id: ls, parents: [], create: [['ls-add', sw], owned('Logical_Switch', sw, [`external_ids:subnet=${subnet.name}`])], remove: [['--if-exists', 'ls-del', sw]] });
  const lrp = names.subnetLrp(subnet.vpc, subnet.name);
  const network = `${subnet.gateway}/${parsePrefix(subnet.cidrBlock).length}`;
  add(attach(`attach:${subnet.name}:${subnet.vpc}`, [ls, lr], r, sw, lrp, names.subnetLsp(subnet.vpc, subnet.name), names.mac('lrp', lrp), network));
  add(subnetPolicy(subnet.vpc, r, subnet.cidrBlock));
  if (!subnet.private) return;
  // pkg/ovs/ovn-nb-acl.go SetLogicalSwitchPrivate: all to-lport, stateful.
  const cidr = subnet.cidrBlock;
  const acls: [number, string, string][] = [
    [PRIORITY.privateDrop, 'ip', 'drop'],
    [PRIORITY.privateAllow, `ip4.src == ${cidr} && ip4.dst == ${cidr}`, 'allow-related'],
    ...subnet.allowSubnets.map((allow): [number, string, string] =>
      [PRIORITY.privateAllow, `(ip4.src == ${cidr} && ip4.dst == ${allow}) || (ip4.src == ${allow} && ip4.dst == ${cidr})`, 'allow-related']),
    [PRIORITY.nodeAllow, `ip4.src == ${JOIN_CIDR}`, 'allow-related'],
  ];
  for (const [prio, match, action] of acls) add(acl(ls, 'switch', sw, 'to-lport', prio, match, action));
}

function acl(parent: string, type: 'switch' | 'port-group', entity: string, direction: string, priority: number, match: string, action: string): NbRow {
  return {
    id: `acl:${entity}:${direction}:${priority}:${match}`, parents: [parent],
    create: [[`--type=${type}`, 'acl-add', entity, direction, String(priority), match, action]],
    remove: [[`--type=${type}`, 'acl-del', entity, direction, String(priority), match]],
  };
}

function members(spec: TopologySpec, addresses: ReadonlyMap<string, Addressed>, sg?: string): string[] {
  return spec.vms.filter((vm) => addresses.has(vm.name) && (sg === undefined ? vm.securityGroups.length > 0 : vm.securityGroups.includes(sg))).map((vm) => vm.name);
}

function portGroup(id: string, pg: string, ports: string[], parents: string[], owned: Owned): NbRow {
  return { id, parents, create: [['pg-add', pg, ...ports], owned('Port_Group', pg)], remove: [['--if-exists', 'destroy', 'Port_Group', pg]] };
}

/** pkg/controller/security_group.go + pkg/ovs/ovn-nb-acl.go: port group, address set, rule ACLs. */
function addSecurityGroup(sg: SecurityGroup, spec: TopologySpec, names: RunNames, addresses: ReadonlyMap<string, Addressed>, add: Add, owned: Owned): void {
  const vms = members(spec, addresses, sg.name);
  const pg = names.sgPortGroup(sg.name);
  const as = names.sgAddressSet(sg.name);
  const id = `pg:${sg.name}`;
  const ips = vms.map((vm) => `"${addresses.get(vm)!.ip}"`).join(',');
  add({
    id: `as:${sg.name}`, parents: [],
    create: [['create', 'Address_Set', `name=${as}`, `addresses=[${ips}]`, `external_ids:${EXTERNAL_ID}=${names.runId}`]],
    remove: [['--if-exists', 'destroy', 'Address_Set', as]],
  });
  add(portGroup(id, pg, vms.map((vm) => names.vmLsp(vm)), vms.map((vm) => `vm:${vm}`), owned));
  const base = [['to-lport', `outport == @${pg} && arp`], ['from-lport', `inport == @${pg} && arp`]];
  for (const [dir, match] of base) add(acl(id, 'port-group', pg, dir!, PRIORITY.sgBase, match!, 'allow-related'));
  if (sg.allowSameGroupTraffic) {
    add(acl(id, 'port-group', pg, 'to-lport', PRIORITY.sgSameGroup, `outport == @${pg} && ip4 && ip4.src == $${as}`, 'allow-related'));
    add(acl(id, 'port-group', pg, 'from-lport', PRIORITY.sgSameGroup, `inport == @${pg} && ip4 && ip4.dst == $${as}`, 'allow-related'));
  }
  const rule = (r: SecurityGroupRule, ingress: boolean) => {
    const remote = r.remoteType === 'address' ? r.remoteAddress! : `$${names.sgAddressSet(r.remoteSecurityGroup!)}`;
    const head = ingress ? `outport == @${pg} && ip4 && ip4.src == ${remote}` : `inport == @${pg} && ip4 && ip4.dst == ${remote}`;
    const match = [head, ...protocolMatch(r)].join(' && ');
    add(acl(id, 'port-group', pg, ingress ? 'to-lport' : 'from-lport', PRIORITY.sgHighest - r.priority, match, r.policy === 'allow' ? 'allow-related' : 'drop'));
  };
  sg.ingressRules.forEach((r) => rule(r, true));
  sg.egressRules.forEach((r) => rule(r, false));
}

function protocolMatch(r: SecurityGroupRule): string[] {
  if (r.protocol === 'all') return [];
  if (r.protocol === 'icmp') return ['icmp4'];
  const p = r.protocol;
  return [p, `${p}.dst >= ${r.portRangeMin ?? 1}`, `${p}.dst <= ${r.portRangeMax ?? 65535}`];
}

/** pkg/ovs/ovn-nb-acl.go CreateSgDenyAllACL: every port in any SG drops `ip` both ways at 2003. */
function addDenyAll(spec: TopologySpec, names: RunNames, addresses: ReadonlyMap<string, Addressed>, add: Add, owned: Owned): void {
  const vms = members(spec, addresses);
  if (vms.length === 0) return;
  const pg = names.denyAllPortGroup();
  add(portGroup('pg:_deny_all', pg, vms.map((vm) => names.vmLsp(vm)), vms.map((vm) => `vm:${vm}`), owned));
  add(acl('pg:_deny_all', 'port-group', pg, 'to-lport', PRIORITY.sgDenyAll, `outport == @${pg} && ip`, 'drop'));
  add(acl('pg:_deny_all', 'port-group', pg, 'from-lport', PRIORITY.sgDenyAll, `inport == @${pg} && ip`, 'drop'));
}

/** One ovn-nbctl argument list: the commands of a single transaction, separated by "--". */
export function transaction(commands: readonly NbCommand[]): string[] {
  return commands.flatMap((c) => ['--', ...c]);
}
