// Builds and removes the run's Linux side: VM namespaces with their veth on the integration
// bridge, the node namespace (ovn0 on the join switch, uplink, MASQUERADE), the upstream
// namespace owning the lab's "internet", and NAT gateway namespaces between br-int and upstream.
// Everything is batched: one `ip -batch` and one ovs-vsctl per step, then one shell per namespace.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { TargetError } from '../target.ts';
import { addPortArgs, type BridgePort, type IntegrationBridge } from './chassis.ts';
import { isAlive } from './lock.ts';
import { type VmPlan, vmScript } from './host-plan.ts';
import { NATGW_EXTERNAL_NIC, NATGW_LAN_NIC, NODE_JOIN_IP, NODE_JOIN_NIC, NODE_UPLINK, NODE_UPLINK_IP, UPSTREAM_BRIDGE, UPSTREAM_IP, type RunNames } from './names.ts';
import type { NatGatewayPlan } from './nat-plan.ts';
import { inNamespace, nsScript, nsScripts, pool, run } from './proc.ts';
import type { Command } from './rows.ts';

const PARALLEL = 4;

function ipBatch(lines: readonly string[], netns: readonly string[] = []) {
  return lines.length ? run('ip', [...netns, '-batch', '-'], { input: lines.join('\n') + '\n' }) : undefined;
}

/** Independent `ip` commands split over a few batches run side by side. */
const PARALLEL_BATCHES = 4;
async function inParallel(lines: readonly string[], netns: readonly string[] = []): Promise<void> {
  const size = Math.ceil(lines.length / PARALLEL_BATCHES);
  const batches = Array.from({ length: PARALLEL_BATCHES }, (_, i) => lines.slice(i * size, (i + 1) * size));
  await Promise.all(batches.map((b) => ipBatch(b, netns)));
}

/** Host end of a veth into `ns` (peer `nic`, with `mac`), plugged into `at` as OVN port `lsp`. */
interface Plug extends BridgePort {
  readonly ns: string;
  readonly nic: string;
  readonly mac: string;
  readonly at: IntegrationBridge;
}

/** A port to unplug: its host end and the bridge it is on. */
export interface Unplug {
  readonly hostIf: string;
  readonly at: IntegrationBridge;
}

/** Items grouped by the bridge they concern, in first-seen order. */
function byBridge<T extends { at: IntegrationBridge }>(items: readonly T[]): [IntegrationBridge, T[]][] {
  const groups = new Map<IntegrationBridge, T[]>();
  for (const item of items) groups.set(item.at, [...(groups.get(item.at) ?? []), item]);
  return [...groups];
}

export class Namespaces {
  constructor(private readonly names: RunNames) {}

  /**
   * The guest end goes straight into its namespace and the host end into the bridge's (a run
   * chassis' namespace, or the root namespace for the lab's shared chassis).
   */
  private async plug(plugs: readonly Plug[]): Promise<void> {
    await ipBatch(plugs.map((p) => `netns add ${p.ns}`));
    await Promise.all(byBridge(plugs).map(async ([at, ps]) => {
      const lines = ps.flatMap((p) => [`link add ${p.hostIf} type veth peer name ${p.nic} netns ${p.ns} address ${p.mac}`, `link set ${p.hostIf} up`]);
      await ipBatch(lines, at.netns ? ['-n', at.netns] : []);
      await at.vsctl(ps.flatMap((p) => addPortArgs(at, p, this.names.runId)));
    }));
  }

