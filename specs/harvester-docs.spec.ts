// The Harvester v1.6 "Virtual Private Cloud (VPC)" verification procedures, step by step in the
// docs' words, on the lab over serial consoles. The lab's internet is 192.0.2.1 where the docs
// ping 8.8.8.8.
import { randomBytes } from 'node:crypto';
import { startProcedure, type Procedure } from './procedure.ts';
import { expect, test as suite } from './fixtures.ts';

/** `open` builds a topology file for a procedure; whatever a test opened is closed after it. */
const test = suite.extend<{ open: (file: string) => Promise<Procedure> }>({
  open: async ({ target }, use) => {
    const opened: Procedure[] = [];
    await use(async (file) => {
      const p = await startProcedure(file, target, `docs-${randomBytes(3).toString('hex')}`);
      opened.push(p);
      return p;
    });
    for (const p of opened) await p.close();
  },
});

const REPLY = / 0% packet loss/;
const LOST = /100% packet loss/;
const UNREACHABLE = /ping: connect: Network is unreachable/;

/**
 * A failing ping is judged only once a change has surely reached the data plane (the lab's
 * datapath revalidates within 500 ms of a flow change), over one ping of 4 probes, one a second:
 * a single reply fails it. A ping that cannot even send ("Network is unreachable") stops at the
 * first probe: the VM's own route table decides that.
 */
const SETTLE_MS = 2000;
const WINDOW = 'ping -c 4 -i 1 -W 1';

/** A positive control: the VM's console answers and its own gateway replies. */
async function expectAlive(p: Procedure, vm: string): Promise<void> {
  const r = await p.typeUntil(vm, `ping -c 1 -W 1 ${p.realized.vm(vm).gateway}`, REPLY);
  expect(r.output, `positive control: ${vm} pings its own gateway`).toMatch(REPLY);
}

/**
 * "The ping fails": beside the positive controls of both ends (the internet has no console:
 * the procedure's own successful ping to it, later in the same test, is its control), no reply
 * during the whole window.
 */
async function expectNoReply(p: Procedure, from: string, to: string, failure: RegExp): Promise<void> {
  await expectAlive(p, from);
  if (to !== 'internet') await expectAlive(p, to);
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const ip = to === 'internet' ? p.realized.internetIP : p.realized.vm(to).ip;
  expect((await p.type(from, `${WINDOW} ${ip}`)).output, `${from} -> ${to} (${ip})`).toMatch(failure);
}

test('Sample VPC Configuration and Verification', async ({ open }) => {
  const p = await test.step('1-4. Create vswitch1, vswitch2, vpc-1, its two subnets and three VMs', () => open('topologies/same-vpc-subnets.yaml'));
  await test.step('6 (note). Without a default route the console displays "Network is unreachable"', async () => {
    await expectNoReply(p, 'vm1-vswitch1', 'vm1-vswitch2', UNREACHABLE);
  });
  await test.step('5. Open the serial consoles of vm1-vswitch1 and vm1-vswitch2 and add a default route', async () => {
    expect((await p.type('vm1-vswitch1', 'ip route add default via 172.20.10.1 dev enp1s0')).exitCode).toBe(0);
    expect((await p.type('vm1-vswitch2', 'ip route add default via 172.20.20.1 dev enp1s0')).exitCode).toBe(0);
  });
  await test.step('6. Use vm1-vswitch1 (172.20.10.6) to ping vm1-vswitch2 (172.20.20.3)', async () => {
    expect((await p.typeUntil('vm1-vswitch1', 'ping -c 3 -W 1 172.20.20.3', REPLY)).output).toMatch(REPLY);
  });
  await test.step('6. Use vm1-vswitch2 (172.20.20.3) to ping vm1-vswitch1 (172.20.10.6)', async () => {
    expect((await p.typeUntil('vm1-vswitch2', 'ping -c 3 -W 1 172.20.10.6', REPLY)).output).toMatch(REPLY);
  });
});

