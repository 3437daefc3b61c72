// What every walk through one topology shares: its routers' route and policy tables and its ACL
// index (Fabric), and the vocabulary of a walk's outcome (WalkEnd), its decisions, the NAT
// translations it made and the stops between chassis it passed.
import { AclIndex } from './acl.ts';
import { addressSetMembers, buildPolicyTable, type PolicyTable } from './policies.ts';
import { buildRouteTable, networkOf, type RouteTable } from './routes.ts';
import type { Disposition } from './types.ts';
import type { GatewayInfo, Owner, World } from './world.ts';

export type WalkEnd =
  | { readonly ok: true; readonly owner: Owner }
  /** `atSource`: the sending VM itself had no route, which ping reports as "Network is unreachable". */
  | { readonly ok: false; readonly disposition: Disposition; readonly reason: string; readonly atSource?: boolean };

/** What a walk decided, for the one-line reason of a delivered probe. */
export interface Decision {
  readonly text: string;
  /** Connected routes are left out of the reason when a static route (or NAT) also decided. */
  readonly kind: 'connected' | 'route' | 'acl';
}

/** A rewrite a NAT gateway or the node made to the request: `before` became `after`. */
export interface Translation {
  /** undefined: the node's MASQUERADE (natOutgoing). */
  readonly gw?: GatewayInfo;
  /** snat rewrote the source, dnat the destination. */
  readonly kind: 'snat' | 'dnat';
  readonly before: number;
  readonly after: number;
}

/**
 * Where a packet is between chassis: a VM, a NAT gateway, the node namespace or the external
 * network's host. Routers are distributed (OVN runs them on the sending chassis), so a packet
 * tunnels straight from one stop to the next; consecutive stops on different nodes cross a tunnel.
 */
export interface Stop {
  /** As a reason names it: "vm1", "NAT gateway gw1", "the node namespace", "the external host". */
  readonly at: string;
  readonly node: string;
}

/** The routers and ACLs of one topology, shared by every walk. */
export class Fabric {
  readonly acls: AclIndex;
  /** Address-set members, for policy matches. */
  readonly sets: ReadonlyMap<string, ReadonlySet<number>>;
  private readonly tables = new Map<string, RouteTable>();
  private readonly policyTables = new Map<string, PolicyTable>();
  constructor(readonly world: World) {
    this.acls = new AclIndex(world);
    this.sets = addressSetMembers(world);
    for (const vpc of world.vpcs.keys()) {
      const table = buildRouteTable(world, vpc);
      this.tables.set(vpc, table);
      this.policyTables.set(vpc, buildPolicyTable(world, vpc, (hop) => networkOf(table, hop) !== undefined));
    }
  }
  table(vpc: string): RouteTable {
    return this.tables.get(vpc)!;
  }
  policies(vpc: string): PolicyTable {
    return this.policyTables.get(vpc)!;
  }
}
