// The run's ends that are no VM: the external host (cells `from: external`, their control and the
// far end an EIP stands for) and the upstream's who-am-I service (the source address it saw for
// each VM's internet traffic). The runner calls these per phase.
import type { Cell, PhaseCells, Prediction } from '../model/index.ts';
import { buildControl, parseControl, type ControlObservation } from '../probes/control.ts';
import type { ProbeTry } from '../probes/runner.ts';
import { parseSeenAs, seenAsCommand } from '../probes/seen-as.ts';
import type { Tools } from '../probes/types.ts';
import type { Session } from '../sessions/session.ts';
import type { Realized, TargetKind } from '../targets/target.ts';
import { EXTERNAL, INTERNET } from '../topology/types.ts';
import { behindEip, controlChecks, eipDestination } from './controls.ts';
import type { ControlOutcome } from './judge.ts';
import { mapPool } from './pool.ts';
import type { VmControl } from './result.ts';

/** A VM's control in one phase: the record for the result, and what it saw when it passed. */
export interface CheckedVm {
  readonly record: VmControl;
  readonly seen?: ControlObservation;
}

/** The external host in one phase: its control, or why its cells are not run. */
export type ExternalHost = { readonly checked: CheckedVm } | { readonly skipped: string } | undefined;

/**
 * The external host's control, when the phase has cells from it: its session answers, and each
 * EIP its cells go to answers ARP there (a gateway holds it, so a timeout is the network's).
 * A target without an external host runs none of those cells.
 */
export async function externalControl(phase: PhaseCells, predictions: ReadonlyMap<Cell, Prediction>, realized: Realized, kind: TargetKind, session: () => Promise<Session>): Promise<ExternalHost> {
  const cells = phase.cells.filter((c) => c.from === EXTERNAL);
  if (!cells.length) return undefined;
  if (!realized.externalSession) {
    return { skipped: `not run: the ${kind} target has no external host to probe from (name a host on the cluster's external network with --external-host [user@]host[:port]; the lab's is its upstream host ${phase.spec.externalNetwork.gateway})` };
  }
  try {
    const control = buildControl({ neighbours: [...new Set(cells.map((c) => predictions.get(c)!.toIp))] });
    const seen = parseControl(control, (await (await session()).run(control.command, { timeoutMs: 30_000 })).output);
    const record: VmControl = { vm: EXTERNAL, ok: seen.ok, ...(seen.reason !== undefined && { reason: seen.reason }), checks: controlChecks(control, seen), guest: seen.guest };
    return { checked: seen.ok ? { record, seen } : { record } };
  } catch (e) {
    const detail = `session: ${(e as Error).message}`;
    return { checked: { record: { vm: EXTERNAL, ok: false, reason: detail, checks: [{ check: 'session', ok: false, detail }], guest: { status: 'unavailable', reason: `not read: ${detail}` } } } };
  }
}

/**
 * Per VM whose internet cell got an answer, the source address the upstream saw (one
 * connection to the target's who-am-I service); absent where the target has none.
 */
export async function seenSources(phase: PhaseCells, tries: ReadonlyMap<Cell, readonly ProbeTry[]>, tools: ReadonlyMap<string, Tools>, realized: Realized, concurrency: number, session: (vm: string) => Promise<Session>): Promise<Map<string, string | undefined>> {
  const port = realized.seenAsPort;
  const seen = new Map<string, string | undefined>();
  if (port === undefined) return seen;
  const answered = new Set(phase.cells.filter((c) => c.to === INTERNET && tools.has(c.from) && tries.get(c)?.at(-1)?.outcome === 'reachable').map((c) => c.from));
  await mapPool([...answered], concurrency, async (vm) => {
    const command = seenAsCommand(realized.internetIP, port, tools.get(vm)!.timeout);
    const ask = () => session(vm).then((s) => s.run(command, { timeoutMs: 15_000 })).then((r) => parseSeenAs(r.output), () => undefined);
    // A second try before the source is called unknown: one connection can be lost like a ping.
    seen.set(vm, (await ask()) ?? (await ask()));
  });
  return seen;
}

/** The far end of a cell from the external host: its EIP, and the VM a FIP or DNAT sends it to. */
export function eipEnd(phase: PhaseCells, cell: Cell, prediction: Prediction, controls: readonly CheckedVm[], outcomeOf: (vm: string) => ControlOutcome): ReturnType<typeof eipDestination> {
  const external = controls.find((c) => c.record.vm === EXTERNAL)?.seen;
  const behind = behindEip(phase.model, cell.to, cell.probe, cell.port);
  const vm = behind && phase.spec.vms.find((v) => v.name === behind.vm);
  return eipDestination(
    { name: cell.to, ip: prediction.toIp },
    external?.neighbours?.get(prediction.toIp),
    behind && vm ? { ...behind, listens: vm.listen.some((l) => l.port === behind.port), control: outcomeOf(behind.vm) } : undefined,
    cell.port,
  );
}