test('Sample Private Subnet Verification', async ({ open }) => {
  const p = await open('topologies/private-subnet.yaml');
  await p.type('vm1-vswitch1', 'ip route add default via 172.20.10.1 dev enp1s0');
  await p.type('vm1-vswitch2', 'ip route add default via 172.20.20.1 dev enp1s0');
  await test.step('1-3. Edit Config of vswitch1-subnet: enable Private Subnet', () => p.edit('private subnet on'));
  await test.step('4. ping vm1-vswitch2 (172.20.20.3) from vm1-vswitch1: the ping attempt fails', async () => {
    await expectNoReply(p, 'vm1-vswitch1', 'vm1-vswitch2', LOST);
  });
  await test.step('5-6. Edit Config: add 172.20.20.0/24 to the Allow Subnets field', () => p.edit('allow vswitch2-subnet'));
  await test.step('7. ping vm1-vswitch2 again: the ping attempt is successful', async () => {
    expect((await p.typeUntil('vm1-vswitch1', 'ping -c 2 -W 1 172.20.20.3', REPLY)).output).toMatch(REPLY);
  });
});

test('Sample natOutgoing Verification', async ({ open }) => {
  const p = await test.step('1-3. Create vswitch-external, external-subnet in ovn-cluster, and vm-external', () => open('topologies/nat-outgoing.yaml'));
  await test.step('4. Open the serial console of vm-external and ping the internet: Network is unreachable', async () => {
    await expectNoReply(p, 'vm-external', 'internet', UNREACHABLE);
  });
  await test.step('5. Add a default route (sudo ip route add default via 172.20.30.1 dev enp1s0): again, the ping fails', async () => {
    expect((await p.type('vm-external', 'ip route add default via 172.20.30.1 dev enp1s0')).exitCode).toBe(0);
    await expectNoReply(p, 'vm-external', 'internet', LOST);
  });
  await test.step('6-10. Edit external-subnet as YAML: natOutgoing: true, Save', () => p.edit('natOutgoing on'));
  await test.step('11. ping the internet again: the ping attempt is successful', async () => {
    expect((await p.typeUntil('vm-external', `ping -c 2 -W 1 ${p.realized.internetIP}`, REPLY)).output).toMatch(REPLY);
  });
});

test('Sample VPC Peering Verification (Example 1)', async ({ open }) => {
  const p = await test.step('1-5. Create vswitch3/vswitch4, vpcpeer-1/vpcpeer-2 with peerings and static routes, subnets and VMs', () =>
    open('topologies/vpc-peering-example1.yaml'));
  await test.step('6. Add a default route on vm1-vpcpeer1 and vm1-vpcpeer2', async () => {
    expect((await p.type('vm1-vpcpeer1', 'ip route add default via 10.0.0.1 dev enp1s0')).exitCode).toBe(0);
    expect((await p.type('vm1-vpcpeer2', 'ip route add default via 20.0.0.1 dev enp1s0')).exitCode).toBe(0);
  });
  await test.step('7. Use vm1-vpcpeer1 (10.0.0.2) to ping vm1-vpcpeer2 (20.0.0.2), and back', async () => {
    expect((await p.typeUntil('vm1-vpcpeer1', 'ping -c 3 -W 1 20.0.0.2', REPLY)).output).toMatch(REPLY);
    expect((await p.typeUntil('vm1-vpcpeer2', 'ping -c 3 -W 1 10.0.0.2', REPLY)).output).toMatch(REPLY);
  });
});

test('VPC Peering Configuration Examples, Example 2: routes that do not cover the subnets fail', async ({ open }) => {
  const p = await open('topologies/vpc-peering-example2.yaml');
  await p.type('vm1-vpcpeer1', 'ip route add default via 10.1.0.1 dev enp1s0');
  await p.type('vm1-vpcpeer2', 'ip route add default via 20.1.0.1 dev enp1s0');
  await test.step('ping 20.1.0.2 from 10.1.0.2: no route covers it, the ping fails', async () => {
    await expectNoReply(p, 'vm1-vpcpeer1', 'vm1-vpcpeer2', LOST);
    await expectNoReply(p, 'vm1-vpcpeer2', 'vm1-vpcpeer1', LOST);
  });
});

test('VPC Peering Limitations: peering ovn-cluster with a custom VPC fails', async ({ open }) => {
  const p = await open('topologies/peering-ovn-cluster.yaml');
  await p.type('vm-default', 'ip route add default via 172.20.40.1 dev enp1s0');
  await p.type('vm-custom', 'ip route add default via 10.10.0.1 dev enp1s0');
  await expectNoReply(p, 'vm-custom', 'vm-default', LOST);
  await expectNoReply(p, 'vm-default', 'vm-custom', LOST);
});
