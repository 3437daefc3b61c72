// OVN native DHCPv4 as Kube-OVN configures it for a Subnet with enableDHCP: one DHCP_Options row
// per subnet whose options are the defaults below overridden by the Subnet's dhcpV4Options
// (kubeovn/kube-ovn v1.14.10 pkg/ovs/ovn-nb-dhcp_options.go updateDHCPv4Options: necessary
// options lease_time, router, server_id, server_mac, mtu; pkg/ovs/util.go buildDHCPv4Options,
// parseDHCPOptions). Pure: the validator, the model and the targets all read these.
import { isIPv4 } from '../net/ipv4.ts';
import type { Subnet } from './types.ts';

/** buildDHCPv4Options' defaults for lease_time and server_id. */
export const DEFAULT_LEASE_TIME = 3600;
export const DHCP_SERVER_ID = '169.254.0.254';
/**
 * Kube-OVN's MTU for an overlay subnet without `mtu`: util.DefaultMTU 1500 minus
 * util.GeneveHeaderLength 100 (v1.14.10 pkg/util/const.go; pkg/controller/subnet.go
 * updateSubnetDHCPOption, and pkg/daemon/config.go for the pods' own interfaces).
 */
export const OVERLAY_MTU = 1500 - 100;

/** The DHCPv4 options of OVN's DHCP_Options table (ovn-nb(5), OVN 23.03), plus server_mac. */
export const DHCPV4_OPTION_KEYS: readonly string[] = [
  'server_id', 'server_mac', 'lease_time', 'router', 'netmask', 'dns_server', 'log_server', 'lpr_server',
  'swap_server', 'policy_filter', 'router_solicitation', 'nis_server', 'ntp_server', 'netbios_name_server',
  'classless_static_route', 'ms_classless_static_route', 'next_server', 'ip_forward_enable', 'router_discovery',
  'ethernet_encap', 'default_ttl', 'tcp_ttl', 'mtu', 'T1', 'T2', 'arp_cache_timeout', 'tcp_keepalive_interval',
  'netbios_node_type', 'wpad', 'bootfile_name', 'path_prefix', 'tftp_server_address', 'hostname', 'domain_name',
  'bootfile_name_alt', 'broadcast_address', 'tftp_server', 'domain_search_list',
];

/** Integer options and their ranges in ovn-nb(5); OVN ignores a row whose value is out of range. */
const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  lease_time: [0, 4294967295],
  mtu: [68, 65535],
  T1: [68, 4294967295],
  T2: [68, 4294967295],
  default_ttl: [1, 255],
  tcp_ttl: [1, 255],
  arp_cache_timeout: [0, 4294967295],
  tcp_keepalive_interval: [0, 4294967295],
};
const ADDRESS_OPTIONS = new Set(['router', 'server_id', 'netmask', 'broadcast_address', 'next_server', 'tftp_server_address']);
export const MTU_RANGE = INTEGER_RANGES.mtu!;

export interface DhcpOption {
  readonly key: string;
  readonly value: string;
  /** Character offset of the entry in the written string. */
  readonly offset: number;
}

export type DhcpParse =
  | { readonly ok: true; readonly options: readonly DhcpOption[] }
  | { readonly ok: false; readonly message: string; readonly offset: number };

/**
 * Kube-OVN's form "k1=v1,k2=v2" (dns_server lists addresses with ";"). Kube-OVN drops every blank
 * and silently skips an entry that is not exactly one "key=value"; here such an entry, an unknown
 * key or a value OVN refuses is an error, since the subnet would quietly lose the option.
 */
export function parseDhcpV4Options(text: string): DhcpParse {
  const options: DhcpOption[] = [];
  // buildDHCPv4Options: an empty string means Kube-OVN's defaults (a phase can clear overrides).
  if (text.trim() === '') return { ok: true, options };
  let offset = 0;
  for (const entry of text.split(',')) {
    const at = offset + (entry.length - entry.trimStart().length);
    offset += entry.length + 1;
    const parts = entry.replace(/ /g, '').split('=');
    if (parts.length === 1 && parts[0] === '') return { ok: false, offset: at, message: 'empty entry (two commas, or a comma at an end); Kube-OVN skips it' };
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      return { ok: false, offset: at, message: `"${entry.trim()}" is not one "key=value"; Kube-OVN silently drops such an entry` };
    }
    const [key, value] = parts as [string, string];
    if (!DHCPV4_OPTION_KEYS.includes(key)) {
      const near = DHCPV4_OPTION_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
      return { ok: false, offset: at, message: `OVN has no DHCPv4 option "${key}"${near ? ` (did you mean "${near}"?)` : ''}; options of ovn-nb(5) DHCP_Options: ${DHCPV4_OPTION_KEYS.join(', ')}` };
    }
    const range = INTEGER_RANGES[key];
    if (range && !(/^\d+$/.test(value) && Number(value) >= range[0] && Number(value) <= range[1])) {
      return { ok: false, offset: at, message: `${key}=${value}: OVN wants an integer in ${range[0]}-${range[1]}` };
    }
    if (ADDRESS_OPTIONS.has(key) && !isIPv4(value)) return { ok: false, offset: at, message: `${key}=${value}: not an IPv4 address` };
    if (key === 'server_mac' && !/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(value)) return { ok: false, offset: at, message: `server_mac=${value}: not a MAC address` };
    if (options.some((o) => o.key === key)) return { ok: false, offset: at, message: `${key} is given twice; Kube-OVN keeps only the last` };
    options.push({ key, value, offset: at });
  }
  return { ok: true, options };
}

/** The options a subnet's DHCP_Options row carries, except server_mac (generated per row). */
export interface DhcpV4 {
  readonly leaseTime: number;
  /** Option 3: the guest's default route. The subnet gateway unless overridden. */
  readonly router: string;
  readonly serverId: string;
  readonly mtu: number;
  /** A server_mac the user wrote; without one the target generates it per row, as Kube-OVN does. */
  readonly serverMac?: string;
  /** Every option, as OVN gets it (defaults filled, overrides applied), server_mac excepted. */
  readonly options: Readonly<Record<string, string>>;
}

/** What OVN answers on the subnet's ports, or undefined without enableDHCP. Options must parse. */
export function dhcpV4Of(subnet: Subnet): DhcpV4 | undefined {
  if (!subnet.enableDHCP) return undefined;
  const written = subnet.dhcpV4Options ? parseDhcpV4Options(subnet.dhcpV4Options) : { ok: true as const, options: [] };
  if (!written.ok) throw new Error(`subnet ${subnet.name}: dhcpV4Options: ${written.message}`);
  const options: Record<string, string> = {
    lease_time: String(DEFAULT_LEASE_TIME),
    router: subnet.gateway,
    server_id: DHCP_SERVER_ID,
    mtu: String(subnet.mtu ?? OVERLAY_MTU),
  };
  for (const o of written.options) if (o.key !== 'server_mac') options[o.key] = o.value;
  const serverMac = written.options.find((o) => o.key === 'server_mac')?.value;
  return { leaseTime: Number(options.lease_time), router: options.router!, serverId: options.server_id!, mtu: Number(options.mtu), ...(serverMac && { serverMac }), options };
}
