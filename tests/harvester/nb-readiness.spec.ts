// Readiness that means "programmed", without I/O: the NB rows Kube-OVN writes for a run's objects
// (nb-expect.ts), what real ovn-nbctl output says is there (nb-state.ts, fixture captured from
// ovn-nbctl 23.03), and the two waiting loops (programmed.ts) with scripted reads and observations.
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { ExecResult } from '../../lib/k8s/pod-exec.ts';
import { describeRow, expectation, expectedRows, matchAddresses, rowCounts, sgPortGroup, type NbRow } from '../../lib/targets/k8s-common/nb-expect.ts';
import { findCommand, holds, listCommand, namedRows, nbState, parseFound, parseTables, setOf, unmet, type NbState } from '../../lib/targets/k8s-common/nb-state.ts';
import { NotReady, Unreadable, waitProgrammed, waitStable } from '../../lib/targets/k8s-common/programmed.ts';
import { isReady } from '../../lib/targets/k8s-common/ready.ts';
import { render } from '../../lib/targets/harvester/render.ts';
import { renderPods } from '../../lib/targets/kubeovn/render.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import { FIND_OUTPUT, LIST_OUTPUT, OBJECTS } from './nb-fixture.ts';

const ROWS = expectedRows(OBJECTS);
const described = (rows: readonly NbRow[]) => rows.map(describeRow);
const fixtureState = (): NbState => {
  const named = namedRows(expectation([], ROWS));
  return nbState(parseFound(named, FIND_OUTPUT), LIST_OUTPUT);
};

test('the rows Kube-OVN writes for a Vpc, a private Subnet, a SecurityGroup and a VM in it', () => {
  expect(described(ROWS)).toEqual([
    'logical router r1-vpc',
    'peering router port 169.254.0.1/30 on r1-vpc',
    'static route dst-ip 20.0.0.0/16 via 169.254.0.2 on r1-vpc',
    'static route src-ip 10.0.0.0/24 via 10.0.0.1 on r1-vpc',
    'logical switch r1-s1',
    'router port 10.0.0.1/24 on r1-vpc',
    'router policy 31000 "ip4.dst == 10.0.0.0/24" allow on r1-vpc',
    'ACL to-lport 1000 drop (no address) on switch r1-s1',
    'ACL to-lport 1001 allow-related (10.0.0.0/24) on switch r1-s1',
    'ACL to-lport 3000 allow-related on switch r1-s1',
    'port group ovn.sg.r1.web',
    'ACL to-lport 2005 allow-related (no address) on port group ovn.sg.r1.web',
    'ACL from-lport 2005 allow-related (no address) on port group ovn.sg.r1.web',
    'ACL to-lport 2290 allow-related (10.2.0.0/16) on port group ovn.sg.r1.web',
    'logical switch port vm1.default.n1.default.ovn with 10.0.0.2',
    'port vm1.default.n1.default.ovn in port group ovn.sg.r1.web',
  ]);
  expect(rowCounts(ROWS)).toBe('1 router, 2 static routes, 1 router policy, 2 router ports, 1 switch, 3 subnet ACLs, 1 port group, 3 security-group ACLs, 1 VM port, 1 port-group membership');
  expect(rowCounts([])).toBe('no rows');
});

