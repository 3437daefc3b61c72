// Loads a topology file: bytes -> YAML -> structure -> typed objects with defaults -> semantic
// checks of the initial topology and of every phase. All problems of a file are reported at
// once, each with file, line, column and field path.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { joinPath, splitPath, type Diagnostic, type Severity } from './diagnostics.ts';
import { applyPhase, initialObjects, sourceOf, type PhaseChange } from './normalize.ts';
import { INITIAL_PHASE } from './phases.ts';
import type { RawTopology } from './schema.ts';
import { checkStructure } from './structure.ts';
import type { Expectation, Phase, Probes, Topology, TopologySpec } from './types.ts';
import { validateSpec, type Report } from './validate.ts';
import {
  checkBulkDestination, checkDuplicateExpectations, checkEndpoints, checkMegabytes, checkMtuSize, checkPort, DEFAULT_BULK_MEGABYTES, DEFAULT_MTU_SIZE, expectationOf, MEBIBYTE,
} from './validate-probes.ts';
import { nodePair, tunnelsAfter } from './nodes.ts';
import { validateNodeList } from './validate-nodes.ts';
import { readYaml } from './yaml-source.ts';

export interface LoadResult {
  /** Present when the file has no errors (warnings allowed). */
  readonly topology?: Topology;
  readonly diagnostics: readonly Diagnostic[];
}

export async function loadTopologyFile(file: string): Promise<LoadResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return { diagnostics: [{ severity: 'error', file, line: 1, col: 1, path: '', message: `cannot read the file: ${reason}` }] };
  }
  return loadTopology(bytes, file);
}

export function loadTopology(bytes: Uint8Array, file: string): LoadResult {
  const read = readYaml(bytes);
  if (!read.ok) {
    return { diagnostics: read.problems.map((p) => ({ severity: 'error' as const, file, ...p.pos, path: '', message: p.message })) };
  }
  const { source } = read;
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const report: Report = (severity: Severity, path: string, message: string, offset?: number) => {
    // A phase repeats its predecessor's objects: say each thing about a line once.
    const key = `${severity}|${path}|${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    const pos = source.locate(splitPath(path), offset === undefined ? undefined : { offset });
    diagnostics.push({ severity, file, ...pos, path, message });
  };

  const structure = checkStructure(source.value);
  for (const p of structure) {
    const pos = source.locate(p.at, { key: p.atKey });
    diagnostics.push({ severity: 'error', file, ...pos, path: joinPath(p.segments), message: p.message });
  }
  if (structure.length) return { diagnostics };

  const raw = source.value as RawTopology;
  const platform = raw.platform ?? 'harvester';
  let objects = initialObjects(raw);
  validateNodeList(raw.nodes, report);
  const context = { external: raw.externalNetwork, nodes: raw.nodes?.length ? raw.nodes : undefined };
  const initial = sourceOf(raw.name, platform, objects.raw, objects.origins, context);
  let usable = validateSpec(initial, report);
  let previous = initial.spec;

  const probes = probesOf(raw, initial.spec, report);
  const expect = expectationsOf(raw.expect, 'expect', initial.spec, report);
  for (const e of expect) {
    if (e.maxOutageMs !== undefined) report('error', `${e.path}.maxOutageMs`, 'maxOutageMs bounds the outage while a phase\'s change is applied: put this expectation under that phase (the initial build has no change to measure)');
  }

  const phases: Phase[] = [];
  const phaseNames = new Set<string>([INITIAL_PHASE]);
  (raw.phases ?? []).forEach((p, i) => {
    const path = `phases[${i}]`;
    if (phaseNames.has(p.name)) report('error', `${path}.name`, `phase name "${p.name}" is used twice (or is "initial", the implicit first phase)`);
    if (!p.patch && !p.add && !p.remove && !p.cutTunnels && !p.restoreTunnels) {
      report('error', path, `phase "${p.name}" changes nothing: give it remove:, add:, patch:, cutTunnels: or restoreTunnels:`);
    }
    phaseNames.add(p.name);
    const merged = applyPhase(objects, p as PhaseChange, path);
    for (const problem of merged.problems) report('error', problem.path, problem.message);
    objects = merged;
    const cut = p.cutTunnels ?? [];
    const restore = p.restoreTunnels ?? [];
    const tunnels = tunnelsAfter(previous.tunnelsDown ?? [], { cut, restore }, previous.nodes ?? [], path);
    for (const problem of tunnels.problems) report('error', problem.path, problem.message);
    const placed = new Map(previous.vms.map((v) => [v.name, v.node!]));
    const src = sourceOf(raw.name, platform, merged.raw, merged.origins, { ...context, placed, tunnelsDown: tunnels.down });
    usable = validateSpec(src, report) && usable && merged.problems.length === 0 && tunnels.problems.length === 0;
    previous = src.spec;
    phases.push({
      name: p.name, patch: p.patch ?? {},
      cutTunnels: tunnels.problems.length ? [] : cut.map(([a, b]) => nodePair(a!, b!)),
      restoreTunnels: tunnels.problems.length ? [] : restore.map(([a, b]) => nodePair(a!, b!)),
      expect: expectationsOf(p.expect, `${path}.expect`, src.spec, report), topology: deepFreeze(src.spec),
    });
  });

  diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
  if (!usable || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  const topology: Topology = {
    apiVersion: 'vpcheck/v1',
    kind: 'Topology',
    ...initial.spec,
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    probes,
    expect,
    phases,
    source: {
      file,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      locate: (path) => source.locate(splitPath(path)),
    },
  };
  return { topology: deepFreeze(topology), diagnostics };
}

function probesOf(raw: RawTopology, spec: TopologySpec, report: Report): Probes {
  const p = raw.probes ?? {};
  (p.icmp ?? []).forEach((x, i) => checkEndpoints(spec, x.from, x.to, `probes.icmp[${i}]`, report));
  (p.tcp ?? []).forEach((x, i) => {
    checkEndpoints(spec, x.from, x.to, `probes.tcp[${i}]`, report);
    checkPort(x.port, `probes.tcp[${i}].port`, report);
  });
  const mtu = (p.mtu ?? []).map((x, i) => {
    checkEndpoints(spec, x.from, x.to, `probes.mtu[${i}]`, report);
    if (x.size !== undefined) checkMtuSize(x.size, `probes.mtu[${i}].size`, report);
    return { from: x.from, to: x.to, size: x.size ?? DEFAULT_MTU_SIZE };
  });
  const bulk = (p.bulk ?? []).map((x, i) => {
    const path = `probes.bulk[${i}]`;
    checkEndpoints(spec, x.from, x.to, path, report);
    checkPort(x.port, `${path}.port`, report);
    if (x.megabytes !== undefined) checkMegabytes(x.megabytes, `${path}.megabytes`, report);
    checkBulkDestination(spec, x.to, x.port, path, report);
    return { from: x.from, to: x.to, port: x.port, size: (x.megabytes ?? DEFAULT_BULK_MEGABYTES) * MEBIBYTE };
  });
  return { mesh: p.mesh ?? true, internet: p.internet ?? true, icmp: p.icmp ?? [], tcp: p.tcp ?? [], mtu, bulk };
}

function expectationsOf(list: RawTopology['expect'], path: string, spec: TopologySpec, report: Report): Expectation[] {
  const out = (list ?? []).flatMap((e, i) => expectationOf(e, `${path}[${i}]`, spec, report) ?? []);
  checkDuplicateExpectations(out, report);
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
