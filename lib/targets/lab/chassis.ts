// A multi-node run's OVN chassis, one per node, each in a namespace of its own with its own
// ovsdb-server, ovs-vswitchd (userspace datapath: br-int, and br-phy holding the encap address on
// its tap) and ovn-controller, all talking to the lab's shared southbound database over its unix
// socket; an underlay namespace's Linux bridge joins their eth-ul NICs, so traffic between nodes
// is real Geneve over UDP 6081 (shared/reference/multichassis.md, the measured recipe). A
// namespace per chassis is what lets several userspace vswitchds run on one machine: each gets
// its own ovs-netdev and bridge taps. Everything of a chassis lives in its namespace, so it dies
// with the run's namespaces (killInside) like a VM's processes.
import { performance } from 'node:perf_hooks';
import { mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Node, NodePair } from '../../topology/types.ts';
import { TargetError } from '../target.ts';
import { CHASSIS_BRIDGE, EXTERNAL_ID, UNDERLAY_BRIDGE, UNDERLAY_NIC, underlayPrefix, type RunNames } from './names.ts';
import { nsScript, nsScripts, run, type ProcessOutput } from './proc.ts';
import { raiseSysctls, socketBuffers } from './sysctls.ts';

/** The Linux bridge of a run's underlay namespace. */
const UNDERLAY_SWITCH = 'ul';
/** Geneve's UDP port (RFC 8926). */
const GENEVE_PORT = 6081;

/** A chassis' integration bridge, where ports plug in: the lab's shared one or a run chassis'. */
export interface IntegrationBridge {
  /** The namespace its ports live in; absent: the root namespace (the lab's shared chassis). */
  readonly netns?: string;
  readonly bridge: string;
  /** ovs-vswitchd's control socket, for ovs-appctl -t. */
  readonly vswitchdCtl: string;
  readonly env: Record<string, string>;
  vsctl(args: readonly string[]): Promise<ProcessOutput>;
}

/** A port on an integration bridge: a veth's host end bound to an OVN logical port. */
export interface BridgePort {
  readonly hostIf: string;
  readonly lsp: string;
}

/** The ovs-vsctl arguments that plug `port` into `at` as OVN port `lsp`, tagged with the run. */
export function addPortArgs(at: IntegrationBridge, port: BridgePort, runId: string): string[] {
  return ['--', '--may-exist', 'add-port', at.bridge, port.hostIf,
    '--', 'set', 'Interface', port.hostIf, `external_ids:iface-id=${port.lsp}`, `external_ids:${EXTERNAL_ID}=${runId}`];
}

export class RunChassis implements IntegrationBridge {
  readonly netns: string;
  readonly bridge = CHASSIS_BRIDGE;
  readonly dir: string;
  /** The Chassis row's name (system-id). */
  readonly name: string;
  readonly encapIp: string;
  /** br-phy's MAC, fixed so that the other chassis' tunnel neighbour tables can be seeded. */
  readonly mac: string;

  constructor(private readonly names: RunNames, readonly node: string, index: number, underlay: string, private readonly sbSock: string) {
    this.netns = names.chassisNamespace(node);
    this.dir = names.chassisDir(node);
    this.name = names.chassis(node);
    this.encapIp = `${underlay}.${index + 1}`;
    this.mac = names.mac('chassis', node);
  }

  get env(): Record<string, string> {
    const d = this.dir;
    return { OVS_RUNDIR: d, OVS_DBDIR: d, OVS_LOGDIR: d, OVS_SYSCONFDIR: d, OVN_RUNDIR: d, OVN_DBDIR: d, OVN_LOGDIR: d, OVN_SYSCONFDIR: d };
  }

  get vswitchdCtl(): string {
    return join(this.dir, 'ovs-vswitchd.ctl');
  }

  private get confSock(): string {
    return join(this.dir, 'conf.sock');
  }

  vsctl(args: readonly string[]): Promise<ProcessOutput> {
    return run('ovs-vsctl', [`--db=unix:${this.confSock}`, '--timeout=20', ...args], { env: this.env });
  }

  /** OpenFlow on br-phy, through the management socket vswitchd makes in its run dir. */
  ofctl(command: string, args: readonly string[]): Promise<ProcessOutput> {
    return run('ovs-ofctl', [command, `unix:${join(this.dir, `${UNDERLAY_BRIDGE}.mgmt`)}`, ...args], { env: this.env });
  }

