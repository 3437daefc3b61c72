// Every name the lab creates, in one place. OVN rows carry the run id as a name prefix (and in
// external_ids vpcheck-run=<id>), namespaces start with "vpcheck-<id>-", and Linux interface
// names (15 characters at most) come from a short hash, never from user-chosen names.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { TargetError } from '../target.ts';
import { NODE_INTERNAL_IP } from '../../model/world.ts';
import { subnetNodeAddressSet } from '../../topology/address-sets.ts';
import { formatIPv4 } from '../../net/ipv4.ts';

/** What the lab keeps between commands: lab dirs, their locks, run records, saved sysctls. */
export const STATE_DIR = '/run/vpcheck';
export const DEFAULT_LAB_DIR = `${STATE_DIR}/lab`;
/** Run records live outside any one lab dir, so `down --all` finds runs of every lab. */
export const RUNS_DIR = `${STATE_DIR}/runs`;
export const NAMESPACE_PREFIX = 'vpcheck-';
/** The NIC name inside every VM: the Harvester docs' name. */
export const VM_NIC = 'enp1s0';
/** The node namespace's join-switch port and its uplink towards the simulated upstream. */
export const NODE_JOIN_NIC = 'ovn0';
export const NODE_UPLINK = 'uplink';
/**
 * The upstream namespace's bridge: the external network's segment, holding the upstream host's
 * address, the node's uplink and every NAT gateway's external leg.
 */
export const UPSTREAM_BRIDGE = 'ext';
/** A NAT gateway's legs, nat-gateway.sh's defaults (VPC_INTERFACE, EXTERNAL_INTERFACE; kubeovn/kube-ovn v1.15.x). */
export const NATGW_LAN_NIC = 'eth0';
export const NATGW_EXTERNAL_NIC = 'net1';
export const JOIN_GATEWAY = '100.64.0.1';
export const NODE_JOIN_IP = '100.64.0.2';
/** The lab's "internet": a documentation address (RFC 5737) owned by the upstream namespace. */
export const UPSTREAM_IP = '192.0.2.1';
/** The node's own address (the model's NODE_INTERNAL_IP): Kube-OVN's 30000 policy reroutes it to the node. */
export const NODE_UPLINK_IP = formatIPv4(NODE_INTERNAL_IP);
export const EXTERNAL_ID = 'vpcheck-run';
/** A run chassis' NIC on the underlay, and the bridges of its vswitchd (ovn-controller's default br-int). */
export const UNDERLAY_NIC = 'eth-ul';
export const CHASSIS_BRIDGE = 'br-int';
export const UNDERLAY_BRIDGE = 'br-phy';
/**
 * A run's underlay is a /24 of 172.16.0.0/12 (4096 of them), chassis k (0-based, in the order of
 * the spec's nodes) at .k+1. The southbound database allows one Encap per (type, ip) (index in
 * ovn-sb.ovsschema), so the runs sharing a lab need different ones: each starts at a /24 its id
 * hashes to and takes the first that no Encap uses.
 */
export function underlayPrefix(runId: string, used: ReadonlySet<string>): string {
  const start = parseInt(shortHash(runId, 'underlay').slice(0, 8), 16) % 4096;
  for (let i = 0; i < 4096; i++) {
    const b = (start + i) % 4096;
    const prefix = `172.${16 + (b >> 8)}.${b & 0xff}`;
    if (!used.has(prefix)) return prefix;
  }
  throw new TargetError('lab: every underlay /24 of 172.16.0.0/12 is in use');
}

// No "." in run ids: names are "<run>.<rest>", so the run id of any lab name is unambiguous.
const RUN_ID = /^[a-z0-9][a-z0-9-]{0,23}$/;

export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId)) {
    throw new TargetError(`run id "${runId}" must be 1-24 characters of a-z, 0-9 and "-" (it prefixes lab names)`);
  }
  return runId;
}

export function shortHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

/** A locally administered unicast MAC, stable for (run, kind, name) so reruns are comparable. */
export function macFor(runId: string, kind: string, name: string): string {
  const h = shortHash(runId, kind, name);
  return ['0a', ...[0, 2, 4, 6, 8].map((i) => h.slice(i, i + 2))].join(':');
}

