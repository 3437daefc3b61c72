// One run's topology as built in the lab: phases converge by minimal diffs, sessions and streams
// reach its VMs, and down() removes exactly what the run made.
import { mkdir } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { assignAddresses, IpamExhausted, type Addressed } from '../../topology/addresses.ts';
import { openConsoleSession } from '../../sessions/console.ts';
import type { ChildStream } from '../../sessions/child-stream.ts';
import type { Session, Transport } from '../../sessions/session.ts';
import { openSshSession } from '../../sessions/ssh.ts';
import { publicKeyBlob } from '../../sessions/ssh-keys.ts';
import { EXTERNAL, type NodePair, type TopologySpec } from '../../topology/types.ts';
import { contains, parseIPv4, parsePrefix } from '../../net/ipv4.ts';
import { TargetError, type DiagnoseRequest, type Evidence, type Logger, type Readiness, type Realized, type RealizedVm, type UpdateResult } from '../target.ts';
import { createCredentials, type LabCredentials } from './credentials.ts';
import type { LabDaemons } from './daemons.ts';
import { diagnose } from './diagnose.ts';
import { awaitLease, clientLog, LabDhcp, startClients, type Lease } from './dhcp.ts';
import { ExecSession } from './exec-session.ts';
import { nodeRows, vmPlans, type VmPlan } from './host-plan.ts';
import { natGatewayPlans, type NatGatewayPlan } from './nat-plan.ts';
import { RunNames, UPSTREAM_IP } from './names.ts';
import { Namespaces } from './namespaces.ts';
import { nbRows, transaction } from './nb-commands.ts';
import { inNamespace, type ProcessOutput } from './proc.ts';
import { ensureSshd, labSshd, openConsole, openSshRelay } from './vm-streams.ts';
import { leaveLab } from './registry.ts';
import { diffRows, type Row } from './rows.ts';
import { teardownRun } from './teardown.ts';
import { neighbourTableFulls } from './neighbours.ts';
import { ChassisSet, type IntegrationBridge } from './chassis.ts';

interface State {
  readonly nb: readonly Row[];
  readonly node: readonly Row[];
  readonly vms: ReadonlyMap<string, VmPlan>;
  readonly natGateways: ReadonlyMap<string, NatGatewayPlan>;
}

const EMPTY: State = { nb: [], node: [], vms: new Map(), natGateways: new Map() };
/** A VM's port moved to another node's chassis between phases (live migration), and how long it took. */
export interface Move {
  readonly vm: string;
  readonly from: string;
  readonly to: string;
  readonly ms: number;
}

/**
 * Waits for every step, then fails with the first failure: a teardown after a failed step must
 * not race the steps still building (they would leave namespaces behind).
 */