  /** A daemon of the chassis, detached, with its files in the chassis dir. */
  private daemon(file: string, args: readonly string[], name: string, unixctl = true): string[] {
    const own = [`--pidfile=${join(this.dir, `${name}.pid`)}`, `--log-file=${join(this.dir, `${name}.log`)}`, ...(unixctl ? [`--unixctl=${join(this.dir, `${name}.ctl`)}`] : []), '--detach', '--no-chdir'];
    return [file, ...args, ...own];
  }

  /**
   * The recipe's "Chassis N", as one script in the chassis' namespace (one fork from the runner):
   * needs the namespace with eth-ul in it, and rmem_default raised.
   */
  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const db = join(this.dir, 'conf.db');
    await rm(db, { force: true });
    const vsctl = ['ovs-vsctl', `--db=unix:${this.confSock}`, '--timeout=20'];
    const ids = {
      'system-id': this.name, hostname: this.name, 'ovn-remote': `unix:${this.sbSock}`, 'ovn-encap-type': 'geneve', 'ovn-encap-ip': this.encapIp,
      'ovn-bridge': CHASSIS_BRIDGE, 'ovn-bridge-datapath-type': 'netdev', 'ovn-transport-zones': this.names.transportZone(),
    };
    await nsScript(this.netns, [
      ['ovsdb-tool', 'create', db, '/usr/share/openvswitch/vswitch.ovsschema'],
      this.daemon('ovsdb-server', [db, `--remote=punix:${this.confSock}`], 'ovsdb-server'),
      [...vsctl, '--no-wait', 'init', '--', 'set', 'Open_vSwitch', '.', ...Object.entries(ids).map(([k, v]) => `external_ids:${k}=${v}`)],
      this.daemon('ovs-vswitchd', [`unix:${this.confSock}`, '--disable-system'], 'ovs-vswitchd'),
      // Without --no-wait: returns once vswitchd has made the bridges, so br-phy's tap exists.
      [...vsctl,
        '--', 'add-br', UNDERLAY_BRIDGE, '--', 'set', 'Bridge', UNDERLAY_BRIDGE, 'datapath_type=netdev', `other-config:hwaddr="${this.mac}"`,
        '--', 'add-port', UNDERLAY_BRIDGE, UNDERLAY_NIC,
        '--', 'add-br', CHASSIS_BRIDGE, '--', 'set', 'Bridge', CHASSIS_BRIDGE, 'datapath_type=netdev', 'fail-mode=secure', 'other-config:disable-in-band=true'],
      ['ip', 'addr', 'add', `${this.encapIp}/24`, 'dev', UNDERLAY_BRIDGE],
      ['ip', 'link', 'set', UNDERLAY_BRIDGE, 'up'],
      // ovn-controller (23.03) has no --unixctl: its control socket goes to OVN_RUNDIR.
      this.daemon('ovn-controller', [`unix:${this.confSock}`], 'ovn-controller', false),
    ], { env: this.env, timeoutMs: 60_000 });
  }
}

/** Two chassis' cut as flows: each drops Geneve to and from the other on its br-phy. */
function dropFlows(peer: RunChassis): string[] {
  return [`priority=100,udp,nw_dst=${peer.encapIp},tp_dst=${GENEVE_PORT}`, `priority=100,udp,nw_src=${peer.encapIp},tp_dst=${GENEVE_PORT}`];
}

/** Whether a run has (or is building) chassis of its own: its run dir has their dirs. */
export function hasChassis(names: RunNames): boolean {
  return existsSync(dirname(names.chassisDir('')));
}

const pairKey = (p: NodePair) => [...p].sort().join('\0');

/** The run's chassis and their underlay. */
export class ChassisSet {
  private readonly byNode: ReadonlyMap<string, RunChassis>;
  /** The cut pairs, by their order-free key. */
  private cut = new Map<string, NodePair>();

  private constructor(private readonly names: RunNames, readonly chassis: readonly RunChassis[]) {
    this.byNode = new Map(chassis.map((c) => [c.node, c]));
  }

  /** The first node's chassis: the node namespace (ovn0, natOutgoing) and NAT gateways plug in here. */
  get first(): RunChassis {
    return this.chassis[0]!;
  }

  get(node: string | undefined): RunChassis {
    const c = node === undefined ? this.first : this.byNode.get(node);
    if (!c) throw new TargetError(`lab: run ${this.names.runId} has no node ${node}`);
    return c;
  }

