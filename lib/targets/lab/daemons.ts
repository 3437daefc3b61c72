// The lab's OVS/OVN daemons, run from a private directory (never systemd, never the machine's
// default sockets): ovsdb-servers for conf.db, NB and SB, ovs-vswitchd on the userspace datapath,
// ovn-northd and ovn-controller. `--detach` returns once a daemon is initialized, so readiness
// is waited for, not slept for. Daemons are stopped by the pids they wrote, never by name.
import { readFile, rm } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TargetError } from '../target.ts';
import { isAlive } from './lock.ts';
import { bridgeName } from './names.ts';
import { run, type ProcessOptions } from './proc.ts';

export const DAEMONS = ['ovsdb-server-conf', 'ovsdb-server-nb', 'ovsdb-server-sb', 'ovs-vswitchd', 'ovn-northd', 'ovn-controller'] as const;
export type DaemonName = (typeof DAEMONS)[number];
const CHASSIS = 'vpcheck-lab';

/**
 * Whether a userspace vswitchd runs in the root network namespace, where the lab's would collide
 * with it on the tap "ovs-netdev". A multi-node run's chassis have theirs in namespaces of their
 * own (chassis.ts), which collide with nothing.
 */
function anyVswitchd(): boolean {
  const root = netnsOf('self');
  return readdirSync('/proc').some((p) => /^\d+$/.test(p) && readText(`/proc/${p}/comm`).trim() === 'ovs-vswitchd' && netnsOf(p) === root && isAlive(Number(p)));
}