test('variants: ovn-cluster additions, policyRoutes, a route without policy, allowSubnets, same-group traffic, egress and remote-group rules, a Pod on the primary network', () => {
  const rows = expectedRows([
    { apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name: 'v' }, spec: { staticRoutes: [{ cidr: '0.0.0.0/0', nextHopIP: '10.1.0.254' }], policyRoutes: [{ priority: 31000, match: 'ip4.dst == 10.70.0.0/16', action: 'allow' }] } },
    { apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name: 'open' }, spec: { cidrBlock: '10.16.5.0/24', gateway: '10.16.5.1', private: false } },
    { apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name: 'p' }, spec: { vpc: 'v', cidrBlock: '10.1.0.0/24', gateway: '10.1.0.1', private: true, allowSubnets: ['10.9.0.0/16'] } },
    { apiVersion: 'kubeovn.io/v1', kind: 'SecurityGroup', metadata: { name: 'a-b' }, spec: { allowSameGroupTraffic: true, egressRules: [{ priority: 200, policy: 'drop', remoteType: 'securityGroup', remoteSecurityGroup: 'c' }] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod1', namespace: 'ns1', annotations: { 'ovn.kubernetes.io/ip_address': '10.16.5.9', 'ovn.kubernetes.io/security_groups': 'a-b, x' } }, spec: {} },
    // Without a pinned address there is no port to expect; other kinds write no rows.
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod2', namespace: 'ns1' }, spec: {} },
    { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'n', namespace: 'default' }, spec: {} },
  ], { vpcPeerings: [{ remoteVpc: 'v', localConnectIP: '169.254.1.1/30' }], staticRoutes: [{ cidr: '10.1.0.0/24', nextHopIP: '169.254.1.2', policy: 'policyDst' }], policyRoutes: [] });
  expect(described(rows)).toEqual([
    'logical router ovn-cluster',
    'peering router port 169.254.1.1/30 on ovn-cluster',
    'static route dst-ip 10.1.0.0/24 via 169.254.1.2 on ovn-cluster',
    'logical router v',
    'static route dst-ip 0.0.0.0/0 via 10.1.0.254 on v',
    'router policy 31000 "ip4.dst == 10.70.0.0/16" allow on v',
    'logical switch open',
    'router port 10.16.5.1/24 on ovn-cluster',
    'router policy 31000 "ip4.dst == 10.16.5.0/24" allow on ovn-cluster',
    'logical switch p',
    'router port 10.1.0.1/24 on v',
    'router policy 31000 "ip4.dst == 10.1.0.0/24" allow on v',
    'ACL to-lport 1000 drop (no address) on switch p',
    'ACL to-lport 1001 allow-related (10.1.0.0/24) on switch p',
    'ACL to-lport 1001 allow-related (10.1.0.0/24, 10.9.0.0/16) on switch p',
    'ACL to-lport 3000 allow-related on switch p',
    'port group ovn.sg.a.b',
    'ACL to-lport 2005 allow-related (no address) on port group ovn.sg.a.b',
    'ACL from-lport 2005 allow-related (no address) on port group ovn.sg.a.b',
    'ACL to-lport 2004 allow-related on port group ovn.sg.a.b',
    'ACL from-lport 2004 allow-related on port group ovn.sg.a.b',
    'ACL from-lport 2100 drop on port group ovn.sg.a.b',
    'logical switch port pod1.ns1 with 10.16.5.9',
    'port pod1.ns1 in port group ovn.sg.a.b',
    'port pod1.ns1 in port group ovn.sg.x',
  ]);
  expect(sgPortGroup('run-1-web-tier')).toBe('ovn.sg.run.1.web.tier');
  expect(matchAddresses('(ip4.src == 10.1.0.0/24 && ip4.dst == 10.9.0.0/16) || (ip4.src==10.9.0.0/16 && ip4.dst==10.1.0.0/24) && tcp.dst <= 443')).toEqual(['10.1.0.0/24', '10.9.0.0/16']);
});

test('a change: rows it takes out must be gone, rows it keeps are not listed twice', () => {
  const before = expectedRows(OBJECTS);
  const vpc = OBJECTS[0]!;
  const after = expectedRows([{ ...vpc, spec: { ...(vpc.spec as object), staticRoutes: [{ cidr: '20.0.0.0/16', nextHopIP: '169.254.0.2', policy: 'policyDst' }] } }, ...OBJECTS.slice(1)]);
  const e = expectation(before, after);
  expect(e.present).toBe(after);
  expect(described(e.absent)).toEqual(['static route src-ip 10.0.0.0/24 via 10.0.0.1 on r1-vpc']);
  expect(expectation(after, after).absent).toEqual([]);
});

