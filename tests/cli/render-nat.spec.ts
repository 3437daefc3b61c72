// `vpcheck render` (and `run`) with a NAT gateway: the site facts no topology holds come from
// --external-nic, --external-vlan and --nat-gateway-image; each defaulted one is said in the
// output's header, and one given to a target that has no use for it is refused (exit 2).
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { expect, test } from '@playwright/test';
import type { KubeObject } from '../../lib/k8s/resources.ts';
import { runCli } from '../support/cli.ts';

const FIXTURE = fileURLToPath(new URL('../k8s/fixtures/nat-render.yaml', import.meta.url));
const objectsOf = (out: string) => parseAllDocuments(out).map((d) => d.toJS() as KubeObject).filter(Boolean);
const header = (out: string) => out.split('\n').filter((l) => l.startsWith('# NAT gateway: '));

test('defaults are said in the header; given options land in the objects and their notes go', async () => {
  const harvester = await runCli(['render', FIXTURE, '--target', 'harvester']);
  expect(harvester.code, harvester.err).toBe(0);
  expect(header(harvester.out)).toEqual([
    "# NAT gateway: external network on node NIC eno50 (the default, from Harvester v1.8's NAT gateway page): pass --external-nic with the NIC that reaches 192.0.2.1",
    "# NAT gateway: kube-system/ovn-vpc-nat-config and kube-system/ovn-vpc-nat-gw-config are the kubeovn-operator's: enable the NAT gateway in its Configuration (spec.components.enableNATGateway: true)",
    '# NAT gateway: external network untagged (VLAN id 0, the default): pass --external-vlan with its VLAN id',
  ]);
  const given = await runCli(['render', FIXTURE, '--target', 'harvester', '--external-nic', 'ens4', '--external-vlan', '2017']);
  expect(header(given.out)).toHaveLength(1);
  const objects = objectsOf(given.out);
  expect(objects.find((o) => o.kind === 'ProviderNetwork')!.spec).toEqual({ defaultInterface: 'ens4' });
  expect(objects.find((o) => o.kind === 'Vlan')!.spec).toMatchObject({ id: 2017 });
  const nad = objects.find((o) => o.kind === 'NetworkAttachmentDefinition' && o.metadata.namespace === 'kube-system')!;
  expect(JSON.parse((nad.spec as { config: string }).config)).toMatchObject({ type: 'kube-ovn', master: 'ens4', provider: 'render-ovn-vpc-external-network.kube-system.ovn' });

  const kubeovn = await runCli(['render', FIXTURE, '--target', 'kubeovn', '--external-nic', 'eth2', '--nat-gateway-image', 'registry.example/vpc-nat-gateway:v1.15.4']);
  expect(kubeovn.code, kubeovn.err).toBe(0);
  expect(header(kubeovn.out)).toEqual(["# NAT gateway: kube-system/ovn-vpc-nat-config and kube-system/ovn-vpc-nat-gw-config: `vpcheck run` creates them only where the cluster has none (and then removes them), never changing the cluster's own"]);
  const k = objectsOf(kubeovn.out);
  expect(k.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'ovn-vpc-nat-config')!.data).toEqual({ image: 'registry.example/vpc-nat-gateway:v1.15.4' });
  const macvlan = k.find((o) => o.kind === 'NetworkAttachmentDefinition' && o.metadata.namespace === 'kube-system')!;
  expect(JSON.parse((macvlan.spec as { config: string }).config)).toEqual({ cniVersion: '0.3.0', type: 'macvlan', master: 'eth2', mode: 'bridge', ipam: { type: 'kube-ovn', server_socket: '/run/openvswitch/kube-ovn-daemon.sock', provider: 'render-ovn-vpc-external-network.kube-system' } });
  expect(k.find((o) => o.kind === 'Subnet' && o.metadata.name === 'render-ovn-vpc-external-network')!.spec).toEqual({ protocol: 'IPv4', provider: 'render-ovn-vpc-external-network.kube-system', cidrBlock: '192.0.2.0/24', gateway: '192.0.2.1', excludeIps: ['192.0.2.1'] });
});

test('an option for another target, or a VLAN id out of range, is refused with exit 2', async () => {
  for (const [args, message] of [
    [['render', FIXTURE, '--target', 'kubeovn', '--external-vlan', '3'], /--external-vlan is for --target harvester/],
    [['render', FIXTURE, '--target', 'harvester', '--nat-gateway-image', 'x'], /--nat-gateway-image is for --target kubeovn/],
    [['run', FIXTURE, '--target', 'lab', '--external-nic', 'eth3'], /are for cluster targets/],
    [['render', FIXTURE, '--target', 'harvester', '--external-vlan', '4096'], /a VLAN id, 0 to 4095/],
  ] as const) {
    const r = await runCli([...args]);
    expect(r.code, args.join(' ')).toBe(2);
    expect(r.err).toMatch(message);
  }
});
