// Every bad input exits 2 and names the exact file:line:col and field path. A case's YAML marks
// the expected position with ‸ (removed before the file is written), so positions are not
// counted by hand.
import { expect, test } from '@playwright/test';
import { runCli, tempFile } from '../support/cli.ts';

const MARK = '‸';

const HEAD = `apiVersion: vpcheck/v1
kind: Topology
name: t
`;
const NETS = `networks:
  - name: n1
  - name: n2
`;
const VPCS = `vpcs:
  - name: v1
`;
const SUBNET = `subnets:
  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1 }
`;
const VMS = `vms:
  - { name: vm1, network: n1 }
`;
const ok = (over: Partial<Record<'head' | 'nets' | 'vpcs' | 'subnets' | 'vms', string>> = {}, tail = '') =>
  (over.head ?? HEAD) + (over.nets ?? NETS) + (over.vpcs ?? VPCS) + (over.subnets ?? SUBNET) + (over.vms ?? VMS) + tail;

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly path: string;
  readonly message: RegExp;
}

const cases: Case[] = [
  // Syntax and encoding
  { name: 'unclosed flow sequence', yaml: `${HEAD}networks: [ { name: n1 }\n‸`, path: '', message: /invalid YAML/ },
  { name: 'tab indentation', yaml: `${HEAD}networks:\n‸\t- name: n1\n`, path: '', message: /invalid YAML/ },
  { name: 'duplicate key', yaml: `apiVersion: vpcheck/v1\nkind: Topology\nname: t\n‸name: u\n`, path: '', message: /duplicate key/ },
  { name: 'list as a key', yaml: `${HEAD}networks:\n  - name: n1\n    ? ‸[a]\n    : x\n`, path: '', message: /a key must be a plain name, not a list or mapping/ },
  { name: 'mapping as a key', yaml: `${HEAD}networks: [ { name: n1, ‸{ a: 1 }: x } ]\n`, path: '', message: /a key must be a plain name/ },
  { name: 'empty file', yaml: `‸`, path: '', message: /file is empty/ },
  { name: 'only comments', yaml: `‸# nothing here\n# at all\n`, path: '', message: /no YAML content/ },
  { name: 'two documents', yaml: `${HEAD}‸---\nname: again\n`, path: '', message: /several YAML documents/ },
  { name: 'top level is a list', yaml: `‸- a\n- b\n`, path: '', message: /expected a mapping/ },
  { name: 'top level is a scalar', yaml: `‸hello\n`, path: '', message: /expected a mapping/ },
  { name: 'unknown tag', yaml: `${HEAD}description: ‸!custom x\n`, path: '', message: /invalid YAML/ },
  // Structure
  { name: 'missing apiVersion', yaml: `‸kind: Topology\nname: t\n`, path: 'apiVersion', message: /missing required field "apiVersion"/ },
  { name: 'missing name', yaml: `‸apiVersion: vpcheck/v1\nkind: Topology\n`, path: 'name', message: /missing required field "name"/ },
  { name: 'wrong apiVersion', yaml: `apiVersion: ‸vpcheck/v2\nkind: Topology\nname: t\n`, path: 'apiVersion', message: /must be "vpcheck\/v1"/ },
  { name: 'wrong kind', yaml: `apiVersion: vpcheck/v1\nkind: ‸Vpc\nname: t\n`, path: 'kind', message: /must be "Topology"/ },
  { name: 'unknown top-level field', yaml: `${HEAD}‸vpc: []\n`, path: 'vpc', message: /unknown field "vpc" \(did you mean "vpcs"\?\)/ },
  { name: 'unknown subnet field', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, ‸cidr: 10.0.0.0/24, cidrBlock: 10.0.0.0/24, provider: n1 }\n` }), path: 'subnets[0].cidr', message: /did you mean "cidrBlock"/ },
  { name: 'unknown VM field', yaml: ok({ vms: `vms:\n  - name: vm1\n    network: n1\n    ‸netwrk: n2\n` }), path: 'vms[0].netwrk', message: /unknown field "netwrk" \(did you mean "network"\?\)/ },
  { name: 'missing subnet provider', yaml: ok({ subnets: `subnets:\n  - ‸{ name: s1, vpc: v1, cidrBlock: 10.0.0.0/24 }\n` }), path: 'subnets[0].provider', message: /missing required field "provider"/ },
  { name: 'name is a number', yaml: ok({ nets: `networks:\n  - name: ‸42\n  - name: n1\n` }), path: 'networks[0].name', message: /expected a string, got number 42/ },
  { name: 'networks is a mapping', yaml: ok({ nets: `networks:\n  ‸n1: {}\n` }), path: 'networks', message: /expected a list, got a mapping/ },
  { name: 'natOutgoing is a string', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1, natOutgoing: ‸yes }\n` }), path: 'subnets[0].natOutgoing', message: /expected true or false, got "yes"/ },
  { name: 'private is a number', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1, private: ‸1 }\n` }), path: 'subnets[0].private', message: /expected true or false/ },
  { name: 'unknown platform', yaml: `${HEAD}platform: ‸openstack\n`, path: 'platform', message: /must be one of harvester, kube-ovn; got "openstack"/ },
  { name: 'route policy typo', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n    staticRoutes: [ { cidr: 10.1.0.0/16, nextHopIP: 10.0.0.9, policy: ‸policydst } ]\n` }), path: 'vpcs[0].staticRoutes[0].policy', message: /did you mean "policyDst"/ },
  { name: 'sg protocol typo', yaml: ok({}, `securityGroups:\n  - name: g\n    ingressRules: [ { protocol: ‸tcpp, policy: allow, priority: 1, remoteAddress: 10.0.0.0/8, portRangeMin: 1, portRangeMax: 2 } ]\n`), path: 'securityGroups[0].ingressRules[0].protocol', message: /must be one of all, icmp, tcp, udp/ },
  { name: 'sg priority is a string', yaml: ok({}, `securityGroups:\n  - name: g\n    egressRules: [ { protocol: icmp, policy: allow, priority: ‸"10", remoteAddress: 10.0.0.0/8 } ]\n`), path: 'securityGroups[0].egressRules[0].priority', message: /expected a whole number, got "10"/ },
  { name: 'listen without protocol', yaml: ok({ vms: `vms:\n  - { name: vm1, network: n1, listen: [ ‸"443" ] }\n` }), path: 'vms[0].listen[0]', message: /must look like "tcp\/443"/ },
  { name: 'expect outcome typo', yaml: ok({}, `expect:\n  - { from: vm1, to: internet, outcome: ‸unreachable }\n`), path: 'expect[0].outcome', message: /did you mean "network-unreachable"/ },
  { name: 'phase patch unknown field', yaml: ok({}, `phases:\n  - name: p\n    patch:\n      subnets: [ { name: s1, ‸privat: true } ]\n`), path: 'phases[0].patch.subnets[0].privat', message: /did you mean "private"/ },
  { name: 'phase that changes nothing', yaml: ok({}, `phases:\n  - ‸name: p\n`), path: 'phases[0]', message: /phase "p" changes nothing: give it remove:, add:, patch:, cutTunnels: or restoreTunnels:/ },
  // Names
  { name: 'upper-case topology name', yaml: `apiVersion: vpcheck/v1\nkind: Topology\nname: ‸MyLab\n`, path: 'name', message: /DNS-1123/ },
  { name: 'shell metacharacters in a VM name', yaml: ok({ vms: `vms:\n  - { name: ‸"vm1;rm -rf /", network: n1 }\n` }), path: 'vms[0].name', message: /not a DNS-1123 label/ },
  { name: 'path traversal in a network name', yaml: ok({ nets: `networks:\n  - name: ‸../etc\n  - name: n1\n` }), path: 'networks[0].name', message: /not a DNS-1123 label/ },
  { name: 'name too long', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n  - name: ‸${'a'.repeat(64)}\n` }), path: 'vpcs[1].name', message: /64 characters/ },
  { name: 'duplicate VM names', yaml: ok({ vms: `vms:\n  - { name: vm1, network: n1 }\n  - { name: ‸vm1, network: n1 }\n` }), path: 'vms[1].name', message: /duplicate name "vm1"/ },
  { name: 'duplicate subnet names', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1 }\n  - { name: ‸s1, vpc: v1, cidrBlock: 10.0.1.0/24, provider: n2 }\n` }), path: 'subnets[1].name', message: /duplicate name/ },
  { name: 'network namespace not a label', yaml: ok({ nets: `networks:\n  - { name: n1, namespace: ‸Default }\n  - name: n2\n`, vms: `vms: []\n`, subnets: `subnets: []\n` }), path: 'networks[0].namespace', message: /DNS-1123/ },
  { name: 'reserved subnet name', yaml: ok({ subnets: `subnets:\n  - { name: ‸join, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1 }\n` }), path: 'subnets[0].name', message: /reserved/ },
  { name: 'subnet named like its VPC', yaml: ok({ subnets: `subnets:\n  - { name: ‸v1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1 }\n` }), path: 'subnets[0].name', message: /has the name of a VPC/ },
  // References
  { name: 'unknown VPC', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: ‸v2, cidrBlock: 10.0.0.0/24, provider: n1 }\n` }), path: 'subnets[0].vpc', message: /no VPC named "v2" \(did you mean "v1"\?\)/ },
  { name: 'unknown provider', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: ‸n9 }\n` }), path: 'subnets[0].provider', message: /no network named "default\/n9"/ },
  { name: 'unknown VM network', yaml: ok({ vms: `vms:\n  - { name: vm1, network: ‸nx }\n` }), path: 'vms[0].network', message: /no network named "default\/nx"/ },
  { name: 'VM network without subnet', yaml: ok({ vms: `vms:\n  - { name: vm1, network: ‸n2 }\n` }), path: 'vms[0].network', message: /has no subnet/ },
  { name: 'unknown security group', yaml: ok({ vms: `vms:\n  - { name: vm1, network: n1, securityGroups: [ ‸web ] }\n` }), path: 'vms[0].securityGroups[0]', message: /no security group named "web"/ },
  { name: 'two subnets on one network', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1 }\n  - { name: s2, vpc: v1, cidrBlock: 10.0.1.0/24, provider: ‸n1 }\n` }), path: 'subnets[1].provider', message: /one subnet per network/ },
  { name: 'peering with unknown VPC', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n    vpcPeerings: [ { remoteVpc: ‸v3, localConnectIP: 169.254.0.1/30 } ]\n` }), path: 'vpcs[0].vpcPeerings[0].remoteVpc', message: /no VPC named "v3"/ },
  { name: 'peering with itself', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n    vpcPeerings: [ { remoteVpc: ‸v1, localConnectIP: 169.254.0.1/30 } ]\n` }), path: 'vpcs[0].vpcPeerings[0].remoteVpc', message: /cannot peer with itself/ },
  { name: 'unknown remote security group', yaml: ok({}, `securityGroups:\n  - name: g\n    ingressRules: [ { protocol: icmp, policy: allow, priority: 5, remoteType: securityGroup, remoteSecurityGroup: ‸other } ]\n`), path: 'securityGroups[0].ingressRules[0].remoteSecurityGroup', message: /no security group named "other"/ },
  // Addresses
  { name: 'cidrBlock with three octets', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: ‸10.0.0/24, provider: n1 }\n` }), path: 'subnets[0].cidrBlock', message: /not an IPv4 CIDR/ },
  { name: 'cidrBlock /33', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: ‸10.0.0.0/33, provider: n1 }\n` }), path: 'subnets[0].cidrBlock', message: /not an IPv4 CIDR/ },
  { name: 'cidrBlock /31 has no room', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: ‸10.0.0.0/31, provider: n1 }\n` }), path: 'subnets[0].cidrBlock', message: /leaves no room/ },
  { name: 'gateway outside the subnet', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, gateway: ‸10.0.1.1, provider: n1 }\n` }), path: 'subnets[0].gateway', message: /outside the subnet/ },
  { name: 'gateway is the network address', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, gateway: ‸10.0.0.0, provider: n1 }\n` }), path: 'subnets[0].gateway', message: /network or broadcast/ },
  { name: 'gateway is the broadcast address', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, gateway: ‸10.0.0.255, provider: n1 }\n` }), path: 'subnets[0].gateway', message: /network or broadcast/ },
  { name: 'gateway malformed', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, gateway: ‸10.0.0.300, provider: n1 }\n` }), path: 'subnets[0].gateway', message: /not an IPv4 address/ },
  { name: 'localConnectIP without prefix', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n    vpcPeerings: [ { remoteVpc: ovn-cluster, localConnectIP: ‸169.254.0.1 } ]\n` }), path: 'vpcs[0].vpcPeerings[0].localConnectIP', message: /not an IPv4 CIDR/ },
  { name: 'route cidr malformed', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n    staticRoutes: [ { cidr: ‸20.0.0.0/99, nextHopIP: 10.0.0.9 } ]\n` }), path: 'vpcs[0].staticRoutes[0].cidr', message: /neither an IPv4 CIDR nor an address/ },
  { name: 'nextHopIP malformed', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n    staticRoutes: [ { cidr: 20.0.0.0/16, nextHopIP: ‸169.254.0 } ]\n` }), path: 'vpcs[0].staticRoutes[0].nextHopIP', message: /not an IPv4 address/ },
  { name: 'VPC cidr malformed', yaml: ok({ vpcs: `vpcs:\n  - { name: v1, cidr: ‸10.0.0.0 }\n` }), path: 'vpcs[0].cidr', message: /not an IPv4 CIDR/ },
  { name: 'allowSubnets entry without prefix', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1, private: true, allowSubnets: [ ‸172.20.20.0 ] }\n` }), path: 'subnets[0].allowSubnets[0]', message: /allowSubnets entries are CIDRs/ },
  { name: 'excludeIps reversed range', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1, excludeIps: [ ‸10.0.0.20..10.0.0.10 ] }\n` }), path: 'subnets[0].excludeIps[0]', message: /ends before it starts/ },
  { name: 'excludeIps garbage', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1, excludeIps: [ ‸"10.0.0.1-10.0.0.5" ] }\n` }), path: 'subnets[0].excludeIps[0]', message: /not an IPv4 address/ },
  { name: 'VM address outside the subnet', yaml: ok({ vms: `vms:\n  - { name: vm1, network: n1, ip: ‸10.9.0.2 }\n` }), path: 'vms[0].ip', message: /outside subnet s1/ },
  { name: 'VM address is the gateway', yaml: ok({ vms: `vms:\n  - { name: vm1, network: n1, ip: ‸10.0.0.1 }\n` }), path: 'vms[0].ip', message: /is the gateway of subnet s1/ },
  { name: 'VM address is excluded', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1, excludeIps: [ 10.0.0.2..10.0.0.9 ] }\n`, vms: `vms:\n  - { name: vm1, network: n1, ip: ‸10.0.0.5 }\n` }), path: 'vms[0].ip', message: /in excludeIps/ },
  { name: 'VM address is the broadcast address', yaml: ok({ vms: `vms:\n  - { name: vm1, network: n1, ip: ‸10.0.0.255 }\n` }), path: 'vms[0].ip', message: /broadcast address/ },
  { name: 'two VMs with one address', yaml: ok({ vms: `vms:\n  - { name: vm1, network: n1, ip: 10.0.0.7 }\n  - { name: vm2, network: n1, ip: ‸10.0.0.7 }\n` }), path: 'vms[1].ip', message: /already the address of VM vm1/ },
  { name: 'VM address malformed', yaml: ok({ vms: `vms:\n  - { name: vm1, network: n1, ip: ‸"10.0.0.2/24" }\n` }), path: 'vms[0].ip', message: /not an IPv4 address/ },
  { name: 'overlapping subnets in one VPC', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/16, provider: n1 }\n  - { name: s2, vpc: v1, cidrBlock: ‸10.0.5.0/24, provider: n2 }\n` }), path: 'subnets[1].cidrBlock', message: /overlaps subnet s1/ },
  { name: 'ovn-cluster subnet overlapping join', yaml: ok({ subnets: `subnets:\n  - { name: s1, cidrBlock: ‸100.64.8.0/24, provider: n1 }\n` }), path: 'subnets[0].cidrBlock', message: /overlaps Kube-OVN's join subnet 100\.64\.0\.0\/16 in ovn-cluster/ },
  { name: 'subnet out of addresses', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/30, provider: n1 }\n`, vms: `vms:\n  - { name: vm1, network: n1 }\n  - { name: vm2, network: ‸n1 }\n` }), path: 'vms[1].network', message: /no free address for VM vm2/ },
  { name: 'sg remoteAddress malformed', yaml: ok({}, `securityGroups:\n  - name: g\n    ingressRules: [ { protocol: icmp, policy: allow, priority: 5, remoteAddress: ‸10.0.0.0/40 } ]\n`), path: 'securityGroups[0].ingressRules[0].remoteAddress', message: /neither an IPv4 address nor a CIDR/ },
  // Vpc policyRoutes: OVN's priority range, its match parser, Kube-OVN's reroute check
  { name: 'policy priority above 32767', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n    policyRoutes: [ { priority: ‸40000, match: "ip4.dst == 10.0.0.0/8", action: allow } ]\n` }), path: 'vpcs[0].policyRoutes[0].priority', message: /outside 0-32767/ },
  { name: 'policy match mixes && and ||', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n    policyRoutes: [ { priority: 100, match: "ip4.src == 10.0.0.0/8 && ip4.dst == 10.1.0.0/16 ‸|| ip4.dst == 10.2.0.0/16", action: drop } ]\n` }), path: 'vpcs[0].policyRoutes[0].match', message: /&& and \|\| must be parenthesized/ },
  { name: 'policy match cidr with host bits', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n    policyRoutes: [ { priority: 100, match: ip4.dst == ‸10.0.0.1/8, action: allow } ]\n` }), path: 'vpcs[0].policyRoutes[0].match', message: /1-bits outside its \/8 mask/ },
  { name: 'policy match unknown field', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n    policyRoutes: [ { priority: 100, match: "(‸tcp.dst == 80)", action: allow } ]\n` }), path: 'vpcs[0].policyRoutes[0].match', message: /unsupported field "tcp\.dst"/ },
  { name: 'policy match unclosed parenthesis', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n    policyRoutes: [ { priority: 100, match: "!(ip4.src == 10.0.0.0/8‸", action: allow } ]\n` }), path: 'vpcs[0].policyRoutes[0].match', message: /the match ends where "\)" should follow/ },
  { name: 'policy reroute without nextHopIP', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n    policyRoutes: [ ‸{ priority: 100, match: "ip4.dst == 10.0.0.0/8", action: reroute } ]\n` }), path: 'vpcs[0].policyRoutes[0]', message: /action reroute needs nextHopIP/ },
  { name: 'policy action unknown', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n    policyRoutes: [ { priority: 100, match: "ip4.dst == 10.0.0.0/8", action: ‸accept } ]\n` }), path: 'vpcs[0].policyRoutes[0].action', message: /must be one of allow, drop, reroute/ },
  { name: 'policy twice at one priority and match', yaml: ok({ vpcs: `vpcs:\n  - name: v1\n    policyRoutes:\n      - { priority: 100, match: "ip4.dst == 10.0.0.0/8", action: allow }\n      - { priority: 100, match: ‸"ip4.dst == 10.0.0.0/8", action: drop }\n` }), path: 'vpcs[0].policyRoutes[1].match', message: /already has a policy with priority 100 and this match/ },
  // DHCP (Kube-OVN Subnet enableDHCP, dhcpV4Options, mtu) and the KubeVirt binding
  { name: 'dhcpV4Options entry without "="', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1, enableDHCP: true, dhcpV4Options: "lease_time=60,‸dns_server" }\n` }), path: 'subnets[0].dhcpV4Options', message: /"dns_server" is not one "key=value"; Kube-OVN silently drops/ },
  { name: 'dhcpV4Options unknown key', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1, enableDHCP: true, dhcpV4Options: "‸Lease_Time=60" }\n` }), path: 'subnets[0].dhcpV4Options', message: /no DHCPv4 option "Lease_Time" \(did you mean "lease_time"\?\)/ },
  { name: 'dhcpV4Options empty entry', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1, enableDHCP: true, dhcpV4Options: "lease_time=60,‸,mtu=1300" }\n` }), path: 'subnets[0].dhcpV4Options', message: /empty entry/ },
  { name: 'dhcpV4Options mtu out of range', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1, enableDHCP: true, dhcpV4Options: "‸mtu=20" }\n` }), path: 'subnets[0].dhcpV4Options', message: /mtu=20: OVN wants an integer in 68-65535/ },
  { name: 'dhcpV4Options router not an address', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1, enableDHCP: true, dhcpV4Options: "lease_time=60, ‸router=10.0.0" }\n` }), path: 'subnets[0].dhcpV4Options', message: /router=10\.0\.0: not an IPv4 address/ },
  { name: 'subnet mtu below 68', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1, enableDHCP: true, mtu: ‸40 }\n` }), path: 'subnets[0].mtu', message: /mtu 40 is outside 68-65535/ },
  { name: 'enableDHCP is a string', yaml: ok({ subnets: `subnets:\n  - { name: s1, vpc: v1, cidrBlock: 10.0.0.0/24, provider: n1, enableDHCP: ‸"yes" }\n` }), path: 'subnets[0].enableDHCP', message: /expected true or false/ },
  { name: 'binding typo', yaml: ok({ vms: `vms:\n  - { name: vm1, network: n1, binding: ‸managedTap }\n` }), path: 'vms[0].binding', message: /did you mean "managedtap"/ },
  { name: 'phase sets a malformed dhcpV4Options', yaml: ok({}, `phases:\n  - name: p\n    patch:\n      subnets: [ { name: s1, enableDHCP: true, dhcpV4Options: "‸lease_time=abc" } ]\n`), path: 'phases[0].patch.subnets[0].dhcpV4Options', message: /lease_time=abc: OVN wants an integer/ },
  // Security group rules
  { name: 'sg priority 0', yaml: ok({}, `securityGroups:\n  - name: g\n    ingressRules: [ { protocol: icmp, policy: allow, priority: ‸0, remoteAddress: 10.0.0.0/8 } ]\n`), path: 'securityGroups[0].ingressRules[0].priority', message: /not in the range 1 to 200/ },
  { name: 'sg priority 500', yaml: ok({}, `securityGroups:\n  - name: g\n    ingressRules: [ { protocol: icmp, policy: allow, priority: ‸500, remoteAddress: 10.0.0.0/8 } ]\n`), path: 'securityGroups[0].ingressRules[0].priority', message: /not in the range 1 to 200/ },
  { name: 'tcp rule without ports', yaml: ok({}, `securityGroups:\n  - name: g\n    ingressRules: [ ‸{ protocol: tcp, policy: allow, priority: 5, remoteAddress: 10.0.0.0/8 } ]\n`), path: 'securityGroups[0].ingressRules[0]', message: /needs portRangeMin and portRangeMax/ },
  { name: 'reversed port range', yaml: ok({}, `securityGroups:\n  - name: g\n    ingressRules: [ { protocol: tcp, policy: allow, priority: 5, remoteAddress: 10.0.0.0/8, portRangeMin: ‸90, portRangeMax: 80 } ]\n`), path: 'securityGroups[0].ingressRules[0].portRangeMin', message: /port range 90-80 is invalid/ },
  { name: 'address rule without address', yaml: ok({}, `securityGroups:\n  - name: g\n    egressRules: [ ‸{ protocol: icmp, policy: allow, priority: 5 } ]\n`), path: 'securityGroups[0].egressRules[0]', message: /needs remoteAddress/ },
  { name: 'listen port out of range', yaml: ok({ vms: `vms:\n  - { name: vm1, network: n1, listen: [ ‸tcp/70000 ] }\n` }), path: 'vms[0].listen[0]', message: /port 70000 is not in 1-65535/ },
  // Probes and expectations
  { name: 'tcp probe from unknown VM', yaml: ok({}, `probes:\n  tcp: [ { from: ‸vm9, to: vm1, port: 22 } ]\n`), path: 'probes.tcp[0].from', message: /no VM named "vm9"/ },
  { name: 'tcp probe port 0', yaml: ok({}, `probes:\n  tcp: [ { from: vm1, to: vm1, port: ‸0 } ]\n`), path: 'probes.tcp[0].port', message: /port 0 is not in 1-65535/ },
  { name: 'icmp probe to garbage', yaml: ok({}, `probes:\n  icmp: [ { from: vm1, to: ‸"vm1 && reboot" } ]\n`), path: 'probes.icmp[0].to', message: /neither a VM/ },
  { name: 'expect from unknown VM', yaml: ok({}, `expect:\n  - { from: ‸vm2, to: internet, reachable: true }\n`), path: 'expect[0].from', message: /no VM named "vm2" \(did you mean "vm1"\?\)/ },
  { name: 'expect without verdict', yaml: ok({}, `expect:\n  - ‸{ from: vm1, to: internet }\n`), path: 'expect[0]', message: /needs reachable/ },
  { name: 'expect contradiction', yaml: ok({}, `expect:\n  - { from: vm1, to: internet, reachable: true, outcome: ‸timeout }\n`), path: 'expect[0].outcome', message: /contradicts reachable: true/ },
  { name: 'expect refused without port', yaml: ok({}, `expect:\n  - { from: vm1, to: internet, outcome: ‸refused }\n`), path: 'expect[0].outcome', message: /needs a port/ },
  // Phases
  { name: 'phase patches an unknown subnet', yaml: ok({}, `phases:\n  - name: p\n    patch:\n      subnets: [ { name: ‸s9, private: true } ]\n`), path: 'phases[0].patch.subnets[0].name', message: /no subnet named "s9" to patch/ },
  { name: 'phase name used twice', yaml: ok({}, `phases:\n  - { name: p, patch: {} }\n  - { name: ‸p, patch: {} }\n`), path: 'phases[1].name', message: /used twice/ },
  { name: 'phase sets a malformed CIDR', yaml: ok({}, `phases:\n  - name: p\n    patch:\n      subnets: [ { name: s1, cidrBlock: ‸10.0.0.0/40 } ]\n`), path: 'phases[0].patch.subnets[0].cidrBlock', message: /not an IPv4 CIDR/ },
  { name: 'phase points a VM at a network without subnet', yaml: ok({}, `phases:\n  - name: p\n    patch:\n      vms: [ { name: vm1, network: ‸n2 } ]\n`), path: 'phases[0].patch.vms[0].network', message: /has no subnet/ },
  { name: 'phase expect names an unknown VM', yaml: ok({}, `phases:\n  - name: p\n    patch: {}\n    expect: [ { from: ‸vmx, to: vm1, reachable: true } ]\n`), path: 'phases[0].expect[0].from', message: /no VM named "vmx"/ },
];