  /**
   * Builds the underlay and one chassis per node, and waits until the southbound database has
   * every chassis with its encap. Returns the set and what could not be done to the machine.
   */
  static async build(names: RunNames, nodes: readonly Node[], sbSock: string): Promise<{ chassis: ChassisSet; problems: string[] }> {
    const encaps = (await run('ovn-sbctl', [`--db=unix:${sbSock}`, '--bare', '--columns=ip', 'list', 'Encap'])).stdout;
    const prefix = underlayPrefix(names.runId, new Set(encaps.split('\n').map((l) => l.trim()).filter(Boolean).map((ip) => ip.split('.').slice(0, 3).join('.'))));
    const chassis = nodes.map((n, i) => new RunChassis(names, n.name, i, prefix, sbSock));
    const underlay = names.underlayNamespace();
    // Both veth ends are made in their namespaces: the underlay never has a link in the root namespace.
    await run('ip', ['-batch', '-'], {
      input: [`netns add ${underlay}`, ...chassis.flatMap((c) => [`netns add ${c.netns}`,
        `link add ${UNDERLAY_NIC} netns ${c.netns} type veth peer name ${names.underlayPort(c.node)} netns ${underlay}`])].join('\n') + '\n',
    });
    await nsScripts([
      { ns: underlay, commands: [['ip', 'link', 'add', UNDERLAY_SWITCH, 'type', 'bridge'], ['ip', 'link', 'set', UNDERLAY_SWITCH, 'up'],
        ...chassis.flatMap((c) => [['ip', 'link', 'set', names.underlayPort(c.node), 'master', UNDERLAY_SWITCH], ['ip', 'link', 'set', names.underlayPort(c.node), 'up']])] },
      ...chassis.map((c) => ({ ns: c.netns, commands: [['ip', 'link', 'set', 'lo', 'up'], ['ip', 'link', 'set', UNDERLAY_NIC, 'up']] })),
    ], 4);
    // The chassis dirs mark the run as multi-chassis (hasChassis) before the sysctl is raised.
    await Promise.all(chassis.map((c) => mkdir(c.dir, { recursive: true })));
    // Before any vswitchd opens its AF_PACKET socket on eth-ul: the buffer size is taken then.
    const problems = await raiseSysctls(socketBuffers());
    await Promise.all(chassis.map((c) => c.start()));
    // A first packet to each peer would be lost while vswitchd ARPs for it; never tnl/neigh/flush
    // (afterwards ARP replies hit a cached megaflow and are no longer snooped).
    await run('sh', ['-ec', chassis.flatMap((c) => chassis.filter((p) => p !== c).map((p) =>
      ['ovs-appctl', '-t', c.vswitchdCtl, 'tnl/neigh/set', UNDERLAY_BRIDGE, p.encapIp, p.mac].join(' '))).join('\n')]);
    await run('ovn-sbctl', [`--db=unix:${sbSock}`, '--timeout=15', ...chassis.flatMap((c) => ['--', 'wait-until', 'Chassis', c.name])], { timeoutMs: 20_000 });
    return { chassis: new ChassisSet(names, chassis), problems };
  }

  /** Makes the cut tunnels those of `down`: adds the drops of new cuts, removes those of healed ones. */
  async setTunnelsDown(down: readonly NodePair[]): Promise<{ cut: number; restored: number }> {
    const next = new Map(down.map((p) => [pairKey(p), p]));
    const added = [...next].filter(([k]) => !this.cut.has(k)).map(([, p]) => p);
    const healed = [...this.cut].filter(([k]) => !next.has(k)).map(([, p]) => p);
    const apply = (pairs: readonly NodePair[], command: 'add-flow' | 'del-flows') => Promise.all(pairs.flatMap(([a, b]) => {
      const [ca, cb] = [this.get(a), this.get(b)];
      return [[ca, cb], [cb, ca]].flatMap(([on, peer]) => dropFlows(peer!).map((f) =>
        command === 'add-flow' ? on!.ofctl('add-flow', [`${f},actions=drop`]) : on!.ofctl('del-flows', ['--strict', f])));
    }));
    await apply(added, 'add-flow');
    await apply(healed, 'del-flows');
    this.cut = next;
    return { cut: added.length, restored: healed.length };
  }

  /**
   * Live migration: the port's host end moves to the other chassis' namespace and br-int under
   * the same iface-id, and OVN binds the logical port there. The guest side is untouched.
   * Returns how long the move took (ms).
   */
  async move(port: BridgePort, from: RunChassis, to: RunChassis): Promise<number> {
    const started = performance.now();
    // --no-wait: the old vswitchd lets go of the port by itself once its device has left.
    await from.vsctl(['--no-wait', '--', '--if-exists', 'del-port', from.bridge, port.hostIf]);
    await run('ip', ['-n', from.netns, 'link', 'set', port.hostIf, 'netns', to.netns]);
    await run('ip', ['-n', to.netns, 'link', 'set', port.hostIf, 'up']);
    await to.vsctl(addPortArgs(to, port, this.names.runId));
    return performance.now() - started;
  }
}
