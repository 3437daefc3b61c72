// Nodes and what names them: the file's node list, each VM's node and its guest MTU.
import type { SpecSource } from './normalize.ts';
import { suggest } from './structure.ts';
import { NODE_NAME } from './types.ts';
import type { Report } from './validate.ts';
import { dns1123Problem } from './validate-objects.ts';

/** Below 576 an IPv4 host need not accept a datagram (RFC 791); 9000 is the usual jumbo frame. */
export const GUEST_MTU_RANGE = [576, 9000] as const;

/** The top-level `nodes:` list, checked once for the file. */
export function validateNodeList(nodes: readonly { readonly name: string }[] | undefined, report: Report): void {
  if (nodes === undefined) return;
  if (nodes.length === 0) report('error', 'nodes', 'nodes: lists no node; leave it out for one node, or name each node');
  const seen = new Set<string>();
  nodes.forEach((n, i) => {
    const problem = dns1123Problem(n.name);
    if (problem) report('error', `nodes[${i}].name`, problem);
    if (seen.has(n.name)) report('error', `nodes[${i}].name`, `node "${n.name}" is listed twice`);
    seen.add(n.name);
  });
}

export function validateNodes(src: SpecSource, report: Report): void {
  const { spec, raw, at } = src;
  const names = (spec.nodes ?? []).map((n) => n.name);
  spec.vms.forEach((vm, i) => {
    const written = raw.vms[i]!.node;
    if (typeof written === 'string') {
      if (!src.nodesDeclared) {
        report('error', at('vms', i, 'node'), `VM ${vm.name} names node "${written}" but the file has no nodes: list; declare the nodes (e.g. nodes: [ { name: ${written} } ]), or leave node out to run every VM on ${NODE_NAME}`);
      } else if (!names.includes(written)) {
        report('error', at('vms', i, 'node'), `no node named "${written}"${suggest(written, names)}; nodes: ${names.join(', ')}`);
      }
    }
    if (vm.mtu !== undefined && (vm.mtu < GUEST_MTU_RANGE[0] || vm.mtu > GUEST_MTU_RANGE[1])) {
      report('error', at('vms', i, 'mtu'), `mtu ${vm.mtu} is outside ${GUEST_MTU_RANGE[0]}-${GUEST_MTU_RANGE[1]}`);
    }
  });
}