test('the two ovn-nbctl calls: a find per name, then a list of what the found rows point at', () => {
  const named = namedRows(expectation([], ROWS));
  expect(named).toEqual({ routers: ['r1-vpc'], switches: ['r1-s1'], portGroups: ['ovn.sg.r1.web'], ports: ['vm1.default.n1.default.ovn'] });
  expect(findCommand(named)).toEqual([
    '--format=json',
    '--', '--columns=_uuid,name,ports,static_routes,policies', 'find', 'Logical_Router', 'name="r1-vpc"',
    '--', '--columns=_uuid,name,acls', 'find', 'Logical_Switch', 'name="r1-s1"',
    '--', '--columns=_uuid,name,ports,acls', 'find', 'Port_Group', 'name="ovn.sg.r1.web"',
    '--', '--columns=_uuid,name,addresses', 'find', 'Logical_Switch_Port', 'name="vm1.default.n1.default.ovn"',
  ]);
  const found = parseFound(named, FIND_OUTPUT);
  const list = listCommand(found)!;
  expect(list.slice(0, 6)).toEqual(['--format=json', '--', '--columns=_uuid,networks,peer', 'list', 'Logical_Router_Port', '93ef2315-4e9d-462f-ae4a-64d30e858135']);
  expect(list.filter((a) => a === 'list')).toHaveLength(4);
  // Three ACLs: two of the switch, one of the port group.
  expect(list.slice(list.indexOf('ACL') + 1)).toHaveLength(3);
  // Nothing found: nothing to list.
  const none = parseFound(named, '{"data":[],"headings":["_uuid"]}\n'.repeat(4));
  expect(listCommand(none)).toBeUndefined();
  expect(nbState(none, undefined).routers.size).toBe(0);
  expect(() => parseFound(named, '{"data":[],"headings":["_uuid"]}\n')).toThrow(/printed 1 tables for 4 lookups/);
});

test('parsing ovn-nbctl JSON: uuids unwrapped, sets and bare atoms alike, errors name the table', () => {
  expect(setOf(['set', [['uuid', 'a'], ['uuid', 'b']]])).toEqual(['a', 'b']);
  expect(setOf(['uuid', 'a'])).toEqual(['a']);
  expect(setOf(['set', []])).toEqual([]);
  expect(setOf('dst-ip')).toEqual(['dst-ip']);
  expect(parseTables('{"data":[[["uuid","u1"],"x"]],"headings":["_uuid","name"]}\n\n')).toEqual([[{ _uuid: 'u1', name: 'x' }]]);
  expect(() => parseTables('{"data":[],"headings":[]}\novn-nbctl: no row\n')).toThrow(/table 2, is not JSON: ovn-nbctl: no row/);
  expect(() => parseTables('{"rows":[]}')).toThrow(/table 1, has no data and headings/);
});

test('the captured NB state: what is there, what is missing, and a taken-out route still there', () => {
  const state = fixtureState();
  expect(state.routers.get('r1-vpc')!.routes).toContainEqual({ policy: 'src-ip', prefix: '10.0.0.0/24', nexthop: '10.0.0.1' });
  expect(state.routers.get('r1-vpc')!.ports).toEqual([{ network: '10.0.0.1/24', peered: false }, { network: '169.254.0.1/30', peered: true }]);
  expect(state.portGroups.get('ovn.sg.r1.web')!.ports).toEqual(['vm1.default.n1.default.ovn']);
  const previous: NbRow[] = [...ROWS, { kind: 'route', router: 'r1-vpc', policy: 'dst-ip', prefix: '30.0.0.0/16', nexthop: '169.254.0.2' }];
  const { missing, stale } = unmet(state, expectation(previous, ROWS));
  expect(described(missing)).toEqual([
    'ACL to-lport 3000 allow-related on switch r1-s1',
    'ACL to-lport 2005 allow-related (no address) on port group ovn.sg.r1.web',
    'ACL from-lport 2005 allow-related (no address) on port group ovn.sg.r1.web',
  ]);
  expect(described(stale)).toEqual(['static route dst-ip 30.0.0.0/16 via 169.254.0.2 on r1-vpc']);
});

