// A run's objects as the Harvester renderer writes them (one Vpc with a peering and two routes, a
// private Subnet, a SecurityGroup, one VM in it), and what ovn-nbctl 23.03 printed for readiness's
// two calls against a northbound DB holding them partly: captured from real ovn-nbctl, with the
// private subnet's 3000 allow and the group's 2005 ARP allows not written yet, and a route
// 30.0.0.0/16 an earlier phase had.
import type { KubeObject } from '../../lib/k8s/resources.ts';

export const OBJECTS: KubeObject[] = [
  { apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name: 'r1-vpc' }, spec: {
    vpcPeerings: [{ remoteVpc: 'r1-v2', localConnectIP: '169.254.0.1/30' }],
    staticRoutes: [{ cidr: '20.0.0.0/16', nextHopIP: '169.254.0.2', policy: 'policyDst' }, { cidr: '10.0.0.0/24', nextHopIP: '10.0.0.1', policy: 'policySrc' }],
  } },
  { apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name: 'r1-s1' }, spec: { vpc: 'r1-vpc', cidrBlock: '10.0.0.0/24', gateway: '10.0.0.1', provider: 'n1.default.ovn', private: true, allowSubnets: [] } },
  { apiVersion: 'kubeovn.io/v1', kind: 'SecurityGroup', metadata: { name: 'r1-web' }, spec: {
    allowSameGroupTraffic: false,
    ingressRules: [{ ipVersion: 'ipv4', protocol: 'tcp', priority: 10, remoteType: 'address', remoteAddress: '10.2.0.0/16', portRangeMin: 443, portRangeMax: 443, policy: 'allow' }],
    egressRules: [],
  } },
  { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'vm1', namespace: 'default' }, spec: { template: {
    metadata: { annotations: { 'n1.default.ovn.kubernetes.io/ip_address': '10.0.0.2', 'n1.default.ovn.kubernetes.io/security_groups': 'r1-web' } },
    spec: { networks: [{ name: 'nic-1', multus: { networkName: 'default/n1' } }] },
  } } },
];

/** stdout of the first call (findCommand): one table per name looked up. */
export const FIND_OUTPUT = [
  '{"data":[[["uuid","605272f4-49cd-4eec-a017-f76472a0b1d5"],"r1-vpc",["set",[["uuid","93ef2315-4e9d-462f-ae4a-64d30e858135"],["uuid","cd03d3c2-7efd-49e9-bdaf-f756e803f10e"]]],["set",[["uuid","42b6d9e3-51be-4daf-af18-5ae5b515352c"],["uuid","b582e908-a71c-4354-8916-d57f652ea383"],["uuid","ecf8d9c4-12fd-4c99-b7cc-ea0821fc34b8"]]],["set",[["uuid","1f662133-6a4f-43b0-8e58-ac79eee40d19"],["uuid","ca2f5c2c-9d87-4ce7-bc69-3f8fb3979fd5"]]]]],"headings":["_uuid","name","ports","static_routes","policies"]}',
  '{"data":[[["uuid","db6b1c45-0f6c-4eee-89ac-5305f845fd72"],"r1-s1",["set",[["uuid","4d58e3da-a58c-4171-9f48-f4e34fb19117"],["uuid","8e94cb1f-0eed-480e-b637-6b48bee745c9"]]]]],"headings":["_uuid","name","acls"]}',
  '{"data":[[["uuid","cfb67a86-f43a-415e-9234-5164d5db05cb"],"ovn.sg.r1.web",["uuid","cc0d166d-bc32-43f2-a8f2-b48c189d5cce"],["uuid","8c887fb0-3901-4bc2-9c59-194b672722b8"]]],"headings":["_uuid","name","ports","acls"]}',
  '{"data":[[["uuid","cc0d166d-bc32-43f2-a8f2-b48c189d5cce"],"vm1.default.n1.default.ovn","0a:00:00:00:00:03 10.0.0.2"]],"headings":["_uuid","name","addresses"]}',
].join('\n') + '\n';

/** stdout of the second call (listCommand): router ports, static routes, policies, ACLs. */
export const LIST_OUTPUT = [
  '{"data":[[["uuid","93ef2315-4e9d-462f-ae4a-64d30e858135"],"10.0.0.1/24",["set",[]]],[["uuid","cd03d3c2-7efd-49e9-bdaf-f756e803f10e"],"169.254.0.1/30","r1-v2-r1-vpc"]],"headings":["_uuid","networks","peer"]}',
  '{"data":[[["uuid","42b6d9e3-51be-4daf-af18-5ae5b515352c"],"30.0.0.0/16","169.254.0.2","dst-ip"],[["uuid","b582e908-a71c-4354-8916-d57f652ea383"],"20.0.0.0/16","169.254.0.2","dst-ip"],[["uuid","ecf8d9c4-12fd-4c99-b7cc-ea0821fc34b8"],"10.0.0.0/24","10.0.0.1","src-ip"]],"headings":["_uuid","ip_prefix","nexthop","policy"]}',
  '{"data":[[["uuid","1f662133-6a4f-43b0-8e58-ac79eee40d19"],31000,"ip4.dst == 10.0.0.0/24","allow"],[["uuid","ca2f5c2c-9d87-4ce7-bc69-3f8fb3979fd5"],29000,"ip4.src == 10.0.0.0/24","reroute"]],"headings":["_uuid","priority","match","action"]}',
  '{"data":[[["uuid","4d58e3da-a58c-4171-9f48-f4e34fb19117"],"to-lport",1001,"ip4.src == 10.0.0.0/24 && ip4.dst == 10.0.0.0/24","allow-related"],[["uuid","8e94cb1f-0eed-480e-b637-6b48bee745c9"],"to-lport",1000,"ip","drop"],[["uuid","8c887fb0-3901-4bc2-9c59-194b672722b8"],"to-lport",2290,"outport == @ovn.sg.r1.web && ip4 && ip4.src == 10.2.0.0/16","allow-related"]],"headings":["_uuid","direction","priority","match","action"]}',
].join('\n') + '\n';
