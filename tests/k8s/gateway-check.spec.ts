// Security-group members and kube-ovn-cni's gateway check: a subnet with any VM in a security
// group carries Subnet disableGatewayCheck (else an ingress-only group keeps the VM from
// starting), and the model's positive control agrees: it does not expect that VM to reach its
// gateway, so it checks the VM's address instead; VMs outside groups still ping their gateway.
import { expect, test } from '@playwright/test';
import { NAME_ANNOTATION } from '../../lib/k8s/labels.ts';
import { assignAddresses } from '../../lib/topology/addresses.ts';
import { buildModel } from '../../lib/model/index.ts';
import { controlSpecOf } from '../../lib/run/controls.ts';
import { renderNetwork } from '../../lib/targets/k8s-common/render-network.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import { SEEDS, seedFiles } from '../support/seed-runs.ts';

test('subnets with security-group members skip the gateway check, and the positive control does not ping their gateway', async () => {
  const { topology } = await loadTopologyFile(`${SEEDS}blog-security-group.yaml`);
  const spec = topology!;
  const subnets = renderNetwork(spec, { runId: 'r', namespace: 'default' }).objects.filter((o) => o.kind === 'Subnet');
  const skipping = subnets.filter((s) => (s.spec as { disableGatewayCheck?: boolean }).disableGatewayCheck === true).map((s) => s.metadata.annotations![NAME_ANNOTATION]);
  expect(skipping).toEqual(['web-subnet']);

  const model = buildModel(spec, { internetIP: '192.0.2.1' });
  const addresses = assignAddresses(spec);
  const control = (name: string) => {
    const a = addresses.get(name)!;
    return controlSpecOf(model, spec.vms.find((v) => v.name === name)!, { name, ip: a.ip, mac: '', gateway: a.subnet.gateway, subnet: a.subnet.name, nic: 'enp1s0' });
  };
  expect(control('vm-web')).toMatchObject({ address: { ip: addresses.get('vm-web')!.ip } });
  expect(control('vm-web').gateway).toBeUndefined();
  expect(control('vm-app')).toMatchObject({ gateway: addresses.get('vm-app')!.subnet.gateway });
});

test('no seed without security groups sets disableGatewayCheck', async () => {
  for (const file of seedFiles) {
    const { topology } = await loadTopologyFile(SEEDS + file);
    if (topology!.vms.some((vm) => vm.securityGroups.length)) continue;
    const subnets = renderNetwork(topology!, { runId: 'r', namespace: 'default' }).objects.filter((o) => o.kind === 'Subnet');
    expect(subnets.filter((s) => 'disableGatewayCheck' in (s.spec as object)), file).toEqual([]);
  }
});
