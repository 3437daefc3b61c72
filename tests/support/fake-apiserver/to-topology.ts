// The fake's view of what Kube-OVN and KubeVirt would build: the objects of one run (label
// vpcheck/run) mapped back to a TopologySpec for the lab. Objects whose dependencies are
// missing are left out (Kube-OVN would not program them either) and reported.
import { NAME_ANNOTATION, RUN_LABEL, TOPOLOGY_LABEL } from '../../../lib/k8s/labels.ts';
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import { addedBy } from '../../../lib/targets/harvester/ovn-cluster.ts';
import { LISTEN_ANNOTATION } from '../../../lib/targets/harvester/render-vm.ts';
import { DEFAULT_VPC, type Listen, type Platform, type SecurityGroupRule, type TopologySpec, type Vm } from '../../../lib/topology/types.ts';
import type { Store } from './store.ts';

type Spec = Record<string, never>;

export interface RunView {
  readonly spec: TopologySpec;
  /** Topology VM name -> the VirtualMachine object it came from. */
  readonly vms: ReadonlyMap<string, KubeObject>;
  /** Objects not built, with the reason (shown in their status). */
  readonly pending: ReadonlyMap<KubeObject, string>;
}

export function runView(store: Store, runId: string, platform: Platform): RunView {
  const live = (kind: string) => store.list({ kind, labelSelector: `${RUN_LABEL}=${runId}` }).filter((o) => !o.metadata.deletionTimestamp);
  const original = (o: KubeObject) => o.metadata.annotations?.[NAME_ANNOTATION] ?? o.metadata.name;
  const pending = new Map<KubeObject, string>();

  const nads = live('NetworkAttachmentDefinition');
  const networks = nads.map((n) => ({ name: original(n), namespace: n.metadata.namespace!, ref: `${n.metadata.namespace}/${original(n)}` }));
  const refByProvider = new Map(nads.map((n, i) => [`${n.metadata.name}.${n.metadata.namespace}.ovn`, networks[i]!.ref]));
  const refByNad = new Map(nads.map((n, i) => [`${n.metadata.namespace}/${n.metadata.name}`, networks[i]!.ref]));

  const vpcObjects = live('Vpc');
  const vpcNames = new Map<string, string>([[DEFAULT_VPC, DEFAULT_VPC], ...vpcObjects.map((v) => [v.metadata.name, original(v)] as [string, string])]);
  const vpcOf = (o: KubeObject | undefined, name: string) => {
    const s = (o?.spec ?? {}) as Spec;
    return {
      name,
      vpcPeerings: ((s.vpcPeerings ?? []) as { remoteVpc: string; localConnectIP: string }[]).filter((p) => vpcNames.has(p.remoteVpc)).map((p) => ({ remoteVpc: vpcNames.get(p.remoteVpc)!, localConnectIP: p.localConnectIP })),
      staticRoutes: ((s.staticRoutes ?? []) as { cidr: string; nextHopIP: string; policy?: string }[]).map((r) => ({ cidr: r.cidr, nextHopIP: r.nextHopIP, policy: r.policy === 'policySrc' ? 'policySrc' as const : 'policyDst' as const })),
      implicit: false,
    };
  };
  const ovnCluster = store.get('Vpc', undefined, DEFAULT_VPC);
  const added = ovnCluster ? addedBy(ovnCluster, runId) : { vpcPeerings: [], staticRoutes: [] };
  const vpcs = [{ ...vpcOf({ ...ovnCluster!, spec: added }, DEFAULT_VPC), implicit: !added.vpcPeerings.length && !added.staticRoutes.length }, ...vpcObjects.map((v) => vpcOf(v, original(v)))];

  const subnets = live('Subnet').flatMap((o) => {
    const s = o.spec as Spec;
    const provider = refByProvider.get(s.provider);
    const vpc = vpcNames.get(s.vpc ?? DEFAULT_VPC);
    if (!provider || !vpc) {
      pending.set(o, !provider ? `no NetworkAttachmentDefinition for provider ${s.provider}` : `vpc ${s.vpc} not found`);
      return [];
    }
    return [{ name: original(o), vpc, cidrBlock: s.cidrBlock, gateway: s.gateway, provider, private: s.private ?? false, allowSubnets: s.allowSubnets ?? [], natOutgoing: s.natOutgoing ?? false, excludeIps: s.excludeIps ?? [] }];
  });

  const sgObjects = live('SecurityGroup');
  const sgNames = new Map(sgObjects.map((g) => [g.metadata.name, original(g)]));
  const rule = (r: SecurityGroupRule): SecurityGroupRule => ({ ...r, ...(r.remoteSecurityGroup !== undefined && { remoteSecurityGroup: sgNames.get(r.remoteSecurityGroup) ?? r.remoteSecurityGroup }) });
  const securityGroups = sgObjects.map((g) => {
    const s = g.spec as Spec;
    return { name: original(g), allowSameGroupTraffic: s.allowSameGroupTraffic ?? false, ingressRules: ((s.ingressRules ?? []) as SecurityGroupRule[]).map(rule), egressRules: ((s.egressRules ?? []) as SecurityGroupRule[]).map(rule) };
  });

  const vmObjects = new Map<string, KubeObject>();
  const vms = live('VirtualMachine').flatMap((o): Vm[] => {
    const template = (o.spec as { template: { metadata?: { annotations?: Record<string, string> }; spec: { networks: { multus: { networkName: string } }[] } } }).template;
    const network = refByNad.get(template.spec.networks[0]?.multus.networkName ?? '');
    const annotations = template.metadata?.annotations ?? {};
    const value = (suffix: string) => Object.entries(annotations).find(([k]) => k.endsWith(`.kubernetes.io/${suffix}`))?.[1];
    if (!network || !subnets.some((s) => s.provider === network)) {
      pending.set(o, `no subnet for network ${template.spec.networks[0]?.multus.networkName}`);
      return [];
    }
    vmObjects.set(original(o), o);
    const listen = (o.metadata.annotations?.[LISTEN_ANNOTATION] ?? '').split(',').filter(Boolean).map((l): Listen => ({ protocol: 'tcp', port: Number(l.split('/')[1]) }));
    const ip = value('ip_address');
    return [{ name: original(o), network, ...(ip !== undefined && { ip }), defaultRoute: false, securityGroups: (value('security_groups') ?? '').split(',').filter((g) => sgNames.has(g)).map((g) => sgNames.get(g)!), listen }];
  });

  const name = [...nads, ...vpcObjects, ...sgObjects].find((o) => o.metadata.labels?.[TOPOLOGY_LABEL])?.metadata.labels?.[TOPOLOGY_LABEL] ?? runId;
  return { spec: { name, platform, networks, vpcs, subnets, securityGroups, vms }, vms: vmObjects, pending };
}