async function allSettled(steps: readonly Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(steps)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** A plan without its node: two plans that differ only there are one VM migrating. */
const placeless = (vm: VmPlan) => JSON.stringify({ ...vm, node: undefined });

/** The upstream host's "who am I" port (Namespaces.whoAmI); `to: internet` tcp probes should avoid it. */
export const SEEN_AS_PORT = 47474;

function addressesOf(spec: TopologySpec): Map<string, Addressed> {
  try {
    return assignAddresses(spec);
  } catch (e) {
    if (e instanceof IpamExhausted) throw new TargetError(`lab: ${e.message}`);
    throw e;
  }
}

export class LabRealized implements Realized {
  readonly internetIP = UPSTREAM_IP;
  readonly seenAsPort = SEEN_AS_PORT;
  readonly runId: string;
  private state: State = EMPTY;
  private latest: Readiness = { kind: 'programmed', checked: 'nothing built yet', waitedMs: 0 };
  private readonly streams = new Set<ChildStream>();
  private readonly consoles = new Map<string, ChildStream>();
  private readonly namespaces: Namespaces;
  private readonly dhcp: LabDhcp;
  /** When each managedtap VM's DHCP client started. */
  private readonly clients = new Map<string, number>();
  /** A guest's boot lease, as first seen: later phases report the same one. */
  private readonly leases = new Map<string, Promise<Lease>>();
  private creds?: LabCredentials;
  private downPromise?: Promise<void>;
  /** A multi-node run's chassis, one per node; absent: every port is on the lab's shared chassis. */
  private chassis?: ChassisSet;
  private readonly movesMade: Move[] = [];
  /** The kernel's neighbour-table overflows since boot, when the run began. */
  private readonly tableFullsAtStart = neighbourTableFulls();

  constructor(private readonly daemons: LabDaemons, private readonly names: RunNames, private readonly log: Logger, private readonly nicOf: (vm: string) => string) {
    this.runId = names.runId;
    this.namespaces = new Namespaces(names);
    this.dhcp = new LabDhcp(daemons, names);
  }

  incidents(): string[] {
    const overflows = neighbourTableFulls() - this.tableFullsAtStart;
    if (overflows <= 0) return [];
    // The counter is the machine's: another lab's runs at the same time count too.
    return [`the kernel's neighbour (ARP) table was full ${overflows} time${overflows > 1 ? 's' : ''} while this run was up (table_fulls in /proc/net/stat/arp_cache): ` +
      'new ARP entries were refused, so cells may have failed for that and not for the network; raise net.ipv4.neigh.default.gc_thresh3 or probe fewer VMs at once'];
  }

  get readiness(): Readiness {
    return this.latest;
  }

  /** The bridge a node's ports plug into: its chassis on a multi-node run, else the lab's shared one. */
  private bridgeOf(node: string | undefined): IntegrationBridge {
    return this.chassis ? this.chassis.get(node) : this.daemons;
  }

  /**
   * The OVN chassis (Chassis row name) a VM's port is bound on: its node's on a multi-node run,
   * the lab's shared chassis otherwise.
   */
  chassisOf(vm: string): string {
    return this.chassis ? this.chassis.get(this.plan(vm).node).name : this.daemons.chassis;
  }

  /** The migrations made so far, in order. */
  get moves(): readonly Move[] {
    return this.movesMade;
  }

  /**
   * Builds the first phase: a multi-node spec's chassis first, then node and upstream namespaces,
   * then the same path as update().
   */
  async build(spec: TopologySpec): Promise<void> {
    const node = nodeRows(spec);
    await mkdir(this.names.runDir, { recursive: true, mode: 0o700 });
    if ((spec.nodes?.length ?? 1) > 1) {
      const started = Date.now();
      const { chassis, problems } = await ChassisSet.build(this.names, spec.nodes!, this.daemons.sbSock);
      this.chassis = chassis;
      for (const p of problems) this.log.warn(`lab: ${p}`);
      this.log.info(`lab ${this.runId}: ${chassis.chassis.length} chassis up in ${Date.now() - started} ms`);
    }
    const creds = createCredentials(this.names.runDir);
    await allSettled([creds, this.namespaces.addNode(diffRows([], node).creations, this.bridgeOf(undefined))]);
    this.creds = await creds;
    await this.namespaces.whoAmI(SEEN_AS_PORT);
    this.state = { ...EMPTY, node };
    await this.update(spec);
  }

  async update(next: TopologySpec): Promise<UpdateResult> {
    this.daemons.assertAlive();
    const running = this.state.vms.size > 0;
    const addresses = addressesOf(next);
    const target: State = {
      nb: nbRows(next, this.names, addresses),
      node: nodeRows(next),
      vms: new Map(vmPlans(this.names, addresses, this.nicOf).map((p) => [p.name, p])),
      natGateways: new Map(natGatewayPlans(next, this.names).map((p) => [p.name, p])),
    };
    const nb = diffRows(this.state.nb, target.nb);
    const node = diffRows(this.state.node, target.node);
    const same = <T>(a: T | undefined, b: T | undefined) => JSON.stringify(a) === JSON.stringify(b);
    // On one chassis a VM's node is only a label; across chassis a node change is a migration.
    const samePlace = (a: VmPlan | undefined, b: VmPlan | undefined) => (this.chassis ? !!a && !!b && placeless(a) === placeless(b) : same(a, b));
    const gone = [...this.state.vms.values()].filter((vm) => !samePlace(vm, target.vms.get(vm.name)));
    const added = [...target.vms.values()].filter((vm) => !samePlace(vm, this.state.vms.get(vm.name)));
    const moved = this.chassis ? [...target.vms.values()].filter((vm) => samePlace(vm, this.state.vms.get(vm.name)) && vm.node !== this.state.vms.get(vm.name)!.node) : [];
    if (!this.chassis && next.tunnelsDown?.length) throw new TargetError(`lab: tunnels between nodes can be cut only on a run with more than one node`);
    // Before anything changes: a VM on a node the run has no chassis for would fail half-built.
    for (const vm of target.vms.values()) this.bridgeOf(vm.node);
    for (const pair of next.tunnelsDown ?? []) pair.forEach((n) => this.bridgeOf(n));
    for (const vm of gone) {
      this.closeConsole(vm.name);
      this.clients.delete(vm.name);
      this.leases.delete(vm.name);
    }
    // A gateway whose plan changed is built again: a fresh namespace also starts with no
    // conntrack entries of the rules it had (nat-gateway.sh deletes rules without a flush).
    const goneGws = [...this.state.natGateways.values()].filter((g) => !same(g, target.natGateways.get(g.name)));
    const addedGws = [...target.natGateways.values()].filter((g) => !same(g, this.state.natGateways.get(g.name)));
    await this.namespaces.remove([...gone, ...goneGws].map((x) => x.namespace),
      [...gone.map((vm) => ({ hostIf: vm.hostIf, at: this.bridgeOf(vm.node) })), ...goneGws.map((g) => ({ hostIf: g.hostIf, at: this.bridgeOf(undefined) }))]);
    const commands = [...nb.removals, ...nb.creations];
    // Removals and creations in a transaction each: within one, ovn-nbctl still sees a router
    // policy it deleted and refuses to add it again ("Same routing policy already existed").
    const nbTransactions = [nb.removals, nb.creations].filter((c) => c.length);
    await allSettled([
      (async () => {
        for (const t of nbTransactions) await this.daemons.guard(this.daemons.nbctl(transaction(t)));
      })(),
      this.namespaces.updateNode(node.removals, node.creations),
      this.namespaces.addVms(added, (vm) => this.bridgeOf(vm.node)),
      this.namespaces.addNatGateways(addedGws, this.bridgeOf(undefined)),
      Promise.all(moved.map((vm) => this.migrate(vm, this.state.vms.get(vm.name)!.node))),
      this.setTunnelsDown(next.tunnelsDown ?? []),
    ]);
    this.state = target;
    const dhcpCommands = await this.dhcp.sync(next, addresses);
    const synced = Date.now();
    await this.daemons.syncHv();
    // VMs joining a running topology announce themselves, once OVN has their ports (before, the
    // announcement would be dropped).
    if (running && added.length) await this.namespaces.announce(added);
    // After the DHCP rows are installed, as a guest's client would find them when it boots.
    const clients = added.filter((vm) => vm.dhcpClient);
    await startClients(clients, this.names.runDir);
    for (const vm of clients) this.clients.set(vm.name, Date.now());
    // The lab writes the NB rows itself and waits for ovn-controller to install them.
    this.latest = { kind: 'programmed', checked: `${commands.length + dhcpCommands} NB commands in ${nbTransactions.length} ovn-nbctl transaction${nbTransactions.length === 1 ? '' : 's'}, installed by ovn-controller (ovn-nbctl --wait=hv sync)`, waitedMs: Date.now() - synced };
    this.log.info(`lab ${this.runId}: ${commands.length + dhcpCommands} NB commands, ${added.length} VMs added, ${gone.length} removed` +
      (goneGws.length + addedGws.length ? `, NAT gateways: ${addedGws.length} built, ${goneGws.length} removed` : ''));
    // A VM whose plan changed was removed and added again: a new namespace, a fresh console.
    return { replaced: gone.filter((vm) => target.vms.has(vm.name)).map((vm) => vm.name), readiness: this.latest };
  }

  /** Moves a VM's port to its new node's chassis; its namespace, and so its sessions, stay. */
  private async migrate(vm: VmPlan, from: string): Promise<void> {
    const ms = await this.chassis!.move(vm, this.chassis!.get(from), this.chassis!.get(vm.node));
    this.movesMade.push({ vm: vm.name, from, to: vm.node, ms });
    this.log.info(`lab ${this.runId}: VM ${vm.name} moved from node ${from} to ${vm.node} in ${ms.toFixed(0)} ms`);
  }

  private async setTunnelsDown(down: readonly NodePair[]): Promise<void> {
    if (!this.chassis) return;
    const { cut, restored } = await this.chassis.setTunnelsDown(down);
    if (cut + restored) this.log.info(`lab ${this.runId}: tunnels cut ${cut}, restored ${restored} (${down.length} down)`);
  }

  private plan(vm: string): VmPlan {
    const plan = this.state.vms.get(vm);
    if (!plan) throw new TargetError(`lab: run ${this.runId} has no VM ${vm}`);
    return plan;
  }

  vm(name: string): RealizedVm {
    const p = this.plan(name);
    return { name: p.name, ip: p.ip, mac: p.mac, gateway: p.gateway, subnet: p.subnet, nic: p.nic };
  }

  async lease(vm: string): Promise<Lease | undefined> {
    const plan = this.plan(vm);
    const started = this.clients.get(vm);
    if (!plan.dhcpClient || started === undefined) return undefined;
    let lease = this.leases.get(vm);
    if (!lease) this.leases.set(vm, (lease = awaitLease(plan, this.names.runDir, started, plan.dhcpServer)));
    return lease;
  }

  /** The upstream host (192.0.2.1, externalNetwork.gateway): the source of `from: external` cells. */
  async externalSession(): Promise<Session> {
    return new ExecSession(EXTERNAL, this.names.upstreamNamespace());
  }

  /** Runs a program in a NAT gateway's namespace (tests read its iptables and routes). */
  natGatewayExec(gw: string, argv: readonly string[]): Promise<ProcessOutput> {
    const plan = this.state.natGateways.get(gw);
    if (!plan) throw new TargetError(`lab: run ${this.runId} has no NAT gateway ${gw}`);
    return inNamespace(plan.namespace, argv, { allowFailure: true });
  }

  reach(vm: string): string {
    return `ip netns exec ${this.namespace(vm)} bash`;
  }

  namespace(vm: string): string {
    return this.plan(vm).namespace;
  }

  /** Runs a program in the VM's namespace; a non-zero exit is returned, not thrown. */
  exec(vm: string, argv: readonly string[], options: { timeoutMs?: number } = {}): Promise<ProcessOutput> {
    return inNamespace(this.namespace(vm), argv, { allowFailure: true, timeoutMs: options.timeoutMs });
  }

  /** Credentials of the VMs' console and sshd, made for this run. Never log them. */
  get credentials(): LabCredentials {
    if (!this.creds) throw new TargetError(`lab: run ${this.runId} is not built`);
    return this.creds;
  }

  private track(stream: ChildStream): Duplex {
    this.streams.add(stream);
    void stream.exited.then(() => this.streams.delete(stream));
    return stream.stream;
  }

  private closeConsole(vm: string): void {
    void this.consoles.get(vm)?.close();
    this.consoles.delete(vm);
  }

  /** A serial console: like KubeVirt's, one at a time per VM, so a new one closes the previous. */
  consoleStream(vm: string): Duplex {
    const plan = this.plan(vm);
    this.closeConsole(vm);
    const console = openConsole(plan, this.names.runDir, plan.dhcpClient ? clientLog(this.names.runDir, vm) : undefined);
    this.consoles.set(vm, console);
    return this.track(console);
  }

  /** A TCP stream to the VM's sshd (started on first use). */
  async sshStream(vm: string): Promise<Duplex> {
    const plan = this.plan(vm);
    await ensureSshd(labSshd(plan, this.names.runDir));
    return this.track(openSshRelay(plan));
  }

  async openSession(vm: string, transport: Transport): Promise<Session> {
    if (transport === 'exec') return new ExecSession(vm, this.namespace(vm));
    const creds = this.credentials;
    if (transport === 'console') return openConsoleSession(this.consoleStream(vm), { vm, username: creds.username, password: creds.password });
    return openSshSession(await this.sshStream(vm), { vm, username: creds.username, privateKey: creds.privateKey, hostKey: publicKeyBlob(creds.hostPublicKey) });
  }

  async diagnose(request: DiagnoseRequest): Promise<Evidence[]> {
    const to = parseIPv4(request.toIp);
    // Traffic to or from the external network may cross a NAT gateway: its rules' packet
    // counters show which one matched, its routes where the answer went.
    const external = request.from === EXTERNAL || contains(parsePrefix(`${UPSTREAM_IP}/24`), to) ? await this.natGatewayEvidence() : [];
    if (request.from === EXTERNAL) return external;
    const from = this.plan(request.from);
    const onLink = [...this.state.vms.values()].find((p) => p.ip === request.toIp && p.subnet === from.subnet && contains(parsePrefix(`${from.ip}/${from.prefixLength}`), to));
    return [...await diagnose(this.daemons, this.bridgeOf(from.node), this.names, from, onLink, request), ...external];
  }

  private natGatewayEvidence(): Promise<Evidence[]> {
    const commands = (gw: string): [string, string[]][] => [[`NAT gateway ${gw}'s nat table`, ['iptables', '-t', 'nat', '-L', '-n', '-v']], [`NAT gateway ${gw}'s routes`, ['ip', '-4', 'route']]];
    return Promise.all([...this.state.natGateways.values()].flatMap((g) => commands(g.name).map(async ([title, argv]): Promise<Evidence> => {
      const r = await inNamespace(g.namespace, argv, { allowFailure: true, timeoutMs: 15_000 });
      return { title, command: `ip netns exec ${g.namespace} ${argv.join(' ')}`, output: r.stdout + r.stderr };
    })));
  }

  /** Removes everything of this run, even after a failed build or a dead daemon. Safe twice. */
  down(): Promise<void> {
    this.downPromise ??= (async () => {
      await Promise.all([...this.streams].map((s) => s.close()));
      try {
        await teardownRun(this.daemons, this.runId);
      } finally {
        await leaveLab(this.daemons, this.runId);
      }
    })();
    return this.downPromise;
  }
}
