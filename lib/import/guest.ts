// What a customer's export says about a VM's guest: the address it runs with (its VMI's status)
// and whether anything gives it a default route (its cloud-init). Pure; used by `vpcheck import`,
// which pins the address and decides `defaultRoute:` from this evidence.
import { parse } from 'yaml';
import { contains, isIPv4, parseIPv4, parsePrefix } from '../net/ipv4.ts';
import type { KubeObject } from '../k8s/resources.ts';
import type { VmiSpec } from '../k8s/kube-ovn.ts';

/**
 * The address a running VMI reports for the NIC on `nic`: the entry of status.interfaces whose
 * `name` is that network's ("Name of the interface, corresponds to name of the network assigned
 * to the interface", kubevirt/kubevirt v1.5.0 staging/src/kubevirt.io/api/core/v1/types.go
 * VirtualMachineInstanceNetworkInterface), its first IPv4 address inside the subnet (ipAddress is
 * ipAddresses[0]; a guest agent also reports IPv6 and link-local addresses).
 */
export function statusAddress(vmi: KubeObject, nic: string, cidrBlock: string): { ip: string } | { problem: string } | undefined {
  const interfaces = ((vmi.status ?? {}) as { interfaces?: { name?: string; ipAddress?: string; ipAddresses?: string[] }[] }).interfaces ?? [];
  const reported = interfaces.find((i) => i.name === nic);
  if (!reported) return undefined;
  const all = reported.ipAddresses?.length ? reported.ipAddresses : reported.ipAddress ? [reported.ipAddress] : [];
  const v4 = all.map((a) => a.replace(/\/\d+$/, '')).filter(isIPv4);
  if (!v4.length) return undefined;
  const prefix = parsePrefix(cidrBlock);
  const inside = v4.find((a) => contains(prefix, parseIPv4(a)));
  return inside !== undefined ? { ip: inside } : { problem: `its VMI reports ${v4.join(', ')} on ${nic}, outside the subnet's ${cidrBlock}` };
}

/** The KubeVirt binding of the interface on `nic`: a plugin's name (managedtap), or bridge, masquerade, sriov... */
export function bindingOf(spec: VmiSpec, nic: string): string | undefined {
  const iface = spec.domain?.devices?.interfaces?.find((i) => i.name === nic);
  if (!iface) return undefined;
  if (iface.binding?.name) return iface.binding.name;
  // A core binding is the interface's one key besides its name, model, MAC and other settings.
  return ['bridge', 'masquerade', 'sriov', 'slirp', 'passt', 'macvtap'].find((b) => (iface as Record<string, unknown>)[b] !== undefined);
}

/** Commands and network-config lines that give the guest a default route. */
const ROUTE_COMMAND = /\bip\s+(?:-4\s+)?r(?:o(?:u(?:te?)?)?)?\s+(?:add|replace|append|a|r)\s+(?:default|0\.0\.0\.0\/0)\b[^\n'"\],]*|\broute\s+add\s+(?:-net\s+)?default\b[^\n'"\],]*|\bgateway4:\s*[0-9.]+|\bto:\s*["']?(?:default|0\.0\.0\.0\/0)\b/;

/**
 * A default route in parsed network-config (cloud-init v1 `gateway`/routes, v2 `gateway4` and
 * `routes: [{to: default}]`, OpenStack network_data `routes: [{network: 0.0.0.0, netmask: 0.0.0.0}]`).
 */
function routeIn(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.map(routeIn).find((x) => x !== undefined);
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  for (const key of ['gateway4', 'gateway']) if (typeof o[key] === 'string' && isIPv4(o[key] as string)) return `${key}: ${o[key] as string}`;
  for (const key of ['to', 'destination']) if (o[key] === 'default' || o[key] === '0.0.0.0/0') return `${key}: ${o[key] as string}`;
  if (o.network === '0.0.0.0' && o.netmask === '0.0.0.0') return 'route to 0.0.0.0/0';
  return Object.values(o).map(routeIn).find((x) => x !== undefined);
}

function decode(source: Record<string, unknown>, key: string): string | undefined {
  if (typeof source[key] === 'string') return source[key] as string;
  const b64 = source[`${key}Base64`];
  return typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('utf8') : undefined;
}

function parsed(text: string): unknown {
  try {
    return parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface RouteEvidence {
  /** Where a default route comes from ("cloud-init userData: ip route add default via ..."). */
  readonly found?: string;
  /** Cloud-init import did not read (a Secret's), so the guest's route is not known. */
  readonly unread: readonly string[];
}

/**
 * A default route the VM's cloud-init gives its guest (cloudInitNoCloud or cloudInitConfigDrive:
 * userData, networkData, inline or base64; kubevirt/kubevirt v1.5.0 swagger v1.CloudInitNoCloudSource).
 * Secrets are never read: a secretRef or networkDataSecretRef is reported as unread.
 */
export function cloudInitRoute(spec: VmiSpec): RouteEvidence {
  const unread: string[] = [];
  for (const volume of spec.volumes ?? []) {
    const source = (volume.cloudInitNoCloud ?? volume.cloudInitConfigDrive) as Record<string, unknown> | undefined;
    if (!source) continue;
    const networkData = decode(source, 'networkData');
    const inNetwork = networkData === undefined ? undefined : routeIn(parsed(networkData));
    if (inNetwork) return { found: `cloud-init networkData (${inNetwork})`, unread };
    const userData = decode(source, 'userData');
    const inUser = userData === undefined ? undefined : ROUTE_COMMAND.exec(userData)?.[0].trim();
    if (inUser) return { found: `cloud-init userData (${inUser})`, unread };
    for (const key of ['secretRef', 'networkDataSecretRef']) {
      const ref = (source[key] as { name?: string } | undefined)?.name;
      if (ref) unread.push(`Secret ${ref}`);
    }
  }
  return { unread };
}