function netnsOf(pid: string): number | undefined {
  try {
    return statSync(`/proc/${pid}/ns/net`).ino;
  } catch {
    return undefined;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export class LabDaemons {
  readonly bridge: string;
  /** The shared chassis' name (Chassis row, system-id): every port of a one-node run is bound here. */
  readonly chassis = CHASSIS;
  constructor(readonly dir: string) {
    this.bridge = bridgeName(dir);
  }

  get confSock(): string {
    return join(this.dir, 'conf.sock');
  }
  get nbSock(): string {
    return join(this.dir, 'nb.sock');
  }
  get sbSock(): string {
    return join(this.dir, 'sb.sock');
  }

  /** Keeps every OVS/OVN tool away from /var/run/openvswitch and /var/lib/ovn. */
  get env(): Record<string, string> {
    const d = this.dir;
    return { OVS_RUNDIR: d, OVS_DBDIR: d, OVS_LOGDIR: d, OVS_SYSCONFDIR: d, OVN_RUNDIR: d, OVN_DBDIR: d, OVN_LOGDIR: d, OVN_SYSCONFDIR: d };
  }

  /** ovs-vswitchd's control socket, for ovs-appctl -t. */
  get vswitchdCtl(): string {
    return this.file('ovs-vswitchd', 'ctl');
  }

  private file(name: DaemonName, ext: string): string {
    return join(this.dir, `${name}.${ext}`);
  }

  /** ovn-controller has no --unixctl: it puts its control socket in OVN_RUNDIR by itself. */
  private common(name: DaemonName): string[] {
    const ctl = name === 'ovn-controller' ? [] : [`--unixctl=${this.file(name, 'ctl')}`];
    return [`--pidfile=${this.file(name, 'pid')}`, `--log-file=${this.file(name, 'log')}`, ...ctl, '--detach', '--no-chdir'];
  }

  /** Pid of a daemon if it runs; the command-line check guards against a recycled pid. */
  pid(name: DaemonName): number | undefined {
    const pid = Number(readText(join(this.dir, `${name}.pid`)).trim());
    return pid && isAlive(pid) && readText(`/proc/${pid}/cmdline`).includes(this.dir) ? pid : undefined;
  }

  running(): DaemonName[] {
    return DAEMONS.filter((d) => this.pid(d) !== undefined);
  }

  dead(): DaemonName[] {
    return DAEMONS.filter((d) => this.pid(d) === undefined);
  }

  /** Fails fast, naming the daemons that died, so no command waits for a dead ovn-controller. */
  assertAlive(): void {
    const dead = this.dead();
    if (dead.length) throw new TargetError(`lab: ${dead.join(', ')} not running (lab ${this.dir}); see ${dead.map((d) => `${d}.log`).join(', ')} there`);
  }

  async start(): Promise<void> {
    await this.stop();
    try {
      await this.bringUp();
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  private async bringUp(): Promise<void> {
    // The userspace datapath's tap "ovs-netdev" has one name per machine: a second vswitchd on
    // the netdev datapath cannot open it, and its lab would never converge.
    if (anyVswitchd()) throw new TargetError(`lab: another ovs-vswitchd runs on this machine; the lab needs the userspace datapath to itself (one lab dir per machine)`);
    const opt: ProcessOptions = { env: this.env, timeoutMs: 15_000 };
    const dbs = [['conf', '/usr/share/openvswitch/vswitch.ovsschema'], ['nb', '/usr/share/ovn/ovn-nb.ovsschema'], ['sb', '/usr/share/ovn/ovn-sb.ovsschema']] as const;
    await Promise.all(dbs.map(async ([db, schema]) => {
      const file = join(this.dir, `${db}.db`);
      await rm(file, { force: true });
      await run('ovsdb-tool', ['create', file, schema], opt);
      await run('ovsdb-server', [file, `--remote=punix:${join(this.dir, `${db}.sock`)}`, ...this.common(`ovsdb-server-${db}`)], opt);
    }));
    const ids = { 'system-id': CHASSIS, 'ovn-remote': `unix:${this.sbSock}`, 'ovn-encap-type': 'geneve', 'ovn-encap-ip': '127.0.0.1', 'ovn-bridge': this.bridge, 'ovn-bridge-datapath-type': 'netdev' };
    await run('ovs-vsctl', [`--db=unix:${this.confSock}`, '--no-wait', '--', 'init', '--', 'set', 'Open_vSwitch', '.', ...Object.entries(ids).map(([k, v]) => `external_ids:${k}=${v}`),
      '--', 'add-br', this.bridge, '--', 'set', 'Bridge', this.bridge, 'datapath_type=netdev', 'fail-mode=secure', 'other-config:disable-in-band=true'], opt);
    await Promise.all([
      run('ovs-vswitchd', [`unix:${this.confSock}`, '--disable-system', ...this.common('ovs-vswitchd')], opt),
      run('ovn-northd', [`--ovnnb-db=unix:${this.nbSock}`, `--ovnsb-db=unix:${this.sbSock}`, ...this.common('ovn-northd')], opt),
      run('ovn-controller', [`unix:${this.confSock}`, ...this.common('ovn-controller')], opt),
    ]);
    await this.guard(run('ovn-sbctl', [`--db=unix:${this.sbSock}`, '--timeout=10', 'wait-until', 'Chassis', CHASSIS], opt));
    await this.syncHv();
  }

  /**
   * `ovn-nbctl --wait=hv sync`: returns once ovn-controller has installed everything in the NB
   * database. Bounded, and abandoned as soon as a daemon dies.
   */
  async syncHv(timeoutMs = 30_000): Promise<void> {
    this.assertAlive();
    await this.guard(this.nbctl(['--wait=hv', `--timeout=${Math.ceil(timeoutMs / 1000)}`, 'sync'], timeoutMs + 2000));
  }

  nbctl(args: readonly string[], timeoutMs = 30_000) {
    return run('ovn-nbctl', [`--db=unix:${this.nbSock}`, ...args], { env: this.env, timeoutMs });
  }

  sbctl(args: readonly string[], timeoutMs = 30_000) {
    return run('ovn-sbctl', [`--db=unix:${this.sbSock}`, ...args], { env: this.env, timeoutMs });
  }

  vsctl(args: readonly string[]) {
    return run('ovs-vsctl', [`--db=unix:${this.confSock}`, '--timeout=20', ...args], { env: this.env });
  }

  /** Awaits `work`, but fails with the dead daemon's name the moment one dies. */
  async guard<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const watch = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        try {
          this.assertAlive();
        } catch (e) {
          reject(e);
        }
      }, 100);
    });
    try {
      return await Promise.race([work, watch]);
    } finally {
      clearInterval(timer);
      work.catch(() => undefined);
    }
  }

  /**
   * Stops whatever of this lab runs. ovs-vswitchd leaves with `exit --cleanup`, which deletes its
   * userspace datapath and the tap devices behind it; the rest get SIGTERM by recorded pid.
   */
  async stop(): Promise<void> {
    const vswitchd = this.pid('ovs-vswitchd');
    const exited = vswitchd !== undefined &&
      (await run('ovs-appctl', ['-t', this.file('ovs-vswitchd', 'ctl'), 'exit', '--cleanup'], { env: this.env, timeoutMs: 10_000, allowFailure: true })).exitCode === 0;
    const pids = [...DAEMONS].reverse().flatMap((d) => this.pid(d) ?? []);
    for (const pid of pids) process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (pids.some(isAlive) && Date.now() < deadline) await sleep(20);
    for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
    // The bridge's tap device outlives a vswitchd that died, and now and then even `exit --cleanup`.
    if (exited || existsSync(this.file('ovs-vswitchd', 'pid'))) await run('ip', ['link', 'del', this.bridge], { allowFailure: true });
    // The netdev datapath's own tap "ovs-netdev" survives even `exit --cleanup`; it is shared by
    // every userspace vswitchd, so it goes only when none is left on the machine.
    if (pids.length && !anyVswitchd()) await run('ip', ['link', 'del', 'ovs-netdev'], { allowFailure: true });
    await Promise.all(DAEMONS.map((d) => Promise.all(['pid', 'ctl'].map((e) => rm(this.file(d, e), { force: true })))));
  }

  async logTail(name: DaemonName, lines = 20): Promise<string> {
    const text = await readFile(join(this.dir, `${name}.log`), 'utf8').catch(() => '');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  }
}
