// The embedded default target: a real OVN data plane on this machine (DESIGN.md "The lab").
import { release } from 'node:os';
import type { TopologySpec } from '../../topology/types.ts';
import { TRANSPORTS, type RunContext, type Target } from '../target.ts';
import { checkMachine } from './bootstrap.ts';
import { LabDaemons } from './daemons.ts';
import { DEFAULT_LAB_DIR, RunNames, VM_NIC } from './names.ts';
import { run } from './proc.ts';
import { LabRealized } from './realized.ts';
import { isLive, joinLab, leaveLab, readRecord, recordedRuns } from './registry.ts';
import { runsWithObjects, teardownRun } from './teardown.ts';

export interface LabOptions {
  /** Where the lab's daemons keep databases, sockets, pids and logs. */
  readonly labDir?: string;
  /**
   * Each guest's NIC name: enp1s0 (the default) as the docs' VMs have it; a fake cluster's Pod on
   * Kube-OVN's primary network has eth0.
   */
  readonly vmNic?: (vm: string) => string;
}

export class LabTarget implements Target {
  readonly kind = 'lab' as const;
  readonly transports = TRANSPORTS.lab;
  readonly labDir: string;
  private readonly vmNic: (vm: string) => string;

  constructor(options: LabOptions = {}) {
    this.labDir = options.labDir ?? DEFAULT_LAB_DIR;
    this.vmNic = options.vmNic ?? (() => VM_NIC);
  }

  async versions(): Promise<Record<string, string>> {
    const first = async (file: string) => (await run(file, ['--version'])).stdout.split('\n')[0]!.replace(/^.*?\s(?=\d)/, '').trim();
    const [ovs, ovn] = await Promise.all([first('ovs-vswitchd'), first('ovn-controller')]);
    return { ovs, ovn, kernel: release() };
  }

  async up(spec: TopologySpec, context: RunContext): Promise<LabRealized> {
    checkMachine();
    const names = new RunNames(context.runId);
    const daemons = await joinLab(new LabDaemons(this.labDir), names.runId, (m) => context.log.warn(m));
    const realized = new LabRealized(daemons, names, context.log, this.vmNic);
    try {
      await realized.build(spec);
    } catch (e) {
      await realized.down().catch((cleanup: Error) => context.log.warn(`lab: cleanup after failed build: ${cleanup.message}`));
      throw e;
    }
    return realized;
  }

  /**
   * Removes runs left behind (kill -9, a crash mid-build). `all` skips runs whose process is
   * still alive: they are in use, and their own down() will remove them.
   */
  async down(which: { runId: string } | { all: true }): Promise<string[]> {
    checkMachine();
    const ids = 'runId' in which
      ? [new RunNames(which.runId).runId]
      : [...new Set([...(await recordedRuns()).map((r) => r.runId), ...(await runsWithObjects(new LabDaemons(this.labDir)))])];
    const removed: string[] = [];
    for (const id of ids) {
      const record = await readRecord(id);
      if ('all' in which && record && isLive(record) && record.pid !== process.pid) continue;
      const daemons = new LabDaemons(record?.labDir ?? this.labDir);
      try {
        await teardownRun(daemons, id);
      } finally {
        await leaveLab(daemons, id);
      }
      removed.push(id);
    }
    if (!ids.length) await leaveLab(new LabDaemons(this.labDir));
    return removed;
  }
}

export { LabRealized } from './realized.ts';
export type { LabCredentials } from './credentials.ts';
