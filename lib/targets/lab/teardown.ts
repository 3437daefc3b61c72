// Removes exactly what one run made, found by its names and external_ids rather than by memory,
// so the same code cleans a live run, a run killed with -9, and a run that failed half-built.
import { TargetError } from '../target.ts';
import type { LabDaemons } from './daemons.ts';
import { EXTERNAL_ID, RunNames, runOfNamespace } from './names.ts';
import { killInside, labNamespaces, Namespaces } from './namespaces.ts';

/** Root tables Kube-OVN-style objects hang from; their children go with them. */
const NB_TABLES = ['Logical_Router', 'Logical_Switch', 'Port_Group', 'Address_Set', 'DHCP_Options'];

async function findOwned(daemons: LabDaemons, tool: 'nb' | 'ovs', table: string, column: string, runId: string): Promise<string[]> {
  const args = ['--bare', `--columns=${column}`, 'find', table, `external_ids:${EXTERNAL_ID}=${runId}`];
  const { stdout } = tool === 'nb' ? await daemons.nbctl(args) : await daemons.vsctl(args);
  return stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

export async function teardownRun(daemons: LabDaemons, runId: string): Promise<void> {
  const names = new RunNames(runId);
  const namespaces = (await labNamespaces()).filter((ns) => runOfNamespace(ns) === runId);
  const up = new Set(daemons.running());
  const problems: string[] = [];
  const step = async (what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (e) {
      problems.push(`${what}: ${(e as Error).message}`);
    }
  };
  await step('processes', () => killInside(namespaces));
  // Without the conf database the ports cannot be listed; the daemons then stop with the lab.
  const hostIfs = up.has('ovsdb-server-conf') ? await findOwned(daemons, 'ovs', 'Interface', 'name', runId).catch(() => []) : [];
  await step('namespaces', () => new Namespaces(names).remove(namespaces, hostIfs.map((hostIf) => ({ hostIf, at: daemons }))));
  if (up.has('ovsdb-server-nb')) {
    await step('OVN rows', async () => {
      const rows = (await Promise.all(NB_TABLES.map(async (t) => (await findOwned(daemons, 'nb', t, '_uuid', runId)).map((u) => ['--', '--if-exists', 'destroy', t, u])))).flat(2);
      if (rows.length) await daemons.nbctl(rows);
    });
  }
  // After killInside: a live ovn-controller would register its chassis again. A dead chassis
  // left in the southbound database would stall every run's --wait=hv (it never acknowledges).
  if (up.has('ovsdb-server-sb')) {
    await step('chassis', async () => {
      const rows = (await runChassis(daemons)).filter((c) => c.runId === runId);
      if (rows.length) await daemons.sbctl(rows.flatMap((c) => ['--', '--if-exists', 'chassis-del', c.name]));
    });
  }
  if (problems.length) throw new TargetError(`lab: teardown of run ${runId} incomplete: ${problems.join('; ')}`);
}

/** Chassis rows of runs (named "<run>.<node>"); the lab's shared chassis has no "." in its name. */
export async function runChassis(daemons: LabDaemons): Promise<{ name: string; runId: string }[]> {
  const { stdout } = await daemons.sbctl(['--bare', '--columns=name', 'list', 'Chassis']);
  return stdout.split('\n').map((l) => l.trim()).filter((n) => n.includes('.')).map((name) => ({ name, runId: name.slice(0, name.indexOf('.')) }));
}

/** Run ids that own anything in this lab: namespaces anywhere, OVN rows in this lab's NB and SB. */
export async function runsWithObjects(daemons: LabDaemons): Promise<string[]> {
  const ids = new Set((await labNamespaces()).flatMap((ns) => runOfNamespace(ns) ?? []));
  if (daemons.running().includes('ovsdb-server-nb')) {
    for (const table of NB_TABLES) {
      const { stdout } = await daemons.nbctl(['--bare', '--columns=external_ids', 'find', table]);
      for (const m of stdout.matchAll(new RegExp(`${EXTERNAL_ID}=([a-z0-9-]+)`, 'g'))) ids.add(m[1]!);
    }
  }
  if (daemons.running().includes('ovsdb-server-sb')) for (const c of await runChassis(daemons)) ids.add(c.runId);
  return [...ids];
}
