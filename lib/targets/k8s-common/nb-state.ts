// Reading the NB rows readiness expects (nb-expect.ts) with `ovn-nbctl --format=json` in two
// commands: the named rows first (routers, switches, port groups, ports, by `find ... name=`),
// then the rows they point at (router ports, static routes, policies, ACLs, by `list <uuid>...`).
// Parsing and comparing are pure; ovn-nbctl runs in programmed.ts.
import type { AclKey, NbExpectation, NbRow } from './nb-expect.ts';
import { matchAddresses } from './nb-expect.ts';

/** ovn-nbctl's JSON table: {"data": [[cell, ...], ...], "headings": [column, ...]}. */
interface JsonTable {
  readonly data: readonly (readonly unknown[])[];
  readonly headings: readonly string[];
}

export type NbRecord = Readonly<Record<string, unknown>>;

/** An atom as ovn-nbctl writes it in JSON: ["uuid", "..."] becomes the uuid, other atoms stay. */
const atom = (v: unknown): unknown => (Array.isArray(v) && (v[0] === 'uuid' || v[0] === 'named-uuid') ? v[1] : v);

/** A column's value as a list: a set is ["set", [atoms]], a one-element set the bare atom. */
export function setOf(v: unknown): unknown[] {
  if (Array.isArray(v) && v[0] === 'set') return (v[1] as unknown[]).map(atom);
  return [atom(v)];
}

/**
 * The tables of one ovn-nbctl call with --format=json, one per command, each on its own line;
 * rows as column -> value, uuids unwrapped.
 */
export function parseTables(stdout: string): NbRecord[][] {
  return stdout.split('\n').filter((l) => l.trim()).map((line, i) => {
    let table: JsonTable;
    try {
      table = JSON.parse(line) as JsonTable;
    } catch {
      throw new Error(`ovn-nbctl output, table ${i + 1}, is not JSON: ${line.slice(0, 120)}`);
    }
    if (!Array.isArray(table.data) || !Array.isArray(table.headings)) throw new Error(`ovn-nbctl output, table ${i + 1}, has no data and headings: ${line.slice(0, 120)}`);
    return table.data.map((row) => Object.fromEntries(table.headings.map((h, j) => [h, h === '_uuid' ? atom(row[j]) : row[j]])));
  });
}

/** The names of the rows an expectation looks up by name. */
export interface NamedRows {
  readonly routers: readonly string[];
  readonly switches: readonly string[];
  readonly portGroups: readonly string[];
  readonly ports: readonly string[];
}

export function namedRows(e: NbExpectation): NamedRows {
  const rows = [...e.present, ...e.absent];
  const names = (f: (r: NbRow) => string | undefined) => [...new Set(rows.map(f).filter((x): x is string => x !== undefined))].sort();
  return {
    routers: names((r) => ('router' in r ? r.router : undefined)),
    switches: names((r) => ('switch' in r ? r.switch : undefined)),
    portGroups: names((r) => ('portGroup' in r ? r.portGroup : undefined)),
    ports: names((r) => ('port' in r ? r.port : undefined)),
  };
}

const LOOKUPS = [
  ['routers', 'Logical_Router', '_uuid,name,ports,static_routes,policies'],
  ['switches', 'Logical_Switch', '_uuid,name,acls'],
  ['portGroups', 'Port_Group', '_uuid,name,ports,acls'],
  ['ports', 'Logical_Switch_Port', '_uuid,name,addresses'],
] as const;

/** One argument list: ovn-nbctl's JSON format, then the commands separated by "--". */
const call = (commands: readonly (readonly string[])[]): string[] => ['--format=json', ...commands.flatMap((c) => ['--', ...c])];

/** The first ovn-nbctl call: one `find` per name (an empty table when the row does not exist). */
export function findCommand(named: NamedRows): string[] {
  return call(LOOKUPS.flatMap(([key, table, columns]) => named[key].map((name) => [`--columns=${columns}`, 'find', table, `name=${JSON.stringify(name)}`])));
}

/** What the first call found: per kind, name -> row. */
export type Found = Readonly<Record<keyof NamedRows, ReadonlyMap<string, NbRecord>>>;

export function parseFound(named: NamedRows, stdout: string): Found {
  const tables = parseTables(stdout);
  let i = 0;
  const out = {} as Record<keyof NamedRows, Map<string, NbRecord>>;
  for (const [key] of LOOKUPS) {
    out[key] = new Map();
    for (const name of named[key]) {
      const table = tables[i++];
      if (!table) throw new Error(`ovn-nbctl printed ${tables.length} tables for ${LOOKUPS.reduce((n, [k]) => n + named[k].length, 0)} lookups`);
      if (table[0]) out[key].set(name, table[0]);
    }
  }
  return out;
}

const REFERENCED = [
  ['Logical_Router_Port', '_uuid,networks,peer', (f: Found) => [...f.routers.values()].flatMap((r) => setOf(r.ports))],
  ['Logical_Router_Static_Route', '_uuid,ip_prefix,nexthop,policy', (f: Found) => [...f.routers.values()].flatMap((r) => setOf(r.static_routes))],
  ['Logical_Router_Policy', '_uuid,priority,match,action', (f: Found) => [...f.routers.values()].flatMap((r) => setOf(r.policies))],
  ['ACL', '_uuid,direction,priority,match,action', (f: Found) => [...f.switches.values(), ...f.portGroups.values()].flatMap((r) => setOf(r.acls))],
] as const;