test('holds: each kind of row, present and not', () => {
  const state = fixtureState();
  const no: NbRow[] = [
    { kind: 'router', router: 'r9' },
    { kind: 'route', router: 'r1-vpc', policy: 'src-ip', prefix: '20.0.0.0/16', nexthop: '169.254.0.2' },
    { kind: 'route', router: 'r9', policy: 'dst-ip', prefix: '20.0.0.0/16', nexthop: '169.254.0.2' },
    { kind: 'policy', router: 'r1-vpc', priority: 31000, match: 'ip4.dst == 10.0.0.0/24', action: 'drop' },
    { kind: 'router-port', router: 'r1-vpc', network: '10.0.0.1/24', peered: true },
    { kind: 'switch', switch: 's9' },
    { kind: 'switch-acl', switch: 'r1-s1', acl: { direction: 'to-lport', priority: 1001, action: 'allow-related', addresses: ['10.0.0.0/24', '10.9.0.0/16'] } },
    { kind: 'switch-acl', switch: 'r1-s1', acl: { direction: 'from-lport', priority: 1000, action: 'drop', addresses: [] } },
    { kind: 'port-group', portGroup: 'ovn.sg.other' },
    { kind: 'group-acl', portGroup: 'ovn.sg.r1.web', acl: { direction: 'to-lport', priority: 2290, action: 'allow-related', addresses: ['10.3.0.0/16'] } },
    { kind: 'port', port: 'vm1.default.n1.default.ovn', ip: '10.0.0.20' },
    { kind: 'port', port: 'vm2.default.n1.default.ovn', ip: '10.0.0.2' },
    { kind: 'member', portGroup: 'ovn.sg.r1.web', port: 'vm2.default.n1.default.ovn' },
  ];
  for (const row of no) expect(holds(state, row), describeRow(row)).toBe(false);
  const yes: NbRow[] = [
    // Whitespace in a match does not matter; the router policy 29000 is not expected but there.
    { kind: 'policy', router: 'r1-vpc', priority: 31000, match: 'ip4.dst  ==  10.0.0.0/24 ', action: 'allow' },
    { kind: 'policy', router: 'r1-vpc', priority: 29000, match: 'ip4.src == 10.0.0.0/24', action: 'reroute' },
    { kind: 'switch-acl', switch: 'r1-s1', acl: { direction: 'to-lport', priority: 1001, action: 'allow-related' } },
  ];
  for (const row of yes) expect(holds(state, row), describeRow(row)).toBe(true);
});

const exec = (stdout: string, exitCode = 0, stderr = ''): ExecResult => ({ exitCode, stdout, stderr, output: stdout + stderr });

