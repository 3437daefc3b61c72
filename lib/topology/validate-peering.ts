// Peerings, static routes and egress: configurations the platform accepts but that will not
// carry traffic. These are warnings: a customer's broken setup must stay reproducible.
// Facts: Kube-OVN creates router port <vpc>-<remote> peered with <remote>-<vpc> only for the
// side that lists the peering (pkg/ovs/ovn-nb-logical_router_port.go CreatePeerRouterPort);
// natOutgoing is applied to ovn-cluster subnets only (pkg/daemon/gateway.go isSubnetNeedNat);
// Harvester v1.6 docs: /30 link networks from 169.254.0.0/16, routes must cover the remote
// subnets, and peering with ovn-cluster does not work (harvester/harvester#8906).
import type { SpecSource } from './normalize.ts';
import type { Report } from './validate.ts';
import { DEFAULT_VPC, type Vpc } from './types.ts';
import { broadcast, contains, covers, formatIPv4, isRfc1918, overlaps, parseIPv4, parsePrefix, parsePrefixOrAddress } from '../net/ipv4.ts';

const GUIDE = 'the Harvester docs recommend a /30 from 169.254.0.0/16 for each link';

export function validatePeering(src: SpecSource, report: Report): void {
  const { spec, at } = src;
  const vpcIndex = new Map(spec.vpcs.map((v, i) => [v.name, i]));
  const peeringOf = (v: Vpc, remote: string) => v.vpcPeerings.find((p) => p.remoteVpc === remote);
  const subnetsOf = (vpc: string) => spec.subnets.filter((s) => s.vpc === vpc);

  spec.vpcs.forEach((v, i) => {
    v.vpcPeerings.forEach((p, k) => {
      const remote = spec.vpcs[vpcIndex.get(p.remoteVpc) ?? -1];
      if (!remote) return;
      const here = at('vpcs', i, 'vpcPeerings', k, 'localConnectIP');
      const link = parsePrefix(p.localConnectIP);
      if (link.length !== 30) report('warning', here, `${p.localConnectIP} is a /${link.length}; ${GUIDE}`);
      if (isRfc1918(link.address)) report('warning', here, `${p.localConnectIP} is in RFC 1918 private space, which the Harvester docs advise against for peering links (use 169.254.x.x/30)`);
      if (link.length < 31 && (link.address === link.network || link.address === broadcast(link))) {
        report('warning', here, `${formatIPv4(link.address)} is the ${link.address === link.network ? 'network' : 'broadcast'} address of ${formatIPv4(link.network)}/${link.length}; a router port needs a host address such as ${formatIPv4(link.network + 1)}/${link.length}`);
      }
      if (v.name === DEFAULT_VPC || remote.name === DEFAULT_VPC) {
        if (spec.platform === 'harvester') {
          report('warning', at('vpcs', i, 'vpcPeerings', k, 'remoteVpc'), `peering between ${DEFAULT_VPC} and a custom VPC does not work on Harvester (documented limitation, harvester/harvester#8906): ${DEFAULT_VPC}'s priority-29000 policy reroutes its subnets' traffic to the node; a policyRoutes allow at 31000 for the peer's CIDR on ${DEFAULT_VPC} is Kube-OVN's workaround (kubeovn/kube-ovn#3102)`);
        }
      }
      const back = peeringOf(remote, v.name);
      if (!back) {
        report('warning', at('vpcs', i, 'vpcPeerings', k, 'remoteVpc'), `one-sided peering: ${remote.name} does not list ${v.name} in its vpcPeerings, so the link never comes up`);
        return;
      }
      const other = parsePrefix(back.localConnectIP);
      if (other.address === link.address) {
        report('warning', here, `both ends of the ${v.name}-${remote.name} link use ${formatIPv4(link.address)}; each end needs its own address`);
      } else if (other.network !== link.network || other.length !== link.length) {
        report('warning', here, `${p.localConnectIP} and ${remote.name}'s ${back.localConnectIP} are not in one network; both ends of a peering need addresses of one small network, e.g. 169.254.0.1/30 and 169.254.0.2/30`);
      }
      for (const s of subnetsOf(remote.name)) {
        for (const t of subnetsOf(v.name)) {
          if (i < (vpcIndex.get(remote.name) ?? 0) && overlaps(parsePrefix(s.cidrBlock), parsePrefix(t.cidrBlock))) {
            report('warning', here, `subnet ${t.name} (${t.cidrBlock}) of ${v.name} overlaps ${s.name} (${s.cidrBlock}) of peer ${remote.name}; routing between them is ambiguous`);
          }
        }
      }
      checkCoverage(v, i, remote, parsePrefix(back.localConnectIP).address);
    });

    v.staticRoutes.forEach((r, k) => {
      const hop = parseIPv4(r.nextHopIP);
      const peerEnds = v.vpcPeerings.flatMap((p) => {
        const back = spec.vpcs[vpcIndex.get(p.remoteVpc) ?? -1] && peeringOf(spec.vpcs[vpcIndex.get(p.remoteVpc)!]!, v.name);
        return back ? [{ remote: p.remoteVpc, end: parsePrefix(back.localConnectIP).address }] : [];
      });
      if (peerEnds.some((e) => e.end === hop)) return;
      if (subnetsOf(v.name).some((s) => contains(parsePrefix(s.cidrBlock), hop))) return;
      const ends = peerEnds.map((e) => `peer ${e.remote} is ${formatIPv4(e.end)}`).join(', ');
      report('warning', at('vpcs', i, 'staticRoutes', k, 'nextHopIP'), `"${r.nextHopIP}" is not the remote end of any peering of ${v.name}${ends ? ` (${ends})` : ' (it has no working peering)'}; the route leads nowhere`);
    });
  });

  function checkCoverage(v: Vpc, i: number, remote: Vpc, remoteEnd: number): void {
    // A policySrc route to this peer carries whatever the policyDst routes leave (Kube-OVN ranks
    // src-ip routes last, lib/model/routes.ts): coverage then depends on the sources, not the CIDRs.
    if (v.staticRoutes.some((r) => r.policy === 'policySrc' && parseIPv4(r.nextHopIP) === remoteEnd)) return;
    const viaPeer = v.staticRoutes
      .map((r, k) => ({ r, k }))
      .filter(({ r }) => r.policy === 'policyDst' && parseIPv4(r.nextHopIP) === remoteEnd);
    const k0 = v.vpcPeerings.findIndex((p) => p.remoteVpc === remote.name);
    for (const s of subnetsOf(remote.name)) {
      const sp = parsePrefix(s.cidrBlock);
      if (viaPeer.some(({ r }) => covers(parsePrefixOrAddress(r.cidr), sp))) continue;
      if (viaPeer.length === 0) {
        report('warning', at('vpcs', i, 'vpcPeerings', k0, 'remoteVpc'), `no static route of ${v.name} leads over the peering to ${remote.name} (next hop ${formatIPv4(remoteEnd)}), so ${remote.name}'s subnet ${s.name} (${s.cidrBlock}) is unreachable from ${v.name}`);
      } else {
        const { r, k } = viaPeer[0]!;
        const routes = viaPeer.map(({ r: x }) => x.cidr).join(', ');
        report('warning', at('vpcs', i, 'staticRoutes', k, 'cidr'), `route${viaPeer.length > 1 ? 's' : ''} ${routes} via ${r.nextHopIP} do${viaPeer.length > 1 ? '' : 'es'} not cover ${remote.name}'s subnet ${s.name} (${s.cidrBlock}); the Harvester docs require static routes to point at the remote VPC's CIDR that includes all its subnets`);
      }
    }
  }

  spec.subnets.forEach((s, i) => {
    if (s.natOutgoing && s.vpc !== DEFAULT_VPC) {
      report('warning', at('subnets', i, 'natOutgoing'), `natOutgoing has no effect on a subnet of custom VPC ${s.vpc}: Kube-OVN applies it to ${DEFAULT_VPC} subnets only (custom VPCs need a VPC NAT gateway, Harvester v1.8+)`);
    }
  });
}