  async addNode(nodeCommands: readonly Command[], at: IntegrationBridge): Promise<void> {
    const node = this.names.nodeNamespace();
    const upstream = this.names.upstreamNamespace();
    await ipBatch([`netns add ${upstream}`]);
    await this.plug([{ ns: node, hostIf: this.names.hostIf('node', 'ovn0'), nic: NODE_JOIN_NIC, mac: this.names.mac('node', 'ovn0'), lsp: this.names.nodeLsp(), at }]);
    await nsScript(node, [
      ['sysctl', '-qw', 'net.ipv4.ip_forward=1'],
      ['ip', 'link', 'set', 'lo', 'up'],
      ['ip', 'addr', 'add', `${NODE_JOIN_IP}/16`, 'dev', NODE_JOIN_NIC],
      ['ip', 'link', 'set', NODE_JOIN_NIC, 'up'],
      ['ethtool', '-K', NODE_JOIN_NIC, 'tx', 'off'],
      // Created inside the namespaces: the lab never has a link in the root namespace's network.
      ['ip', 'link', 'add', NODE_UPLINK, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', upstream],
      ['ip', 'addr', 'add', `${NODE_UPLINK_IP}/24`, 'dev', NODE_UPLINK],
      ['ip', 'link', 'set', NODE_UPLINK, 'up'],
      ...nodeCommands,
    ]);
    // The upstream host knows only its own /24: replies to unmasqueraded sources go nowhere. Its
    // address is on a bridge, the segment NAT gateways' external legs join too.
    await nsScript(upstream, [
      ['ip', 'link', 'set', 'lo', 'up'],
      ['ip', 'link', 'add', UPSTREAM_BRIDGE, 'type', 'bridge'],
      ['ip', 'link', 'set', 'eth0', 'master', UPSTREAM_BRIDGE],
      ['ip', 'addr', 'add', `${UPSTREAM_IP}/24`, 'dev', UPSTREAM_BRIDGE],
      ['ip', 'link', 'set', 'eth0', 'up'],
      ['ip', 'link', 'set', UPSTREAM_BRIDGE, 'up'],
    ]);
  }

  /**
   * NAT gateways: the LAN leg plugged like a VM's NIC, the external leg a veth whose other end
   * joins the upstream bridge, then the pod's own configuration (nat-plan.ts). The upstream
   * forgets what it knew of their addresses: an EIP that moved to another gateway, or a gateway
   * rebuilt, must be asked for again (the pod sends gratuitous ARP for it, nat-gateway.sh eip-add).
   */
  async addNatGateways(gateways: readonly NatGatewayPlan[], at: IntegrationBridge): Promise<void> {
    if (!gateways.length) return;
    const upstream = this.names.upstreamNamespace();
    await this.plug(gateways.map((g) => ({ ns: g.namespace, hostIf: g.hostIf, nic: NATGW_LAN_NIC, mac: g.lanMac, lsp: g.lsp, at })));
    await nsScripts(gateways.map((g) => ({
      ns: g.namespace,
      commands: [['ip', 'link', 'add', NATGW_EXTERNAL_NIC, 'address', g.externalMac, 'type', 'veth', 'peer', 'name', g.upstreamPort, 'netns', upstream], ...g.script],
    })), PARALLEL);
    await nsScript(upstream, gateways.flatMap((g) => [
      ['ip', 'link', 'set', g.upstreamPort, 'master', UPSTREAM_BRIDGE],
      ['ip', 'link', 'set', g.upstreamPort, 'up'],
      ['ethtool', '-K', g.upstreamPort, 'tx', 'off'],
      ...[g.primary, ...g.eips].map((ip) => ['ip', 'neigh', 'flush', 'to', ip]),
    ]));
  }

  /** Applies node-namespace changes of a phase; removals tolerate state that is already gone. */
  async updateNode(removals: readonly Command[], creations: readonly Command[]): Promise<void> {
    const node = this.names.nodeNamespace();
    for (const c of removals) await inNamespace(node, c, { allowFailure: true });
    if (creations.length) await nsScript(node, creations);
  }

  async addVms(vms: readonly VmPlan[], bridgeOf: (vm: VmPlan) => IntegrationBridge): Promise<void> {
    await this.plug(vms.map((vm) => ({ ns: vm.namespace, hostIf: vm.hostIf, nic: vm.nic, mac: vm.mac, lsp: vm.lsp, at: bridgeOf(vm) })));
    await nsScripts(vms.map((vm) => ({ ns: vm.namespace, commands: vmScript(vm) })), PARALLEL);
    await pool(vms.filter((vm) => vm.listen.length), PARALLEL, (vm) => this.listen(vm));
  }

  /**
   * One unsolicited ARP from each VM for its address, as a booting guest's network stack sends:
   * for VMs that join a running topology, whose address a VM removed in an earlier phase may have
   * held. Its neighbours still cache that VM's MAC, and OVN drops frames to a MAC no port has, so
   * they would time out until the cache entry expired.
   */
  async announce(vms: readonly VmPlan[]): Promise<void> {
    await nsScripts(vms.filter((vm) => !vm.dhcpClient).map((vm) => ({ ns: vm.namespace, commands: [['busybox', 'arping', '-U', '-c', '1', '-w', '1', '-I', vm.nic, vm.ip]] })), PARALLEL);
  }

  /** `listen:` ports: a socat per port bound to the VM's address, an echo service. */
  private listen(vm: VmPlan): Promise<void> {
    return serve(vm.namespace, vm.ip, vm.listen, 'EXEC:cat', `VM ${vm.name}`);
  }

  /**
   * The upstream host's "who am I" service: it answers a connection with the address it came
   * from, the source the upstream saw (the EIP of a SNAT or FIP, the node for natOutgoing).
   */
  whoAmI(port: number): Promise<void> {
    return serve(this.names.upstreamNamespace(), UPSTREAM_IP, [port], "SYSTEM:echo $SOCAT_PEERADDR", 'the upstream host');
  }

  /** Removes namespaces (killing what runs inside them by pid) and their bridge ports. */
  async remove(namespaces: readonly string[], ports: readonly Unplug[]): Promise<void> {
    await killInside(namespaces);
    await Promise.all(byBridge(ports).map(async ([at, ps]) => {
      await at.vsctl(ps.flatMap((p) => ['--', '--if-exists', 'del-port', at.bridge, p.hostIf]));
      // Deleting the host end explicitly: a namespace's own links go away only asynchronously.
      const netns = at.netns ? ['-n', at.netns] : [];
      const existing = new Set((await run('ip', [...netns, '-o', 'link', 'show'])).stdout.split('\n').map((l) => l.split(/[:@]\s?/)[1]?.trim()));
      // One `ip -batch` deletes one object at a time, each waiting on the kernel; a few batches at
      // once overlap those waits. Links first: a namespace's veth end goes with its host end.
      await inParallel(ps.filter((p) => existing.has(p.hostIf)).map((p) => `link del ${p.hostIf}`), netns);
    }));
    await inParallel(namespaces.map((ns) => `netns del ${ns}`));
  }
}

/**
 * A socat per port bound to `ip` in `ns`, ready once `ss` shows it listening. They run until the
 * run's teardown ends every process in its namespaces by pid (killInside).
 */
async function serve(ns: string, ip: string, ports: readonly number[], action: string, who: string): Promise<void> {
  for (const port of ports) {
    const child = spawn('ip', ['netns', 'exec', ns, 'socat', `TCP-LISTEN:${port},bind=${ip},fork,reuseaddr`, action], { detached: true, stdio: 'ignore' });
    child.unref();
  }
  const deadline = Date.now() + 5000;
  for (;;) {
    const { stdout } = await inNamespace(ns, ['ss', '-Hltn']);
    if (ports.every((p) => stdout.includes(`${ip}:${p} `))) return;
    if (Date.now() > deadline) throw new TargetError(`lab: listeners of ${who} on ${ports.join(', ')} did not start`);
    await sleep(10);
  }
}

/** Pids of processes inside the namespaces: /proc/<pid>/ns/net is the namespace's inode. */
function pidsInside(namespaces: readonly string[]): number[] {
  const inodes = new Set(namespaces.flatMap((ns) => {
    try {
      return [statSync(`/run/netns/${ns}`).ino];
    } catch {
      return [];
    }
  }));
  if (!inodes.size) return [];
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((p) => {
    try {
      return inodes.has(statSync(`/proc/${p}/ns/net`).ino) && isAlive(Number(p)) ? [Number(p)] : [];
    } catch {
      return [];
    }
  });
}

/** Every process inside the given namespaces was started by this run: end them by pid. */
export async function killInside(namespaces: readonly string[]): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    const pids = pidsInside(namespaces);
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
    return pids.length;
  };
  if (!signal('SIGTERM')) return;
  for (let i = 0; i < 50 && pidsInside(namespaces).length; i++) await sleep(20);
  signal('SIGKILL');
}

export async function labNamespaces(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  return stdout.split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);
}

