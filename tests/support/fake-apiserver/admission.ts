// What the real server and the admission webhooks of a Harvester cluster reject: schema
// violations (422), unknown fields (pruned, or 400 with fieldValidation=Strict) under the upstream
// schemas of the versions the fake plays (tests/support/upstream: KubeVirt v1.5.0, Kube-OVN
// v1.14.10, the NAD CRD, Kubernetes' core types), KubeVirt's interface/network rule, and the checks
// of Kube-OVN's webhook (kubeovn/kube-ovn:pkg/util/validator.go ValidateVpc, ValidateSubnet) and
// Harvester's (harvester/network-controller-harvester:pkg/webhook/subnet/validator.go).
import { Ajv } from 'ajv';
import type { KubeObject, ResourceType } from '../../../lib/k8s/resources.ts';
import { OVERLAY_CNI_CONFIG } from '../overlay-cni-schema.ts';
import { contains, isIPv4, isPrefix, parseIPv4, parsePrefix } from '../../../lib/net/ipv4.ts';
import { badRequest, denied, invalid, type Cause } from './status.ts';
import type { Store } from './store.ts';
import { validateUpstream, type Upstream } from '../upstream/validate.ts';

/** The releases the fake's cluster runs (versions.ts), as far as schemas are vendored for them. */
const UPSTREAM: Upstream = { kubevirt: 'v1.5.0', kubeOvn: 'v1.14.10' };
/** Kinds with a vendored upstream schema; others (a VMI, which KubeVirt creates) are not admitted from clients here. */
const UPSTREAM_KINDS = new Set(['VirtualMachine', 'Vpc', 'Subnet', 'SecurityGroup', 'NetworkAttachmentDefinition', 'Pod', 'Namespace', 'Secret', 'ConfigMap',
  'ProviderNetwork', 'Vlan', 'VpcNatGateway', 'IptablesEIP', 'IptablesFIPRule', 'IptablesSnatRule', 'IptablesDnatRule']);

/** Type errors (422) and undeclared fields (pruned, or 400 under Strict), as the API server finds them. */
function validate(o: KubeObject): { causes: Cause[]; unknown: string[] } {
  if (!UPSTREAM_KINDS.has(o.kind)) return { causes: [{ field: 'kind', message: `Unsupported value: "${o.kind}"` }], unknown: [] };
  const problems = validateUpstream(o, UPSTREAM);
  return { causes: problems.filter((p) => p.message !== 'unknown field'), unknown: problems.filter((p) => p.message === 'unknown field').map((p) => p.field) };
}

/**
 * A copy without the fields at `paths` ("spec.a[0].b"): what the API server stores of an object
 * with undeclared fields (k8s.io/apiextensions-apiserver pkg/apiserver/schema/pruning/algorithm.go).
 */
function prune<T>(value: T, paths: readonly string[]): T {
  const copy = structuredClone(value) as Record<string, unknown>;
  for (const path of paths) {
    const keys = path.match(/[^.[\]]+/g)!;
    let node: unknown = copy;
    for (const k of keys.slice(0, -1)) node = (node as Record<string, unknown>)[k];
    delete (node as Record<string, unknown>)[keys[keys.length - 1]!];
  }
  return copy as T;
}

const cniConfig = new Ajv({ allErrors: true }).compile(OVERLAY_CNI_CONFIG);

