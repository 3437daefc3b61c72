// cloud-init inside the fake's guests. KubeVirt hands the guest a NoCloud disk built from the VM's
// cloudInitNoCloud volume (kubevirt/kubevirt v1.5.0: staging/src/kubevirt.io/api/core/v1/schema.go
// CloudInitNoCloudSource, JSON names userData, userDataBase64, secretRef, networkData,
// networkDataBase64, networkDataSecretRef; pkg/cloud-init/cloud-init.go reads the Secret keys
// "userdata"/"userData" and "networkdata"/"networkData"). The fake's guest runs the part of
// cloud-init vpcheck's VMs use: users (password, SSH keys), ssh_keys, write_files, runcmd TCP
// listeners, and network-config v2 addresses and a default route, or DHCP (canonical/cloud-init:
// cloudinit/config/cc_users_groups.py, cc_ssh.py, cc_write_files.py, cc_runcmd.py;
// doc/rtd/reference/network-config-format-v2.rst). Anything else is refused with the reason, and
// the VM does not start: a guest that silently ignored it would pass what a real one would not do.
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import { isIPv4, isPrefix } from '../../../lib/net/ipv4.ts';
import type { Store } from './store.ts';

const NO_CLOUD_FIELDS = ['userData', 'userDataBase64', 'secretRef', 'networkData', 'networkDataBase64', 'networkDataSecretRef'];
const USER_DATA_KEYS = ['users', 'ssh_pwauth', 'ssh_keys', 'runcmd', 'write_files'];
const USER_KEYS = ['name', 'lock_passwd', 'plain_text_passwd', 'ssh_authorized_keys', 'shell', 'sudo'];
const FILE_KEYS = ['path', 'content', 'permissions', 'owner'];
const ETHERNET_KEYS = ['dhcp4', 'addresses', 'gateway4', 'routes'];

export interface GuestUser {
  readonly name: string;
  readonly password?: string;
  readonly authorizedKeys: readonly string[];
}

export interface GuestFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

/** What the guest's cloud-init does at boot. */
export interface GuestConfig {
  readonly users: readonly GuestUser[];
  readonly hostKey?: string;
  /** TCP ports runcmd starts a server on. */
  readonly listen: readonly number[];
  readonly files: readonly GuestFile[];
  /** network-config: the NIC's address ("a.b.c.d/n") and default gateway. */
  readonly address?: string;
  readonly defaultVia?: string;
  /**
   * The guest runs its DHCP client on the NIC: network-config `dhcp4: true`, or no network-config
   * at all (cloud-init's fallback: DHCP on the first NIC, canonical/cloud-init
   * cloudinit/net/__init__.py generate_fallback_config).
   */
  readonly dhcp: boolean;
}

export class Refused extends Error {}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

function only(o: Obj, allowed: readonly string[], where: string): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length) throw new Refused(`${where}: ${extra.join(', ')} not understood (the fake's guest runs only ${allowed.join(', ')})`);
}

function secretKey(store: Store, namespace: string | undefined, name: string, keys: readonly string[]): string {
  const secret = store.get('Secret', namespace, name);
  if (!secret) throw new Refused(`secret ${namespace}/${name} not found`);
  for (const key of keys) {
    const s = (secret.stringData as Obj | undefined)?.[key] ?? ((secret.data as Obj | undefined)?.[key] !== undefined ? Buffer.from(String((secret.data as Obj)[key]), 'base64').toString('utf8') : undefined);
    if (typeof s === 'string') return s;
  }
  throw new Refused(`secret ${namespace}/${name} has no key ${keys.join(' or ')}`);
}

/**
 * A systemd-run'd Python server on one port, as cloud images without socat run one:
 * ["systemd-run", "--unit=<unit>", "python3", "-c", "<program>", "<port>"]. The fake's guest does
 * not run Python: it starts the lab's echo service on that port (every address), which is what an
 * echo program does; that vpcheck's program is one is tested by running it
 * (tests/harvester/echo-server.spec.ts).
 */
function listenerPort(cmd: unknown, i: number): number {
  const argv = Array.isArray(cmd) ? cmd.map(String) : undefined;
  const port = Number(argv?.[5]);
  if (argv?.length !== 6 || argv[0] !== 'systemd-run' || !/^--unit=[\w.@-]+$/.test(argv[1]!) || argv.slice(2, 4).join(' ') !== 'python3 -c' || !/socketserver/.test(argv[4]!) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Refused(`runcmd[${i}] ${JSON.stringify(cmd)} not understood (the fake's guest runs only "systemd-run --unit=U python3 -c <socketserver echo program> PORT")`);
  }
  return port;
}