function place(yaml: string): { text: string; line: number; col: number } {
  const at = yaml.indexOf(MARK);
  if (at < 0) throw new Error('case without a position marker');
  const before = yaml.slice(0, at).split('\n');
  return { text: yaml.replace(MARK, ''), line: before.length, col: before[before.length - 1]!.length + 1 };
}

test.describe('bad inputs exit 2 with file:line:col and field path', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const { text, line, col } = place(c.yaml);
      const file = tempFile(text);
      const run = await runCli(['validate', file]);
      expect(run.code, run.err).toBe(2);
      const prefix = `${file}:${line}:${col}: error: ${c.path ? `${c.path}: ` : ''}`;
      const lines = run.err.split('\n').filter((l) => l.startsWith(prefix));
      expect(lines.length, `no line starting with ${prefix} in:\n${run.err}`).toBeGreaterThan(0);
      expect(lines.some((l) => c.message.test(l)), `no line matching ${c.message} in:\n${run.err}`).toBe(true);
    });
  }
});

test('at least 60 distinct bad inputs are covered', () => {
  expect(new Set(cases.map((c) => c.name)).size).toBeGreaterThanOrEqual(60);
});

test('bytes that are not UTF-8 name the offending line and column', async () => {
  const bytes = Buffer.concat([Buffer.from(`${HEAD}description: caf`), Buffer.from([0xe9, 0x20]), Buffer.from('\n')]);
  const file = tempFile(bytes);
  const run = await runCli(['validate', file]);
  expect(run.code).toBe(2);
  expect(run.err).toContain(`${file}:4:17: error: file is not valid UTF-8`);
});

