// A VirtualMachine for one topology VM: one NIC (bridge or managedtap) on the VM's overlay network
// (multus `ns/nad`), its address pinned for Kube-OVN, its security groups, a cloud image and cloud-init.
import { vmNotes } from '../../k8s/labels.ts';
import type { KubeObject } from '../../k8s/resources.ts';
import type { Vm } from '../../topology/types.ts';
import { dhcpNetworkData, networkData } from './cloud-init.ts';

export interface VmInput {
  readonly vm: Vm;
  readonly ip: string;
  readonly prefixLength: number;
  readonly provider: string;
  readonly networkName: string;
  readonly securityGroups: readonly string[];
  readonly metadata: KubeObject['metadata'];
  readonly image: string;
  /** The node the VM must run on; absent when the topology names no nodes (the scheduler chooses). */
  readonly node?: string;
}

export function renderVm(input: VmInput): KubeObject {
  const { vm, provider, metadata } = input;
  // Kube-OVN reads a pod's attachment address and security groups from annotations keyed by the
  // provider (kubeovn/kube-ovn:pkg/util/const.go IPAddressAnnotationTemplate
  // "%s.kubernetes.io/ip_address", SecurityGroupAnnotationTemplate); KubeVirt copies the VMI
  // template's annotations to the virt-launcher pod (kubevirt/kubevirt:
  // pkg/virt-controller/services/template.go filterVMIAnnotationsForPod).
  const annotations: Record<string, string> = {
    [`${provider}.kubernetes.io/ip_address`]: input.ip,
    ...(input.securityGroups.length && { [`${provider}.kubernetes.io/security_groups`]: input.securityGroups.join(',') }),
  };
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: {
      ...metadata,
      annotations: { ...metadata.annotations, ...vmNotes(vm) },
    },
    spec: {
      runStrategy: 'Always',
      template: {
        metadata: { labels: { ...metadata.labels }, annotations },
        spec: {
          domain: {
            cpu: { cores: 1 },
            memory: { guest: '512Mi' },
            devices: {
              // The serial console is vpcheck's channel into the VM (kubevirt: on by default; explicit here).
              autoattachSerialConsole: true,
              disks: [{ name: 'rootdisk', disk: { bus: 'virtio' }, bootOrder: 1 }, { name: 'cloudinitdisk', disk: { bus: 'virtio' } }],
              // bridge, or the managedtap binding plugin: `binding: {name: managedtap}` in place of
              // the core binding (kubevirt/kubevirt v1.5.0 and v1.7.0 api/openapi-spec/swagger.json
              // v1.Interface.binding -> v1.PluginBinding {name}). Harvester v1.8 patches it in for a
              // NIC on a DHCP subnet (harvester/harvester:pkg/webhook/resources/virtualmachine/mutator.go
              // patchManagedTapBinding, harvester#9957); v1.7 documents the edit by hand: written
              // explicitly, so both versions run what the topology says.
              interfaces: [{ name: 'nic-1', model: 'virtio', ...(vm.binding === 'managedtap' ? { binding: { name: 'managedtap' } } : { bridge: {} }) }],
            },
          },
          networks: [{ name: 'nic-1', multus: { networkName: input.networkName } }],
          // v1.VirtualMachineInstanceSpec.nodeSelector (kubevirt/kubevirt v1.5.0 and v1.7.0
          // api/openapi-spec/swagger.json); kubernetes.io/hostname is the label every node carries.
          ...(input.node !== undefined && { nodeSelector: { 'kubernetes.io/hostname': input.node } }),
          volumes: [
            { name: 'rootdisk', containerDisk: { image: input.image } },
            // The JSON name of CloudInitNoCloudSource's UserDataSecretRef is `secretRef`
            // (kubevirt/kubevirt v1.5.0 and v1.7.0 api/openapi-spec/swagger.json,
            // v1.CloudInitNoCloudSource); any other name is rejected under fieldValidation=Strict.
            { name: 'cloudinitdisk', cloudInitNoCloud: { secretRef: { name: metadata.name }, networkData: vm.binding === 'managedtap' ? dhcpNetworkData(vm.mtu) : networkData(input.ip, input.prefixLength, vm.mtu) } },
          ],
          terminationGracePeriodSeconds: 0,
        },
      },
    },
  };
}