/** Returns the object as stored (unknown fields pruned) and the warnings to send, or throws an ApiError. */
export function admit(r: ResourceType, o: KubeObject, store: Store, strict: boolean): { object: KubeObject; warnings: string[] } {
  const v = validate(o);
  if (v.causes.length) throw invalid(r, o.metadata.name, v.causes);
  if (v.unknown.length && strict) throw badRequest(`strict decoding error: ${v.unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  const object = prune(o, v.unknown);
  webhooks(object, store);
  return { object, warnings: v.unknown.map((f) => `unknown field "${f}"`) };
}

function webhooks(o: KubeObject, store: Store): void {
  const spec = (o.spec ?? {}) as Record<string, never>;
  if (o.kind === 'NetworkAttachmentDefinition') {
    let config: unknown;
    try {
      config = JSON.parse(spec.config);
    } catch {
      throw denied('validator.harvesterhci.io', `invalid NAD config: ${spec.config}`);
    }
    if ((config as { type?: string }).type === 'kube-ovn' && !cniConfig(config)) throw denied('validator.harvesterhci.io', `invalid overlay network config: ${cniConfig.errors!.map((e) => `${e.instancePath} ${e.message}`).join(', ')}`);
  }
  if (o.kind === 'Vpc') {
    for (const p of (spec.vpcPeerings ?? []) as { localConnectIP?: string }[]) {
      if (!p.localConnectIP || !p.localConnectIP.split(',').every(isPrefix)) throw denied('vpc-validating.kube-ovn.io', `${p.localConnectIP} is not a valid CIDR`);
    }
    for (const route of (spec.staticRoutes ?? []) as { policy?: string; cidr?: string; nextHopIP?: string }[]) {
      if (!['', undefined, 'policyDst', 'policySrc'].includes(route.policy)) throw denied('vpc-validating.kube-ovn.io', `unknown policy type: ${route.policy}`);
      if (!route.cidr || !(isPrefix(route.cidr) || isIPv4(route.cidr))) throw denied('vpc-validating.kube-ovn.io', `invalid cidr ${route.cidr}`);
      if (!route.nextHopIP || !isIPv4(route.nextHopIP)) throw denied('vpc-validating.kube-ovn.io', `invalid nextHopIP ${route.nextHopIP}`);
    }
  }
  if (o.kind === 'Subnet') subnetWebhooks(o, spec, store);
  if (o.kind === 'VirtualMachine') interfacesHaveNetworks((spec.template as { spec?: VmiSpec } | undefined)?.spec ?? {}, 'spec.template.spec');
}

type VmiSpec = { domain?: { devices?: { interfaces?: { name: string }[] } }; networks?: { name: string }[] };

/**
 * KubeVirt's admission: every interface needs a network of the same name and every network an
 * interface (kubevirt/kubevirt v1.5.0: pkg/virt-api/webhooks/validating-webhook/admitters/
 * vmi-create-admitter.go ValidateVirtualMachineInstanceSpec, via the VM admitter for
 * spec.template.spec; pkg/network/admitter validateInterfaceNetworkBasics).
 */
function interfacesHaveNetworks(spec: VmiSpec, path: string): void {
  const interfaces = spec.domain?.devices?.interfaces ?? [];
  const networks = spec.networks ?? [];
  interfaces.forEach((iface, i) => {
    if (!networks.some((n) => n.name === iface.name)) throw denied('virtualmachine-validator.kubevirt.io', `${path}.domain.devices.interfaces[${i}].name '${iface.name}' not found.`);
  });
  networks.forEach((net, i) => {
    if (!interfaces.some((n) => n.name === net.name)) throw denied('virtualmachine-validator.kubevirt.io', `${path}.networks[${i}].name '${net.name}' not found.`);
  });
}

function subnetWebhooks(o: KubeObject, spec: Record<string, never>, store: Store): void {
  const cidr = spec.cidrBlock as string | undefined;
  if (!cidr || !isPrefix(cidr)) throw denied('subnet-validating.kube-ovn.io', `${cidr} is not a valid cidr`);
  if (spec.gateway && !contains(parsePrefix(cidr), parseIPv4(spec.gateway))) throw denied('subnet-validating.kube-ovn.io', `gateway ${spec.gateway} is not in cidr ${cidr}`);
  if (spec.protocol && !['IPv4', 'IPv6', 'Dual', 'Mac'].includes(spec.protocol)) throw denied('subnet-validating.kube-ovn.io', `${spec.protocol} is not a valid protocol`);
  for (const a of (spec.allowSubnets ?? []) as string[]) if (!isPrefix(a)) throw denied('subnet-validating.kube-ovn.io', `${a} in allowSubnets is not a valid cidr`);
  if (o.metadata.name === spec.vpc) throw denied('subnet-validating.kube-ovn.io', 'subnet and vpc cannot have the same name');
  const provider = spec.provider as string | undefined;
  if (!provider || provider === 'ovn') return;
  const [nadName, nadNs] = provider.split('.');
  // Harvester's webhook judges kube-ovn providers only; another CNI's ("<nad>.<ns>", the NAT
  // gateway's macvlan external network) is Kube-OVN's IPAM alone, unchecked at admission.
  if (!provider.endsWith('.ovn')) return;
  const nad = store.get('NetworkAttachmentDefinition', nadNs, nadName!);
  if (!nad || nad.metadata.labels?.['network.harvesterhci.io/type'] !== 'OverlayNetwork') throw denied('validator.harvesterhci.io', `NAD ${nadNs}/${nadName} of provider ${provider} is not an OverlayNetwork`);
  const other = store.list({ kind: 'Subnet' }).find((s) => (s.spec as { provider?: string }).provider === provider && s.metadata.name !== o.metadata.name);
  if (other) throw denied('validator.harvesterhci.io', `subnet ${other.metadata.name} is using the provider ${provider} already`);
  if (spec.vpc && !store.get('Vpc', undefined, spec.vpc)) throw denied('validator.harvesterhci.io', `vpc ${spec.vpc} does not exist`);
}
