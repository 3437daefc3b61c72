// OVN native DHCP in the lab, as Kube-OVN sets it up for a Subnet with enableDHCP: one
// DHCP_Options row per subnet (lib/topology/dhcp.ts has its options) referenced by every port of
// the subnet (kubeovn/kube-ovn v1.14.10 pkg/controller/pod.go sets each port's dhcpv4_options to
// the subnet's row). A managedtap VM boots without an address and runs busybox udhcpc in its
// namespace; its output is the guest's boot log, shown on its console and in its control.
import { spawn } from 'node:child_process';
import { openSync, closeSync, existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectFile } from '../../project-files.ts';
import { dhcpV4Of } from '../../topology/dhcp.ts';
import type { TopologySpec } from '../../topology/types.ts';
import type { Addressed } from '../../topology/addresses.ts';
import type { LabDaemons } from './daemons.ts';
import type { VmPlan } from './host-plan.ts';
import { EXTERNAL_ID, type RunNames } from './names.ts';
import { inNamespace } from './proc.ts';

const SCRIPT = projectFile('lib/targets/lab/udhcpc.sh');
/** How long a managedtap VM may take for its lease before its control fails. */
export const LEASE_TIMEOUT_MS = 15_000;

/** A subnet's DHCP_Options as the lab writes it: Kube-OVN's options with a stable server_mac. */
export function dhcpRowOf(spec: TopologySpec, subnet: string, names: RunNames): { cidr: string; options: Record<string, string> } | undefined {
  const s = spec.subnets.find((x) => x.name === subnet)!;
  const dhcp = dhcpV4Of(s);
  if (!dhcp) return undefined;
  // Kube-OVN generates server_mac once per row (util.GenerateMac); a written one wins, as there.
  return { cidr: s.cidrBlock, options: { ...dhcp.options, server_mac: dhcp.serverMac ?? names.mac('dhcp', subnet) } };
}

/** An OVSDB map atom for ovn-nbctl: {k="v",...}. */
function ovsdbMap(map: Record<string, string>): string {
  return `{${Object.entries(map).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

/** The run's DHCP_Options rows, kept in step with each phase's subnets and ports. */
export class LabDhcp {
  /** Per subnet: the row's uuid and what it was written with. */
  private rows = new Map<string, { uuid: string; key: string }>();

  constructor(private readonly daemons: LabDaemons, private readonly names: RunNames) {}

  /**
   * Rows of subnets that lost enableDHCP or changed are destroyed (ports' references to them are
   * weak and go too), new ones created, and every port of a DHCP subnet pointed at its row: ports
   * the phase recreated lost their reference.
   */
  async sync(spec: TopologySpec, addresses: ReadonlyMap<string, Addressed>): Promise<number> {
    const wanted = new Map(spec.subnets.flatMap((s) => {
      const row = dhcpRowOf(spec, s.name, this.names);
      return row ? [[s.name, { ...row, key: JSON.stringify(row) }] as const] : [];
    }));
    const commands: string[][] = [];
    const next = new Map<string, { uuid: string; key: string }>();
    const created: string[] = [];
    for (const [subnet, old] of this.rows) {
      if (wanted.get(subnet)?.key === old.key) next.set(subnet, old);
      else commands.push(['--if-exists', 'destroy', 'DHCP_Options', old.uuid]);
    }
    for (const [subnet, row] of wanted) {
      if (next.has(subnet)) continue;
      const ref = `@dhcp${created.length}`;
      created.push(subnet);
      commands.push([`--id=${ref}`, 'create', 'DHCP_Options', `cidr=${JSON.stringify(row.cidr)}`, `options=${ovsdbMap(row.options)}`,
        `external_ids:${EXTERNAL_ID}=${this.names.runId}`, `external_ids:subnet=${subnet}`]);
      next.set(subnet, { uuid: ref, key: row.key });
    }
    for (const [vm, a] of addresses) {
      const row = next.get(a.subnet.name);
      if (row) commands.push(['set', 'Logical_Switch_Port', this.names.vmLsp(vm), `dhcpv4_options=${row.uuid}`]);
    }
    if (!commands.length) return 0;
    const { stdout } = await this.daemons.guard(this.daemons.nbctl(commands.flatMap((c) => ['--', ...c])));
    // ovn-nbctl prints the uuid of each `create`, in order.
    const uuids = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    created.forEach((subnet, i) => next.set(subnet, { uuid: uuids[i]!, key: next.get(subnet)!.key }));
    this.rows = next;
    return commands.length;
  }
}

/** Where a VM's DHCP client writes its output. */
export function clientLog(runDir: string, vm: string): string {
  return join(runDir, 'dhcp', `${vm}.log`);
}

/**
 * Starts udhcpc in each VM's namespace, detached, as a guest's init would: it retries for as long
 * as it runs and is ended with the namespace (killInside).
 */
export async function startClients(vms: readonly VmPlan[], runDir: string): Promise<void> {
  for (const vm of vms) {
    const log = clientLog(runDir, vm.name);
    await mkdir(dirname(log), { recursive: true });
    const fd = openSync(log, 'w');
    try {
      // -T 1 -t 3 -A 1: a discover a second, a second's pause after three; -O mtu asks for option 26.
      const child = spawn('ip', ['netns', 'exec', vm.namespace, 'busybox', 'udhcpc', '-f', '-i', vm.nic, '-s', SCRIPT, '-O', 'mtu', '-T', '1', '-t', '3', '-A', '1'], { detached: true, stdio: ['ignore', fd, fd] });
      child.unref();
    } finally {
      closeSync(fd);
    }
  }
}

export interface Lease {
  /** The address arrived (or none was expected and none came). */
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Waits for the VM's NIC to hold an address from its client. `expected`: a DHCP server answers
 * on its subnet; without one, the client's failed tries are the evidence that the guest has none.
 */
export async function awaitLease(vm: Pick<VmPlan, 'name' | 'namespace' | 'nic'>, runDir: string, startedAt: number, expected: boolean, timeoutMs = LEASE_TIMEOUT_MS): Promise<Lease> {
  const log = clientLog(runDir, vm.name);
  const output = () => (existsSync(log) ? readFileSync(log, 'utf8').trim() : '(no output)');
  // Without a server, three discovers a second apart and a leasefail show there is none.
  const deadline = startedAt + (expected ? timeoutMs : 4000);
  for (;;) {
    const { stdout } = await inNamespace(vm.namespace, ['ip', '-4', '-o', 'addr', 'show', 'dev', vm.nic], { allowFailure: true });
    const inet = /inet (\S+)/.exec(stdout)?.[1];
    if (inet) {
      const bound = /^vpcheck-dhcp: bound (.*)$/m.exec(output())?.[1] ?? inet;
      const took = Date.now() - startedAt;
      return expected
        ? { ok: true, detail: `udhcpc on ${vm.nic} bound ${bound}, ${took} ms after the client started` }
        : { ok: false, detail: `udhcpc on ${vm.nic} got ${bound} although no DHCP server should answer:\n${output()}` };
    }
    if (Date.now() >= deadline) {
      return expected
        ? { ok: false, detail: `no DHCP lease on ${vm.nic} within ${timeoutMs / 1000} s; udhcpc said:\n${output()}` }
        : { ok: true, detail: `no address on ${vm.nic}, as expected (no DHCP server on its subnet); udhcpc said:\n${output()}` };
    }
    await sleep(100);
  }
}