function userData(text: string): Omit<GuestConfig, 'address' | 'defaultVia' | 'dhcp'> {
  if (!text.startsWith('#cloud-config\n')) throw new Refused('user-data is not "#cloud-config" (scripts and MIME archives are not run by the fake\'s guest)');
  const doc = parseYaml(text) as unknown;
  if (!isObj(doc)) throw new Refused('user-data is not a YAML mapping');
  only(doc, USER_DATA_KEYS, 'user-data');
  const users = ((doc.users ?? []) as unknown[]).map((u, i): GuestUser => {
    if (!isObj(u) || typeof u.name !== 'string') throw new Refused(`user-data users[${i}] is not a user with a name`);
    only(u, USER_KEYS, `user-data users[${i}]`);
    return { name: u.name, ...(typeof u.plain_text_passwd === 'string' && u.lock_passwd === false && { password: u.plain_text_passwd }), authorizedKeys: ((u.ssh_authorized_keys ?? []) as unknown[]).map(String) };
  });
  const keys = doc.ssh_keys;
  if (keys !== undefined && (!isObj(keys) || Object.keys(keys).some((k) => !k.startsWith('ed25519_')))) throw new Refused('user-data ssh_keys: only ed25519_private and ed25519_public are understood');
  const files = ((doc.write_files ?? []) as unknown[]).map((f, i): GuestFile => {
    if (!isObj(f) || typeof f.path !== 'string' || !f.path.startsWith('/')) throw new Refused(`user-data write_files[${i}] has no absolute path`);
    only(f, FILE_KEYS, `user-data write_files[${i}]`);
    return { path: f.path, content: String(f.content ?? ''), mode: f.permissions === undefined ? 0o644 : parseInt(String(f.permissions), 8) };
  });
  return {
    users,
    ...(isObj(keys) && typeof keys.ed25519_private === 'string' && { hostKey: keys.ed25519_private }),
    listen: ((doc.runcmd ?? []) as unknown[]).map(listenerPort),
    files,
  };
}

function networkConfig(text: string, nic: string): Pick<GuestConfig, 'address' | 'defaultVia' | 'dhcp'> {
  const doc = parseYaml(text) as unknown;
  if (!isObj(doc) || doc.version !== 2 || !isObj(doc.ethernets)) throw new Refused('networkData is not network-config version 2 with ethernets');
  only(doc, ['version', 'ethernets'], 'networkData');
  only(doc.ethernets, [nic], 'networkData ethernets (the guest has one NIC)');
  const eth = doc.ethernets[nic];
  if (!isObj(eth)) throw new Refused(`networkData ethernets.${nic} is not a mapping`);
  only(eth, ETHERNET_KEYS, `networkData ethernets.${nic}`);
  const addresses = (eth.addresses ?? []) as unknown[];
  if (addresses.length > 1 || !addresses.every((a) => typeof a === 'string' && isPrefix(a))) throw new Refused(`networkData ethernets.${nic}.addresses: one IPv4 address with its prefix length is understood`);
  const routes = (eth.routes ?? []) as unknown[];
  const defaults = routes.map((r, i) => {
    if (!isObj(r) || !['default', '0.0.0.0/0'].includes(String(r.to)) || typeof r.via !== 'string' || !isIPv4(r.via)) throw new Refused(`networkData ethernets.${nic}.routes[${i}]: only a default route (to: default, via: <address>) is understood`);
    return r.via;
  });
  const via = eth.gateway4 !== undefined ? String(eth.gateway4) : defaults[0];
  if (eth.dhcp4 !== undefined && typeof eth.dhcp4 !== 'boolean') throw new Refused(`networkData ethernets.${nic}.dhcp4: true or false is understood`);
  const dhcp = eth.dhcp4 === true;
  if (dhcp && (addresses.length || via !== undefined)) throw new Refused(`networkData ethernets.${nic}: dhcp4 beside a static address or route is not understood (the fake's guest does one or the other)`);
  return { ...(addresses[0] !== undefined && { address: addresses[0] as string }), ...(via !== undefined && { defaultVia: via }), dhcp };
}

/** The cloudInitNoCloud volume of a VirtualMachine's template, or of a VMI. */
function noCloudOf(o: KubeObject): Obj | undefined {
  type Volumes = { cloudInitNoCloud?: Obj }[];
  const spec = o.spec as { volumes?: Volumes; template?: { spec?: { volumes?: Volumes } } };
  const volumes = (o.kind === 'VirtualMachine' ? spec.template?.spec?.volumes : spec.volumes) ?? [];
  return volumes.find((v) => v.cloudInitNoCloud)?.cloudInitNoCloud;
}

/** The guest's cloud-init, or Refused with what it does not understand. `nic` is the guest's NIC name. */
export function guestConfig(store: Store, o: KubeObject, nic: string): GuestConfig {
  const source = noCloudOf(o);
  // A cloud image without user-data boots with no user anyone knows the password of: nothing
  // could log in to it, so the fake does not pretend it could.
  if (!source) throw new Refused('no cloudInitNoCloud volume: the guest would boot with no user to log in as');
  only(source, NO_CLOUD_FIELDS, 'cloudInitNoCloud');
  const ns = o.metadata.namespace;
  const base64 = (s: unknown) => Buffer.from(String(s), 'base64').toString('utf8');
  const user = source.secretRef !== undefined ? secretKey(store, ns, String((source.secretRef as Obj).name), ['userdata', 'userData'])
    : source.userDataBase64 !== undefined ? base64(source.userDataBase64) : source.userData as string | undefined;
  const network = source.networkDataSecretRef !== undefined ? secretKey(store, ns, String((source.networkDataSecretRef as Obj).name), ['networkdata', 'networkData'])
    : source.networkDataBase64 !== undefined ? base64(source.networkDataBase64) : source.networkData as string | undefined;
  if (user === undefined) throw new Refused('cloudInitNoCloud has no user-data (userData, userDataBase64 or secretRef): the guest would boot with no user to log in as');
  return { ...userData(user), ...(network !== undefined ? networkConfig(network, nic) : { dhcp: true }) };
}