test('waitProgrammed: polls until the rows are there, retries a failed call, names what is missing at the deadline', async () => {
  const e = expectation([], ROWS);
  const complete = LIST_OUTPUT.replace('"ip","drop"]', '"ip","drop"],[["uuid","u-3000"],"to-lport",3000,"ip4.src == 100.64.0.0/16","allow-related"],[["uuid","u-arp1"],"to-lport",2005,"outport == @ovn.sg.r1.web && arp","allow-related"],[["uuid","u-arp2"],"from-lport",2005,"inport == @ovn.sg.r1.web && arp","allow-related"]');
  // The switch and the port group now point at the three ACLs too.
  const found = FIND_OUTPUT
    .replace('["uuid","8e94cb1f-0eed-480e-b637-6b48bee745c9"]]]', '["uuid","8e94cb1f-0eed-480e-b637-6b48bee745c9"],["uuid","u-3000"]]]')
    .replace('["uuid","8c887fb0-3901-4bc2-9c59-194b672722b8"]]]', '["set",[["uuid","8c887fb0-3901-4bc2-9c59-194b672722b8"],["uuid","u-arp1"],["uuid","u-arp2"]]]]]');
  const script = [exec(FIND_OUTPUT), exec(LIST_OUTPUT), exec('', 1, 'ovn-nbctl: no row'), exec(found), exec(complete, 1, 'ovn-nbctl: no row "x" in table ACL'), exec(found), exec(complete)];
  const calls: string[][] = [];
  const ready = await waitProgrammed(async (args) => {
    calls.push([...args]);
    return script.shift()!;
  }, e, { timeoutMs: 5000, intervalMs: 10 });
  expect(script).toEqual([]);
  expect(calls.map((c) => c.filter((a) => a === 'find' || a === 'list').length)).toEqual([4, 4, 4, 4, 4, 4, 4]);
  expect(ready.kind).toBe('programmed');
  expect(ready.checked).toBe(`read back from OVN's northbound DB: ${rowCounts(ROWS)}`);

  const late = waitProgrammed(async (args) => exec(args.includes('find') ? FIND_OUTPUT : LIST_OUTPUT), expectation([...ROWS, { kind: 'route', router: 'r1-vpc', policy: 'dst-ip', prefix: '30.0.0.0/16', nexthop: '169.254.0.2' }], ROWS), { timeoutMs: 300, intervalMs: 50 });
  await expect(late).rejects.toBeInstanceOf(NotReady);
  await expect(late).rejects.toThrow("OVN's northbound DB: missing ACL to-lport 3000 allow-related on switch r1-s1; ACL to-lport 2005 allow-related (no address) on port group ovn.sg.r1.web; ACL from-lport 2005 allow-related (no address) on port group ovn.sg.r1.web; still there static route dst-ip 30.0.0.0/16 via 169.254.0.2 on r1-vpc");
  await expect(waitProgrammed(async () => exec('', 1, 'database connection failed'), e, { timeoutMs: 100, intervalMs: 40 })).rejects.toThrow(/ovn-nbctl find exited with 1: database connection failed/);
});

test('waitProgrammed: an exec that cannot run is Unreadable at once; nothing expected is programmed at once', async () => {
  let calls = 0;
  const refused = waitProgrammed(async () => {
    calls++;
    throw new Error('exec in kube-system/ovn-central-1: 403 forbidden');
  }, expectation([], ROWS), { timeoutMs: 5000, intervalMs: 10 });
  await expect(refused).rejects.toBeInstanceOf(Unreadable);
  await expect(refused).rejects.toThrow('exec in kube-system/ovn-central-1: 403 forbidden');
  expect(calls).toBe(1);
  const empty = await waitProgrammed(async () => exec(''), expectation([], []), { timeoutMs: 100, intervalMs: 10 });
  expect(empty.checked).toBe("read back from OVN's northbound DB: no rows");
});

test('waitStable: counts ready, unchanged observations in a row; not ready or changed starts again; the deadline names why', async () => {
  const seen: Map<string, string | undefined>[] = [
    new Map([['Subnet s1', undefined], ['Vpc v', '5']]),
    new Map([['Subnet s1', '7'], ['Vpc v', '5']]),
    new Map([['Subnet s1', '8'], ['Vpc v', '5']]),
    new Map([['Subnet s1', '8'], ['Vpc v', '5']]),
    new Map([['Subnet s1', '8'], ['Vpc v', '5']]),
  ];
  let looks = 0;
  const ready = await waitStable(async () => seen[looks++]!, 3, '403 forbidden', { timeoutMs: 5000, intervalMs: 5 });
  expect(looks).toBe(5);
  expect(ready).toMatchObject({ kind: 'observed-stable', checked: "3 observations 5 ms apart of 2 objects, ready and unchanged (OVN's northbound DB not readable: 403 forbidden)" });

  // An object that appears between two looks is a change.
  const growing = [new Map([['Vpc v', '5']]), new Map([['Vpc v', '5'], ['Subnet s1', '1']]), new Map([['Vpc v', '5'], ['Subnet s1', '1']])];
  let g = 0;
  await expect(waitStable(async () => growing[Math.min(g++, 2)]!, 2, 'r', { timeoutMs: 5000, intervalMs: 5 })).resolves.toMatchObject({ kind: 'observed-stable' });
  expect(g).toBe(3);

  await expect(waitStable(async () => new Map([['Subnet s1', undefined]]), 3, 'no ovn-central pod', { timeoutMs: 60, intervalMs: 20 }))
    .rejects.toThrow("the objects' status (OVN's northbound DB not readable: no ovn-central pod): not ready: Subnet s1");
  let rv = 0;
  await expect(waitStable(async () => new Map([['Vpc v', String(rv++)]]), 3, 'r', { timeoutMs: 60, intervalMs: 20 })).rejects.toThrow(/still changing: Vpc v/);
});