test('a billion-laughs alias bomb is refused quickly', async () => {
  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  const file = tempFile(`${HEAD}description: x\nx-bomb:\n  ${levels.join('\n  ')}\n`);
  const run = await runCli(['validate', file]);
  expect(run.code).toBe(2);
  expect(run.err).toMatch(/too many alias expansions/);
});

test('a 10 MB file is refused without parsing', async () => {
  const file = tempFile(`${HEAD}description: "${'x'.repeat(10 * 1024 * 1024)}"\n`);
  const run = await runCli(['validate', file]);
  expect(run.code).toBe(2);
  expect(run.err).toContain(`${file}:1:1: error: file is 10.0 MiB; topology files are limited to 4 MiB`);
});

test('deeply nested input does not crash the loader', async () => {
  const file = tempFile(`${HEAD}description: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
  const run = await runCli(['validate', file]);
  expect(run.code).toBe(2);
  expect(run.err).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: error: `));
});

test('all errors of a file are reported at once', async () => {
  const file = tempFile(ok({ subnets: `subnets:\n  - { name: s1, vpc: v9, cidrBlock: 10.0.0.0/24, provider: n9 }\n`, vms: `vms:\n  - { name: VM1, network: n1 }\n` }));
  const run = await runCli(['validate', file]);
  expect(run.code).toBe(2);
  expect(run.err).toContain('subnets[0].vpc');
  expect(run.err).toContain('subnets[0].provider');
  expect(run.err).toContain('vms[0].name');
});

test('a file that does not exist is an error, not a crash', async () => {
  const run = await runCli(['validate', '/nonexistent/topology.yaml']);
  expect(run.code).toBe(2);
  expect(run.err).toContain('/nonexistent/topology.yaml:1:1: error: cannot read the file: no such file');
});
