// Pure translation of a TopologySpec into OVN northbound rows the way Kube-OVN writes them. No
// I/O: the lab sends diffRows(previous, these) as one ovn-nbctl transaction (rows.ts).
import type { SecurityGroup, SecurityGroupRule, Subnet, TopologySpec } from '../../topology/types.ts';
import { DEFAULT_VPC, JOIN_CIDR } from '../../topology/types.ts';
import type { Addressed } from '../../model/ipam.ts';
import { contains, parseIPv4, parsePrefix } from '../../net/ipv4.ts';
import { EXTERNAL_ID, JOIN_GATEWAY, NODE_JOIN_IP, type RunNames } from './names.ts';
import type { Command as NbCommand, Row as NbRow } from './rows.ts';


// Kube-OVN's priorities: pkg/util/const.go (SubnetRouterPolicyPriority, GatewayRouterPolicyPriority,
// DefaultDropPriority, SubnetAllowPriority, NodeAllowPriority, SecurityGroup*Priority).
export const PRIORITY = {
  subnetRouterPolicy: 31000,
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
    // pkg/controller/vpc.go: convertPolicy maps policyDst -> dst-ip, anything else -> src-ip.
    for (const route of vpc.staticRoutes) {
      const policy = route.policy === 'policyDst' ? 'dst-ip' : 'src-ip';
      add(staticRoute(vpc.name, r, policy, route.cidr, route.nextHopIP));
      const viaPeering = vpc.vpcPeerings.some((p) => contains(parsePrefix(p.localConnectIP), parseIPv4(route.nextHopIP)));
      // On platform kube-ovn the peering with ovn-cluster is expected to follow its routes: an
      // allow above the 29000 reroute, the policyRoutes workaround of kubeovn/kube-ovn#3102.
      if (spec.platform === 'kube-ovn' && vpc.name === DEFAULT_VPC && viaPeering) add(subnetPolicy(vpc.name, r, route.cidr));
    }
  }
  // The default route of ovn-cluster towards the node (pkg/controller/vpc.go auto routes).
  add(staticRoute(DEFAULT_VPC, names.router(DEFAULT_VPC), 'dst-ip', '0.0.0.0/0', NODE_JOIN_IP));
  for (const [vm, a] of addresses) {
    const lsp = names.vmLsp(vm);
    add({
      id: `vm:${vm}`, parents: [`ls:${a.subnet.name}`],
      create: [['lsp-add', names.switch(a.subnet.name), lsp], ['lsp-set-addresses', lsp, `${names.mac('vm', vm)} ${a.ip}`], owned('Logical_Switch_Port', lsp, [`external_ids:vm=${vm}`])],
      remove: [['--if-exists', 'lsp-del', lsp]],
    });
  }
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

/** pkg/controller/subnet.go addCommonRoutesForSubnet: `ip4.dst == <cidr>` allow at 31000. */
function subnetPolicy(vpc: string, router: string, cidr: string): NbRow {
  const match = `ip4.dst == ${cidr}`;
  return {
    id: `policy:${vpc}:${PRIORITY.subnetRouterPolicy}:${cidr}`, parents: [`lr:${vpc}`],
    create: [['lr-policy-add', router, String(PRIORITY.subnetRouterPolicy), match, 'allow']],
    remove: [['lr-policy-del', router, String(PRIORITY.subnetRouterPolicy), match]],
  };
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
  if (subnet.vpc === DEFAULT_VPC) {
    // pkg/controller/subnet.go addPolicyRouteForDistributedSubnet: ovn-cluster subnets leave via the node.
    const match = `ip4.src == ${subnet.cidrBlock}`;
    add({
      id: `policy:${DEFAULT_VPC}:${PRIORITY.gatewayRouterPolicy}:${subnet.cidrBlock}`, parents: [lr],
      create: [['lr-policy-add', r, String(PRIORITY.gatewayRouterPolicy), match, 'reroute', NODE_JOIN_IP]],
      remove: [['lr-policy-del', r, String(PRIORITY.gatewayRouterPolicy), match]],
    });
  }
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