test('the NAT gateway\'s external network: no NB rows for a macvlan or VLAN underlay Subnet; an EIP is ready with the address asked for, a rule once it carries its EIP\'s', async () => {
  const { topology } = await loadTopologyFile(fileURLToPath(new URL('../k8s/fixtures/nat-render.yaml', import.meta.url)));
  for (const objects of [render(topology!, { runId: 'r1', namespace: 'default', image: 'x' }).objects, renderPods(topology!, { runId: 'r1', image: 'x' }).objects]) {
    const switches = expectedRows(objects).flatMap((r) => (r.kind === 'switch' ? [r.switch] : []));
    expect(switches).toEqual(['r1-subnetinternal']);
  }
  const eip = { apiVersion: 'kubeovn.io/v1', kind: 'IptablesEIP', metadata: { name: 'e' }, spec: { v4ip: '192.0.2.200' } };
  expect(isReady({ ...eip })).toBe(false);
  // Conditions are never set by Kube-OVN's NAT controllers: only ready and the address count.
  expect(isReady({ ...eip, status: { conditions: [{ type: 'Ready', status: 'True' }] } })).toBe(false);
  expect(isReady({ ...eip, status: { ready: true, ip: '' } })).toBe(false);
  expect(isReady({ ...eip, status: { ready: true, ip: '192.0.2.199' } })).toBe(false);
  expect(isReady({ ...eip, status: { ready: true, ip: '192.0.2.200' } })).toBe(true);
  for (const kind of ['IptablesSnatRule', 'IptablesDnatRule', 'IptablesFIPRule']) {
    expect(isReady({ apiVersion: 'kubeovn.io/v1', kind, metadata: { name: 'r' }, status: { ready: true, v4ip: '' } })).toBe(false);
    expect(isReady({ apiVersion: 'kubeovn.io/v1', kind, metadata: { name: 'r' }, status: { ready: false, v4ip: '192.0.2.200' } })).toBe(false);
    expect(isReady({ apiVersion: 'kubeovn.io/v1', kind, metadata: { name: 'r' }, status: { ready: true, v4ip: '192.0.2.200' } })).toBe(true);
  }
  // A changed rule: ready from before, its status still mirroring the old spec.
  const dnat = { apiVersion: 'kubeovn.io/v1', kind: 'IptablesDnatRule', metadata: { name: 'd' }, spec: { eip: 'e', externalPort: '8080', internalIp: '10.0.1.2', internalPort: '80', protocol: 'tcp' } };
  expect(isReady({ ...dnat, status: { ready: true, v4ip: '192.0.2.200', externalPort: '8888', internalIp: '10.0.1.2', internalPort: '80', protocol: 'tcp' } })).toBe(false);
  expect(isReady({ ...dnat, status: { ready: true, v4ip: '192.0.2.200', externalPort: '8080', internalIp: '10.0.1.2', internalPort: '80', protocol: 'tcp' } })).toBe(true);
});
