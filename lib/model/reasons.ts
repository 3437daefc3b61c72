// The model's one-line reason for many cells at once (`plan`, `plan --json`). Cells between two
// VM classes (mesh.ts) take the same walk, and their reasons differ only where they name the two
// VMs or their addresses. So the reason of the first cell of a class pair becomes a template with
// those four slots, checked once against a second cell of the pair computed in full; a pair whose
// check fails (its text names a VM or address in some other role) is computed cell by cell.
// Anything else (tcp, an address as destination, a VM to itself) is always computed in full.
import { formatIPv4 } from '../net/ipv4.ts';
import { vmClasses } from './mesh.ts';
import type { Model } from './predict.ts';
import { INTERNET } from '../topology/types.ts';
import type { ProbeRequest } from './types.ts';

/** A reason split at its slots: text, slot, text, slot, ..., text. */
type Template = readonly (string | Slot)[];
const enum Slot { FromName, FromIp, ToName, ToIp }
interface Roles { readonly fromName: string; readonly fromIp: string; readonly toName: string; readonly toIp: string }

/** 'exact': the pair's reasons name its VMs in other roles too; compute every cell. */
type Entry = Template | 'exact';

export class Reasons {
  private readonly classOf = new Map<string, number>();
  private readonly members: readonly (readonly string[])[];
  private readonly ips = new Map<string, string>();
  private readonly cache = new Map<string, Entry>();

  constructor(private readonly model: Model) {
    const vms = [...model.world.vms.keys()];
    const classes = vmClasses(model.world, vms);
    vms.forEach((name, i) => this.classOf.set(name, classes.classOf[i]!));
    this.members = classes.members;
  }

  /** Exactly `model.predict(req).reason`. */
  reasonOf(req: ProbeRequest): string {
    const from = this.classOf.get(req.from);
    const to = req.to === INTERNET ? -1 : this.classOf.get(req.to);
    if (req.probe !== 'icmp' || from === undefined || to === undefined || req.from === req.to) return this.model.predict(req).reason;
    const key = `${from} ${to}`;
    let entry = this.cache.get(key);
    if (entry === undefined) this.cache.set(key, (entry = this.learn(req, this.members[from]!, to === -1 ? [INTERNET] : this.members[to]!)));
    return entry === 'exact' ? this.model.predict(req).reason : fill(entry, this.roles(req.from, req.to));
  }

  private learn(first: ProbeRequest, froms: readonly string[], tos: readonly string[]): Entry {
    const template = templateOf(this.model.predict(first).reason, this.roles(first.from, first.to));
    // A second cell of the pair, differing from the first in every role it can.
    const from = froms.find((m) => m !== first.from) ?? first.from;
    const to = tos.find((m) => m !== first.to && m !== from) ?? first.to;
    if (from === to || (from === first.from && to === first.to)) return template;
    const check = this.model.predict({ from, to, probe: 'icmp' }).reason;
    return fill(template, this.roles(from, to)) === check ? template : 'exact';
  }

  private roles(from: string, to: string): Roles {
    return { fromName: from, fromIp: this.ip(from), toName: to, toIp: this.ip(to) };
  }

  private ip(name: string): string {
    let ip = this.ips.get(name);
    if (ip === undefined) this.ips.set(name, (ip = formatIPv4(this.model.resolve(name))));
    return ip;
  }
}

/** Splits a reason at whole-word occurrences of the cell's VM names and addresses. */
function templateOf(reason: string, roles: Roles): Template {
  const slots = new Map<string, Slot>([
    [roles.fromName, Slot.FromName], [roles.fromIp, Slot.FromIp], [roles.toName, Slot.ToName], [roles.toIp, Slot.ToIp],
  ]);
  // Longest first, so that one token is never cut inside another; a name is bounded by what a
  // DNS-1123 label cannot hold, an address by what would make it a longer number.
  const tokens = [...slots.keys()].sort((a, b) => b.length - a.length).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![A-Za-z0-9.-])(${tokens.join('|')})(?![A-Za-z0-9-]|\\.\\d)`, 'g');
  const parts: (string | Slot)[] = [];
  let last = 0;
  for (const m of reason.matchAll(pattern)) {
    parts.push(reason.slice(last, m.index), slots.get(m[1]!)!);
    last = m.index + m[0].length;
  }
  parts.push(reason.slice(last));
  return parts;
}

function fill(template: Template, roles: Roles): string {
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') out += part;
    else out += part === Slot.FromName ? roles.fromName : part === Slot.FromIp ? roles.fromIp : part === Slot.ToName ? roles.toName : roles.toIp;
  }
  return out;
}
