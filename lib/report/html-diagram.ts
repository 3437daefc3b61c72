// The topology of a phase as inline SVG: one box per VPC (subnets inside with their VMs, static
// routes and NAT gateways below), peerings as arcs between VPC boxes labelled with both
// localConnectIPs, and the internet above ovn-cluster (solid when a subnet has natOutgoing).
// Pure: returns markup.
import type { Layout, LayoutVpc } from '../run/layout.ts';
import { esc } from './escape.ts';

const BOX_W = 250;
const GAP_X = 40;
const PER_ROW = 4;
const LINE = 15;
const ARC_BAND = 70;
const MAX_VMS = 4;
const MAX_ROUTES = 5;
const INTERNET_H = 30;

interface Line {
  readonly text: string;
  readonly cls: string;
  readonly indent: number;
}

/** The text of a VPC box, one entry per line; subnets get a frame around their lines. */
function linesOf(vpc: LayoutVpc, layout: Layout): { lines: Line[]; frames: { from: number; to: number; cls: string }[] } {
  const lines: Line[] = [{ text: `${vpc.name}${vpc.cidr ? ` (${vpc.cidr})` : ''}`, cls: 'd-vpc', indent: 0 }];
  const frames: { from: number; to: number; cls: string }[] = [];
  for (const s of vpc.subnets) {
    const first = lines.length;
    const flags = [s.private && 'private', s.natOutgoing && 'natOutgoing'].filter(Boolean).join(', ');
    lines.push({ text: `${s.name} ${s.cidrBlock}${flags ? ` [${flags}]` : ''}`, cls: 'd-subnet', indent: 1 });
    const vms = layout.vms.filter((v) => v.subnet === s.name);
    for (const vm of vms.slice(0, MAX_VMS)) lines.push({ text: `${vm.name} ${vm.ip}${!vm.defaultRoute ? ' (no default route)' : vm.defaultRouteVia ? ` (default via ${vm.defaultRouteVia})` : ''}`, cls: 'd-vm', indent: 2 });
    if (vms.length > MAX_VMS) lines.push({ text: `+${vms.length - MAX_VMS} more VMs`, cls: 'd-vm', indent: 2 });
    frames.push({ from: first, to: lines.length, cls: s.private ? 'd-frame private' : 'd-frame' });
  }
  for (const r of vpc.routes.slice(0, MAX_ROUTES)) lines.push({ text: `route ${r.cidr} via ${r.nextHopIP}`, cls: 'd-route', indent: 0 });
  if (vpc.routes.length > MAX_ROUTES) lines.push({ text: `+${vpc.routes.length - MAX_ROUTES} more routes`, cls: 'd-route', indent: 0 });
  for (const gw of vpc.natGateways ?? []) {
    lines.push({ text: `NAT gateway ${gw.name} lanIp ${gw.lanIp} (${gw.subnet})`, cls: 'd-nat', indent: 0 });
    for (const e of gw.eips) lines.push({ text: `${e.name} ${e.v4ip}${e.rules.length ? `: ${e.rules.join(', ')}` : ': no rule'}`, cls: 'd-nat', indent: 1 });
  }
  return { lines, frames };
}

export function renderDiagram(layout: Layout): string {
  const boxes = layout.vpcs.map((vpc) => ({ vpc, ...linesOf(vpc, layout) }));
  const rows: (typeof boxes)[] = [];
  for (let i = 0; i < boxes.length; i += PER_ROW) rows.push(boxes.slice(i, i + PER_ROW));
  const pos = new Map<string, { x: number; y: number; h: number }>();
  const hasCluster = layout.vpcs.some((v) => v.name === 'ovn-cluster');
  let y = (hasCluster ? INTERNET_H : 0) + ARC_BAND;
  for (const row of rows) {
    const h = Math.max(...row.map((b) => (b.lines.length + 1) * LINE));
    row.forEach((b, i) => pos.set(b.vpc.name, { x: 10 + i * (BOX_W + GAP_X), y, h: (b.lines.length + 1) * LINE }));
    y += h + ARC_BAND;
  }
  // The band after the last row holds no arcs.
  const height = y - ARC_BAND + 10;
  const width = 20 + Math.min(boxes.length, PER_ROW) * (BOX_W + GAP_X);
  const out: string[] = [];
  for (const b of boxes) {
    const p = pos.get(b.vpc.name)!;
    out.push(`<g class="d-box" data-vpc="${esc(b.vpc.name)}"><rect class="d-vpcbox" x="${p.x}" y="${p.y}" width="${BOX_W}" height="${p.h}" rx="8"/>`);
    for (const f of b.frames) {
      out.push(`<rect class="${f.cls}" x="${p.x + 8}" y="${p.y + LINE * f.from + 4}" width="${BOX_W - 16}" height="${LINE * (f.to - f.from) + 2}" rx="4"/>`);
    }
    b.lines.forEach((l, i) => {
      out.push(`<text class="${l.cls}" x="${p.x + 8 + l.indent * 8}" y="${p.y + LINE * (i + 1)}">${esc(l.text)}</text>`);
    });
    out.push('</g>');
  }
  out.push(...peerings(layout, pos));
  const cluster = pos.get('ovn-cluster');
  if (cluster) {
    const nat = layout.vpcs.find((v) => v.name === 'ovn-cluster')!.subnets.some((s) => s.natOutgoing);
    const cx = cluster.x + BOX_W / 2;
    out.push(`<rect class="d-internet" x="${cx - 50}" y="4" width="100" height="22" rx="11"/><text class="d-vpc" x="${cx}" y="19" text-anchor="middle">internet</text>`);
    out.push(`<line class="${nat ? 'd-egress' : 'd-egress off'}" x1="${cx}" y1="26" x2="${cx}" y2="${cluster.y}"/>`);
    out.push(`<text class="d-label" x="${cx + 6}" y="${cluster.y - 8}">${nat ? 'natOutgoing' : 'no natOutgoing subnet'}</text>`);
  }
  return `<svg class="diagram" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="topology">${out.join('')}</svg>`;
}

/** One arc per peered pair; dashed when only one side lists the peering (it cannot work). */
function peerings(layout: Layout, pos: Map<string, { x: number; y: number; h: number }>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let n = 0;
  for (const vpc of layout.vpcs) {
    for (const peer of vpc.peerings) {
      const key = [vpc.name, peer.remoteVpc].sort().join('\0');
      const a = pos.get(vpc.name);
      const b = pos.get(peer.remoteVpc);
      if (seen.has(key) || !a || !b) continue;
      seen.add(key);
      const back = layout.vpcs.find((v) => v.name === peer.remoteVpc)!.peerings.find((p) => p.remoteVpc === vpc.name);
      const [x1, x2] = [a.x + BOX_W / 2 - 20, b.x + BOX_W / 2 + 20];
      const top = Math.min(a.y, b.y) - 18 - (n++ % 3) * 16;
      out.push(`<path class="${back ? 'd-peering' : 'd-peering one-sided'}" d="M${x1},${a.y} C${x1},${top} ${x2},${top} ${x2},${b.y}"/>`);
      const label = `${vpc.name} ${peer.localConnectIP} <-> ${back ? `${peer.remoteVpc} ${back.localConnectIP}` : `${peer.remoteVpc} (one-sided)`}`;
      out.push(`<text class="d-label" x="${(x1 + x2) / 2}" y="${top - 4}" text-anchor="middle">${esc(label)}</text>`);
    }
  }
  return out;
}
