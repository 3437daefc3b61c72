// Desired state as rows with stable ids, and the minimal commands between two states. Used for
// the OVN northbound database (nb-commands.ts) and for the node namespace (host-plan.ts).

/** One command as an argument list (an ovn-nbctl command, or a program and its arguments). */
export type Command = readonly string[];

export interface Row {
  readonly id: string;
  /** Rows this one lives in or points at: recreating a parent recreates the row. */
  readonly parents: readonly string[];
  readonly create: readonly Command[];
  readonly remove: readonly Command[];
}

/**
 * The commands that turn `prev` into `next`: removals of vanished or changed rows (children first),
 * then creations (parents first). A row is changed when its commands differ or a parent is recreated.
 */
export function diffRows(prev: readonly Row[], next: readonly Row[]): { removals: Command[]; creations: Command[] } {
  const before = new Map(prev.map((r) => [r.id, r]));
  const after = new Set(next.map((r) => r.id));
  const recreate = new Set<string>();
  for (const id of before.keys()) if (!after.has(id)) recreate.add(id);
  for (const row of next) {
    const old = before.get(row.id);
    if (!old || JSON.stringify(old) !== JSON.stringify(row) || row.parents.some((p) => recreate.has(p))) recreate.add(row.id);
  }
  const removals = [...prev].reverse().filter((r) => recreate.has(r.id)).flatMap((r) => r.remove);
  const creations = next.filter((r) => recreate.has(r.id)).flatMap((r) => r.create);
  return { removals, creations };
}