const uuidsOf = (f: Found, pick: (f: Found) => unknown[]) => [...new Set(pick(f).filter((u): u is string => typeof u === 'string'))];

/** The second call: the rows the found ones point at; undefined when they point at none. */
export function listCommand(found: Found): string[] | undefined {
  const commands = REFERENCED.flatMap(([table, columns, pick]) => {
    const uuids = uuidsOf(found, pick);
    return uuids.length ? [[`--columns=${columns}`, 'list', table, ...uuids]] : [];
  });
  return commands.length ? call(commands) : undefined;
}

interface RouterState {
  readonly ports: readonly { readonly network: string; readonly peered: boolean }[];
  readonly routes: readonly { readonly policy: string; readonly prefix: string; readonly nexthop: string }[];
  readonly policies: readonly { readonly priority: number; readonly match: string; readonly action: string }[];
}

/** The NB rows readiness looks at, by name. */
export interface NbState {
  readonly routers: ReadonlyMap<string, RouterState>;
  readonly switchAcls: ReadonlyMap<string, readonly AclKey[]>;
  readonly portGroups: ReadonlyMap<string, { readonly acls: readonly AclKey[]; readonly ports: readonly string[] }>;
  readonly ports: ReadonlyMap<string, { readonly addresses: readonly string[] }>;
}

/** The state from the first call's rows and the second call's output (absent when there was none). */
export function nbState(found: Found, listed: string | undefined): NbState {
  const tables = listed === undefined ? [] : parseTables(listed);
  const byUuid = new Map<string, NbRecord>();
  let i = 0;
  for (const [, , pick] of REFERENCED) {
    if (!uuidsOf(found, pick).length) continue;
    for (const row of tables[i++] ?? []) byUuid.set(row._uuid as string, row);
  }
  const rows = (v: unknown) => setOf(v).flatMap((u) => (typeof u === 'string' && byUuid.has(u) ? [byUuid.get(u)!] : []));
  const acl = (r: NbRecord): AclKey => ({ direction: r.direction as AclKey['direction'], priority: Number(r.priority), action: String(r.action), addresses: matchAddresses(String(r.match)) });
  const portName = new Map([...found.ports].map(([name, r]) => [r._uuid as string, name]));
  return {
    routers: new Map([...found.routers].map(([name, r]) => [name, {
      ports: rows(r.ports).flatMap((p) => setOf(p.networks).map((n) => ({ network: String(n), peered: setOf(p.peer).some((x) => typeof x === 'string' && x !== '') }))),
      // OVN reads an empty policy as dst-ip (ovn-nb(5) Logical_Router_Static_Route).
      routes: rows(r.static_routes).map((s) => ({ policy: setOf(s.policy).find((x) => typeof x === 'string' && x !== '') as string | undefined ?? 'dst-ip', prefix: String(s.ip_prefix), nexthop: String(s.nexthop) })),
      policies: rows(r.policies).map((p) => ({ priority: Number(p.priority), match: String(p.match), action: String(p.action) })),
    }])),
    switchAcls: new Map([...found.switches].map(([name, r]) => [name, rows(r.acls).map(acl)])),
    portGroups: new Map([...found.portGroups].map(([name, r]) => [name, {
      acls: rows(r.acls).map(acl),
      ports: setOf(r.ports).flatMap((u) => (typeof u === 'string' && portName.has(u) ? [portName.get(u)!] : [])),
    }])),
    ports: new Map([...found.ports].map(([name, r]) => [name, { addresses: setOf(r.addresses).map(String) }])),
  };
}

const squash = (match: string) => match.replace(/\s+/g, ' ').trim();

const sameAcl = (want: AclKey) => (have: AclKey) =>
  have.direction === want.direction && have.priority === want.priority && have.action === want.action &&
  (want.addresses === undefined || JSON.stringify(have.addresses) === JSON.stringify(want.addresses));

/** Whether the NB state holds the row. */
export function holds(state: NbState, row: NbRow): boolean {
  switch (row.kind) {
    case 'router': return state.routers.has(row.router);
    case 'route': return state.routers.get(row.router)?.routes.some((r) => r.policy === row.policy && r.prefix === row.prefix && r.nexthop === row.nexthop) ?? false;
    case 'policy': return state.routers.get(row.router)?.policies.some((p) => p.priority === row.priority && p.action === row.action && squash(p.match) === squash(row.match)) ?? false;
    case 'router-port': return state.routers.get(row.router)?.ports.some((p) => p.network === row.network && p.peered === row.peered) ?? false;
    case 'switch': return state.switchAcls.has(row.switch);
    case 'switch-acl': return state.switchAcls.get(row.switch)?.some(sameAcl(row.acl)) ?? false;
    case 'port-group': return state.portGroups.has(row.portGroup);
    case 'group-acl': return state.portGroups.get(row.portGroup)?.acls.some(sameAcl(row.acl)) ?? false;
    // "mac ip" (or "mac ip ip6"): the address is one of the words.
    case 'port': return state.ports.get(row.port)?.addresses.some((a) => a.split(/\s+/).includes(row.ip)) ?? false;
    case 'member': return state.portGroups.get(row.portGroup)?.ports.includes(row.port) ?? false;
  }
}

/** What keeps the NB state from meeting the expectation: rows missing, and taken-out rows still there. */
export function unmet(state: NbState, e: NbExpectation): { readonly missing: readonly NbRow[]; readonly stale: readonly NbRow[] } {
  return { missing: e.present.filter((r) => !holds(state, r)), stale: e.absent.filter((r) => holds(state, r)) };
}
