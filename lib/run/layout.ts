// What a phase's network looked like, recorded in the result (PhaseResult.layout) so that reports
// can draw the topology (VPCs, subnets, peerings, routes, NAT gateways, VMs) from a saved result
// alone: the run writes it, lib/report only reads it.
import { assignAddresses, subnetOf } from '../topology/addresses.ts';
import type { TopologySpec } from '../topology/types.ts';

export interface LayoutSubnet {
  readonly name: string;
  readonly cidrBlock: string;
  readonly gateway: string;
  readonly private: boolean;
  readonly natOutgoing: boolean;
}

export interface LayoutVpc {
  readonly name: string;
  readonly cidr?: string;
  readonly subnets: readonly LayoutSubnet[];
  readonly peerings: readonly { readonly remoteVpc: string; readonly localConnectIP: string }[];
  readonly routes: readonly { readonly cidr: string; readonly nextHopIP: string }[];
  /** Absent in results written before NAT gateways were drawn. */
  readonly natGateways?: readonly LayoutNatGateway[];
}

export interface LayoutNatGateway {
  readonly name: string;
  readonly subnet: string;
  readonly lanIp: string;
  /** Each EIP with its rules as one-line texts, e.g. "SNAT 10.0.1.0/24", "DNAT tcp/8080 -> 10.0.1.10:80". */
  readonly eips: readonly { readonly name: string; readonly v4ip: string; readonly rules: readonly string[] }[];
}

export interface LayoutVm {
  readonly name: string;
  readonly ip: string;
  readonly subnet: string;
  readonly defaultRoute: boolean;
  readonly defaultRouteVia?: string;
}

export interface Layout {
  readonly vpcs: readonly LayoutVpc[];
  readonly vms: readonly LayoutVm[];
}

export function layoutOf(spec: TopologySpec): Layout {
  const addresses = assignAddresses(spec);
  return {
    // ovn-cluster is always in a spec; draw it only when something uses it.
    vpcs: spec.vpcs
      .filter((v) => !v.implicit || spec.subnets.some((s) => s.vpc === v.name) || spec.vpcs.some((o) => o.vpcPeerings.some((p) => p.remoteVpc === v.name)))
      .map((v) => ({
        name: v.name,
        ...(v.cidr !== undefined && { cidr: v.cidr }),
        subnets: spec.subnets.filter((s) => s.vpc === v.name).map((s) => ({
          name: s.name, cidrBlock: s.cidrBlock, gateway: s.gateway, private: s.private, natOutgoing: s.natOutgoing,
        })),
        peerings: v.vpcPeerings.map((p) => ({ remoteVpc: p.remoteVpc, localConnectIP: p.localConnectIP })),
        routes: v.staticRoutes.map((r) => ({ cidr: r.cidr, nextHopIP: r.nextHopIP })),
        natGateways: spec.natGateways.filter((g) => g.vpc === v.name).map((g) => ({
          name: g.name,
          subnet: g.subnet,
          lanIp: g.lanIp,
          eips: spec.eips.filter((e) => e.natGwDp === g.name).map((e) => ({
            name: e.name,
            v4ip: e.v4ip,
            rules: [
              ...spec.fipRules.filter((r) => r.eip === e.name).map((r) => `FIP ${r.internalIp}`),
              ...spec.snatRules.filter((r) => r.eip === e.name).map((r) => `SNAT ${r.internalCIDR}`),
              ...spec.dnatRules.filter((r) => r.eip === e.name).map((r) => `DNAT ${r.protocol}/${r.externalPort} -> ${r.internalIp}:${r.internalPort}`),
            ],
          })),
        })),
      })),
    vms: spec.vms.map((vm) => ({
      name: vm.name,
      ip: addresses.get(vm.name)?.ip ?? vm.ip ?? '?',
      subnet: subnetOf(spec, vm)?.name ?? '?',
      defaultRoute: vm.defaultRoute,
      ...(vm.defaultRouteVia !== undefined && { defaultRouteVia: vm.defaultRouteVia }),
    })),
  };
}
