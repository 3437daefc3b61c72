// `vpcheck import`, pure: a customer's exported objects -> a topology file that reproduces their
// situation, plus the warnings about what it could not carry over (also kept as comments in the
// file). Secrets and other credentials are never read into the output.
import { TOPOLOGY_LABEL } from '../k8s/labels.ts';
import { describe, type KubeObject } from '../k8s/resources.ts';
import { DEFAULT_VPC, type Platform } from '../topology/types.ts';
import { externalSubnetNames } from './nat.ts';
import { ASSUMED, mapObjects, nadOfProvider, type OvnClusterEntries } from './to-spec.ts';
import { unmappedFields } from './unmapped.ts';
import { topologyDocument, topologyYaml } from './write.ts';

export interface ImportOptions {
  /** Only the VMs (and Pods) of this namespace. */
  readonly namespace?: string;
  readonly platform?: Platform;
  readonly name?: string;
  /** Where the objects came from, for the description ("customer.yaml", "stdin"). */
  readonly source: string;
}

export interface Imported {
  readonly yaml: string;
  readonly warnings: readonly string[];
}

const MAPPED_KINDS = new Set(['NetworkAttachmentDefinition', 'Vpc', 'Subnet', 'SecurityGroup', 'VirtualMachine', 'VirtualMachineInstance', 'Pod', 'VpcNatGateway', 'IptablesEIP', 'IptablesSnatRule', 'IptablesDnatRule', 'IptablesFIPRule']);
/** The external network's underlay on the node (Harvester v1.8's page): site facts, given to a cluster run as options. */
const SITE_KINDS = new Set(['ProviderNetwork', 'Vlan']);
const VM_KINDS = new Set(['VirtualMachine', 'VirtualMachineInstance', 'Pod']);
const DNS1123 = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A NAD's CNI config, or {} when it does not parse. */
function cniConfig(o: KubeObject): { type?: string; master?: string } {
  try {
    return JSON.parse((o.spec as { config?: string } | undefined)?.config ?? '{}') as { type?: string; master?: string };
  } catch {
    return {};
  }
}

/** A NAD of another CNI (bridge, macvlan) is not an overlay network of Kube-OVN. */
const isKubeOvnNad = (o: KubeObject): boolean => cniConfig(o).type === 'kube-ovn';

export function importObjects(all: readonly KubeObject[], options: ImportOptions): Imported {
  const warnings: string[] = [];
  const comments: string[] = [];
  const lose = (what: string, detail: readonly string[] = []) => {
    warnings.push(detail.length ? `${what}: ${detail.join('; ')}` : what);
    comments.push(`- ${what}`, ...detail.map((d) => `    ${d}`));
  };
  const objects: KubeObject[] = [];
  const externalNames = externalSubnetNames(all);
  const externalNads = new Set(all.filter((o) => o.kind === 'Subnet' && externalNames.has(o.metadata.name)).flatMap((o) => nadOfProvider((o.spec as { provider?: string } | undefined)?.provider) ?? []));
  for (const o of all) {
    if (o.kind === 'Secret') lose(`${describe(o)} dropped: credentials are never imported`);
    else if (SITE_KINDS.has(o.kind)) lose(`${describe(o)} not imported: the external network's underlay on the nodes is a site fact; give a cluster run ${o.kind === 'Vlan' ? `--external-vlan ${String((o.spec as { id?: number } | undefined)?.id ?? 0)}` : `--external-nic ${String((o.spec as { defaultInterface?: string } | undefined)?.defaultInterface ?? '')}`}`);
    else if (!MAPPED_KINDS.has(o.kind)) lose(`${describe(o)} not imported: vpcheck maps NADs, Vpcs, Subnets, SecurityGroups, VMs and their VMIs, and the VPC NAT gateway's kinds`);
    else if (o.kind === 'NetworkAttachmentDefinition' && externalNads.has(`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`)) lose(`${describe(o)}: the NAT gateways' external network, held as externalNetwork; its node NIC${cniConfig(o).master ? ` ${cniConfig(o).master}` : ''} is a site fact: give a cluster run --external-nic`);
    else if (o.kind === 'NetworkAttachmentDefinition' && !isKubeOvnNad(o)) lose(`${describe(o)} not imported: its CNI type is not kube-ovn`);
    else if (VM_KINDS.has(o.kind) && options.namespace !== undefined && o.metadata.namespace !== options.namespace) continue;
    else objects.push(o);
  }
  const ovnCluster = objects.find((o) => o.kind === 'Vpc' && o.metadata.name === DEFAULT_VPC);
  const labelled = all.find((o) => o.metadata.labels?.[TOPOLOGY_LABEL])?.metadata.labels?.[TOPOLOGY_LABEL];
  const name = options.name ?? (labelled && DNS1123.test(labelled) ? labelled : 'imported');
  const mapped = mapObjects(objects, {
    name,
    platform: options.platform ?? 'harvester',
    ...(ovnCluster && { ovnCluster: ovnCluster.spec as OvnClusterEntries }),
  });
  // A skipped object's fields are not lost piecemeal: the whole object is, with its reason.
  for (const o of objects.filter((x) => !mapped.skipped.has(x))) {
    const fields = unmappedFields(o);
    if (fields.length) lose(`${describe(o)}: fields a topology cannot hold`, fields);
  }
  for (const [o, reason] of mapped.skipped) lose(`${describe(o)} not imported: ${reason}`);
  for (const note of mapped.notes) lose(note);
  for (const n of mapped.spec.vms.map((v) => v.name).concat(mapped.spec.subnets.map((s) => s.name)).filter((n) => !DNS1123.test(n))) lose(`name ${n} is not a DNS-1123 label: rename it before running`);
  const assumed = [...mapped.guests].filter(([, lines]) => lines.some((l) => l.includes(ASSUMED))).map(([vm]) => vm);
  // Not a loss (nothing in the export is dropped): a guess, said beside each VM in the file.
  if (assumed.length) warnings.push(`defaultRoute: true ${ASSUMED} (the docs' route step) for ${assumed.join(', ')}: nothing in the export shows their guests' default route; see the comments beside them`);
  const description = `Imported by vpcheck import from ${options.source} (${mapped.spec.vms.length} VMs)`;
  const header = comments.length ? ['vpcheck import: not carried over (see the warnings):', ...comments] : [];
  return { yaml: topologyYaml(topologyDocument(mapped.spec, description), header, mapped.guests), warnings };
}
