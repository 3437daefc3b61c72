// What the stand-in hands the lab for Harvester's DHCP flow, read from Kubernetes fields only: the
// Subnet's enableDHCP, dhcpV4Options and mtu; the VM interface's binding (managedtap is the
// registered plugin, any other is refused as KubeVirt refuses it); and whether the guest's
// cloud-init asks DHCP. The lab's managedtap VM is a guest whose DHCP client talks to OVN: a
// managedtap NIC whose guest asks DHCP; a static guest, or a bridge one (KubeVirt's own DHCP
// hands out the port's address and no route), is bridge.
import { expect, test } from '@playwright/test';
import { stringify } from 'yaml';
import type { KubeObject } from '../../lib/k8s/resources.ts';
import { runView } from '../support/fake-apiserver/cluster-view.ts';
import { KubeOvnIpam } from '../support/fake-apiserver/kube-ovn-ipam.ts';
import { Store } from '../support/fake-apiserver/store.ts';

const RUN = 'standin-dhcp';
const labels = { 'vpcheck/run': RUN };
const USER_DATA = `#cloud-config\n${stringify({ users: [{ name: 'guest', lock_passwd: false, plain_text_passwd: 'pw', ssh_authorized_keys: [] }] })}`;

function vm(name: string, iface: Record<string, unknown>, networkData?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name, namespace: 'default', labels },
    spec: {
      template: {
        spec: {
          domain: { devices: { interfaces: [{ name: 'nic-1', model: 'virtio', ...iface }] } },
          networks: [{ name: 'nic-1', multus: { networkName: 'default/n1' } }],
          volumes: [{ name: 'cloudinitdisk', cloudInitNoCloud: { userData: USER_DATA, ...(networkData && { networkData: stringify(networkData) }) } }],
        },
      },
    },
  };
}

const managedtap = { binding: { name: 'managedtap' } };
const dhcp4 = { version: 2, ethernets: { enp1s0: { dhcp4: true } } };
const staticAddress = { version: 2, ethernets: { enp1s0: { addresses: ['10.9.0.20/24'], gateway4: '10.9.0.1' } } };

function view(subnetSpec: Record<string, unknown>, vms: readonly KubeObject[]) {
  const store = new Store();
  store.create({
    apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'n1', namespace: 'default', labels },
    spec: { config: JSON.stringify({ cniVersion: '0.3.1', name: 'n1', type: 'kube-ovn', server_socket: '/run/openvswitch/kube-ovn-daemon.sock', provider: 'n1.default.ovn' }) },
  });
  store.create({ apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name: 's1', labels }, spec: { cidrBlock: '10.9.0.0/24', provider: 'n1.default.ovn', ...subnetSpec } });
  for (const o of vms) store.create(o);
  return runView(store, RUN, new KubeOvnIpam());
}

test('the Subnet\'s DHCP settings reach the lab topology as Kube-OVN holds them', () => {
  const on = view({ enableDHCP: true, dhcpV4Options: 'lease_time=600', mtu: 1300 }, []);
  expect(on.spec.subnets).toMatchObject([{ name: 's1', enableDHCP: true, dhcpV4Options: 'lease_time=600', mtu: 1300 }]);
  const off = view({}, []);
  expect(off.spec.subnets[0]!.enableDHCP).toBe(false);
  expect(off.spec.subnets[0]).not.toHaveProperty('mtu');
  expect(off.spec.subnets[0]).not.toHaveProperty('dhcpV4Options');
});

test('a managedtap NIC whose guest asks DHCP is the lab\'s managedtap; static guests and bridge NICs are bridge; another plugin is refused', () => {
  const v = view({ enableDHCP: true }, [
    vm('tap-dhcp4', managedtap, dhcp4),
    // No network-config: cloud-init's fallback asks DHCP on the first NIC.
    vm('tap-fallback', managedtap),
    vm('tap-static', managedtap, staticAddress),
    vm('bridge-dhcp4', { bridge: {} }, dhcp4),
    vm('passt', { binding: { name: 'passt' } }),
  ]);
  expect(v.spec.vms.map((x) => [x.name, x.binding, x.defaultRoute])).toEqual([
    ['tap-dhcp4', 'managedtap', false],
    ['tap-fallback', 'managedtap', false],
    ['tap-static', 'bridge', false],
    ['bridge-dhcp4', 'bridge', false],
  ]);
  // The static guest configures its own route; DHCP guests take theirs from the lease (or none).
  expect(v.guests.get('tap-static')!.config).toMatchObject({ dhcp: false, address: '10.9.0.20/24', defaultVia: '10.9.0.1' });
  expect(v.guests.get('tap-dhcp4')!.config).toMatchObject({ dhcp: true });
  expect(v.guests.get('tap-dhcp4')!.config).not.toHaveProperty('defaultVia');
  expect([...v.pending.entries()].map(([o, why]) => [o.metadata.name, why])).toEqual([
    ['passt', 'binding plugin "passt" is not registered in the KubeVirt configuration (the fake\'s, as Harvester\'s, registers managedtap)'],
  ]);
});

test('cloud-init asking DHCP beside a static address is refused with the reason', () => {
  const v = view({ enableDHCP: true }, [vm('both', managedtap, { version: 2, ethernets: { enp1s0: { dhcp4: true, addresses: ['10.9.0.5/24'] } } })]);
  expect([...v.pending.values()]).toEqual(['cloud-init: networkData ethernets.enp1s0: dhcp4 beside a static address or route is not understood (the fake\'s guest does one or the other)']);
});