/** Names of one run's lab objects. */
export class RunNames {
  constructor(readonly runId: string) {
    checkRunId(runId);
  }
  /** OVN logical names: "<run>.<topology name>". */
  ovn(name: string): string {
    return `${this.runId}.${name}`;
  }
  router(vpc: string): string {
    return this.ovn(vpc);
  }
  switch(subnet: string): string {
    return this.ovn(subnet);
  }
  /** Router port of a subnet, as Kube-OVN names it: "<vpc>-<subnet>". */
  subnetLrp(vpc: string, subnet: string): string {
    return this.ovn(`${vpc}-${subnet}`);
  }
  subnetLsp(vpc: string, subnet: string): string {
    return this.ovn(`${subnet}-${vpc}`);
  }
  /** Peering router port, Kube-OVN's "<vpc>-<remoteVpc>". */
  peerLrp(vpc: string, remote: string): string {
    return this.ovn(`${vpc}-${remote}`);
  }
  vmLsp(vm: string): string {
    return this.ovn(`vm.${vm}`);
  }
  /** "_" cannot appear in topology names (DNS-1123 labels), so these never collide with them. */
  joinSwitch(): string {
    return this.ovn('_join');
  }
  joinLrp(): string {
    return this.ovn('_join-lrp');
  }
  joinLsp(): string {
    return this.ovn('_join-lsp');
  }
  nodeLsp(): string {
    return this.ovn('_node');
  }
  /** Port group and address-set names are match identifiers: letters, digits, "_" and "." only. */
  private ident(...parts: string[]): string {
    return ['vpcheck', this.runId, ...parts].join('.').replaceAll('-', '_');
  }
  sgPortGroup(sg: string): string {
    return this.ident('sg', sg);
  }
  sgAddressSet(sg: string): string {
    return this.ident('sg', sg, 'associated', 'v4');
  }
  /** Kube-OVN's port group "<subnet>.<node>" of a subnet's ports on the node; OVN adds "<pg>_ip4". */
  subnetNodePortGroup(subnet: string): string {
    return this.ident(subnetNodeAddressSet(subnet).replace(/_ip4$/, ''));
  }
  /** Any other address-set name a policy match uses, as the run's. */
  addressSet(name: string): string {
    return this.ident(name);
  }
  denyAllPortGroup(): string {
    return this.ident('deny_all');
  }
  vmNamespace(vm: string): string {
    return `${NAMESPACE_PREFIX}${this.runId}.vm.${vm}`;
  }
  nodeNamespace(): string {
    return `${NAMESPACE_PREFIX}${this.runId}.node`;
  }
  upstreamNamespace(): string {
    return `${NAMESPACE_PREFIX}${this.runId}.upstream`;
  }
  natGatewayNamespace(gw: string): string {
    return `${NAMESPACE_PREFIX}${this.runId}.natgw.${gw}`;
  }
  /** A NAT gateway's LAN leg: an OVN port of its subnet's switch. */
  natGatewayLsp(gw: string): string {
    return this.ovn(`natgw.${gw}`);
  }
  /** A node's OVN chassis (multi-node runs): its daemons and br-int live in this namespace. */
  chassisNamespace(node: string): string {
    return `${NAMESPACE_PREFIX}${this.runId}.chassis.${node}`;
  }
  /** The Linux bridge joining the run's chassis: the nodes' underlay network. */
  underlayNamespace(): string {
    return `${NAMESPACE_PREFIX}${this.runId}.underlay`;
  }
  /** The chassis' system-id and hostname, its Chassis row's name in the southbound database. */
  chassis(node: string): string {
    return this.ovn(node);
  }
  /**
   * The run's own transport zone: chassis form tunnels only with chassis of a zone they share
   * (ovn-controller(8), external_ids:ovn-transport-zones), so neither the lab's root chassis nor
   * another run's chassis (whose underlay addresses may be the same) ever tunnels to this run's.
   */
  transportZone(): string {
    return `vpcheck-${this.runId}`;
  }
  /** A chassis' daemons' files (databases, sockets, pids, logs). */
  chassisDir(node: string): string {
    return join(this.runDir, 'chassis', shortHash(this.runId, 'chassis', node).slice(0, 12));
  }
  /** The underlay bridge's port towards a chassis (the chassis end is UNDERLAY_NIC). */
  underlayPort(node: string): string {
    return `vu${shortHash(this.runId, 'underlay', node).slice(0, 12)}`;
  }
  /** Root-namespace (or chassis-namespace) end of a veth on br-int: "vc" + 12 hex digits. */
  hostIf(kind: 'vm' | 'node' | 'natgw', name: string): string {
    return `vc${shortHash(this.runId, kind, name).slice(0, 12)}`;
  }
  /** The upstream namespace's end of a NAT gateway's external leg, a port of its bridge. */
  upstreamPort(gw: string): string {
    return `ve${shortHash(this.runId, 'natgw-ext', gw).slice(0, 12)}`;
  }
  mac(kind: string, name: string): string {
    return macFor(this.runId, kind, name);
  }
  /** Undo the run prefix in command output shown to users. */
  unprefix(text: string): string {
    return text.replaceAll(`${this.runId}.`, '').replaceAll(`vpcheck.${this.runId.replaceAll('-', '_')}.`, '');
  }
  get runDir(): string {
    return join(RUNS_DIR, this.runId);
  }
}

/** The run a lab namespace belongs to, or undefined for other namespaces. */
export function runOfNamespace(ns: string): string | undefined {
  return ns.startsWith(NAMESPACE_PREFIX) && ns.includes('.') ? ns.slice(NAMESPACE_PREFIX.length, ns.indexOf('.')) : undefined;
}

/** The integration bridge: br-int for the default lab, a hashed name for any other lab dir. */
export function bridgeName(labDir: string): string {
  return labDir === DEFAULT_LAB_DIR ? 'br-int' : `vb${shortHash(labDir).slice(0, 10)}`;
}
