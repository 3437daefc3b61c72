// Support for specs that follow a documented procedure literally: build a seed topology,
// open VMs' serial consoles, type the docs' commands, change objects as the docs' "Edit Config".
import { readFileSync } from 'node:fs';
import { loadTopology } from '../lib/topology/load.ts';
import type { Topology } from '../lib/topology/types.ts';
import type { Realized, Target } from '../lib/targets/target.ts';
import type { CommandResult, Session } from '../lib/sessions/session.ts';

export interface Procedure {
  readonly topology: Topology;
  readonly realized: Realized;
  /** The serial console of a VM, logged in (one per VM, reused). */
  console(vm: string): Promise<Session>;
  /** Types a command and returns what the console printed. */
  type(vm: string, command: string): Promise<CommandResult>;
  /** Types a command until its output matches (the data plane converges after a change). */
  typeUntil(vm: string, command: string, pattern: RegExp, timeoutMs?: number): Promise<CommandResult>;
  /** "Edit Config": the objects of the named phase of the topology file. */
  edit(phase: string): Promise<void>;
  close(): Promise<void>;
}

export async function startProcedure(file: string, target: Target, runId: string): Promise<Procedure> {
  const { topology } = loadTopology(readFileSync(file), file);
  if (!topology) throw new Error(`${file} is invalid: run vpcheck validate ${file}`);
  const realized = await target.up(topology, { runId, log: { info: () => undefined, warn: () => undefined } });
  const sessions = new Map<string, Promise<Session>>();
  const console = (vm: string) => sessions.get(vm) ?? sessions.set(vm, realized.openSession(vm, 'console')).get(vm)!;
  const type = async (vm: string, command: string) => (await console(vm)).run(command, { timeoutMs: 30_000 });
  return {
    topology,
    realized,
    console,
    type,
    async typeUntil(vm, command, pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = await type(vm, command);
        if (pattern.test(r.output) || Date.now() > deadline) return r;
        await new Promise((res) => setTimeout(res, 500));
      }
    },
    async edit(phase) {
      const next = topology.phases.find((p) => p.name === phase);
      if (!next) throw new Error(`${file} has no phase "${phase}"`);
      const { replaced } = await realized.update(next.topology);
      for (const vm of replaced) {
        const s = sessions.get(vm);
        sessions.delete(vm);
        await s?.then((x) => x.close()).catch(() => undefined);
      }
    },
    async close() {
      await Promise.all([...sessions.values()].map((s) => s.then((x) => x.close()).catch(() => undefined)));
      await realized.down();
    },
  };
}
