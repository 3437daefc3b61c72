// JSON Schemas the fake API server admits objects with: the Kube-OVN CRD schemas (crds/README.md)
// and small hand-written shapes for the other kinds, limited to the fields vpcheck renders and
// each cited. What vpcheck renders is checked against the upstream schemas instead
// (tests/support/upstream, tests/k8s/upstream-schemas.spec.ts).
import crds from './crds/kube-ovn-v1.json' with { type: 'json' };

export type JsonSchema = Record<string, unknown>;

const str = { type: 'string' };
const labels = { type: 'object', additionalProperties: str };
const metadata = {
  type: 'object',
  required: ['name'],
  properties: { name: str, namespace: str, labels, annotations: labels },
};
const object = (spec: JsonSchema): JsonSchema => ({
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: { apiVersion: str, kind: str, metadata, spec },
});

// k8snetworkplumbingwg/network-attachment-definition-client:artifacts/networks-crd.yaml:
// spec.config is a string of CNI JSON; the Harvester UI writes the kube-ovn one
// (harvester/harvester-ui-extension:pkg/harvester/edit/harvesterhci.io.networkattachmentdefinition.vue).
const nad = object({ type: 'object', required: ['config'], additionalProperties: false, properties: { config: str } });

/** The CNI config inside a NAD's spec.config (parsed), as Harvester's OverlayNetwork has it. */
export const OVERLAY_CNI_CONFIG: JsonSchema = {
  type: 'object',
  required: ['cniVersion', 'name', 'type', 'server_socket', 'provider'],
  additionalProperties: false,
  properties: {
    cniVersion: { const: '0.3.1' },
    name: str,
    type: { const: 'kube-ovn' },
    server_socket: { const: '/run/openvswitch/kube-ovn-daemon.sock' },
    // kubeovn/kube-ovn:pkg/util/subnet.go IsOvnProvider: "<nad>.<ns>.ovn", exactly three fields.
    provider: { type: 'string', pattern: '^[a-z0-9-]+\\.[a-z0-9-]+\\.ovn$' },
  },
};

// kubevirt/kubevirt:staging/src/kubevirt.io/api/core/v1/types.go (VirtualMachineSpec,
// VirtualMachineInstanceSpec, DomainSpec, Interface, Network, MultusNetwork) and schema.go
// (CloudInitNoCloudSource: secretRef, JSON name of UserDataSecretRef, networkData; ContainerDiskSource: image).
const named = (properties: JsonSchema, required: string[] = []) => ({
  type: 'object', additionalProperties: false, required: ['name', ...required], properties: { name: str, ...properties },
});
const vmiSpec = {
  type: 'object',
  required: ['domain', 'networks', 'volumes'],
  additionalProperties: false,
  properties: {
    domain: {
      type: 'object',
      required: ['devices'],
      additionalProperties: false,
      properties: {
        cpu: { type: 'object', properties: { cores: { type: 'integer', minimum: 1 } } },
        memory: { type: 'object', properties: { guest: str } },
        devices: {
          type: 'object',
          additionalProperties: false,
          properties: {
            autoattachSerialConsole: { type: 'boolean' },
            disks: { type: 'array', items: named({ disk: { type: 'object', properties: { bus: { enum: ['virtio', 'sata', 'scsi'] } } }, bootOrder: { type: 'integer' } }) },
            interfaces: { type: 'array', items: named({ model: str, bridge: { type: 'object', maxProperties: 0 }, macAddress: str }) },
          },
        },
      },
    },
    networks: { type: 'array', items: named({ multus: { type: 'object', required: ['networkName'], additionalProperties: false, properties: { networkName: { type: 'string', pattern: '^[a-z0-9-]+/[a-z0-9-]+$' } } } }, ['multus']) },
    volumes: {
      type: 'array',
      items: named({
        containerDisk: { type: 'object', required: ['image'], properties: { image: str } },
        cloudInitNoCloud: {
          type: 'object',
          additionalProperties: false,
          properties: { secretRef: { type: 'object', required: ['name'], properties: { name: str } }, networkData: str },
        },
      }),
    },
    terminationGracePeriodSeconds: { type: 'integer', minimum: 0 },
  },
};
const vm = object({
  type: 'object',
  required: ['template'],
  additionalProperties: false,
  properties: {
    runStrategy: { enum: ['Always', 'RerunOnFailure', 'Manual', 'Halted', 'Once'] },
    template: { type: 'object', required: ['spec'], additionalProperties: false, properties: { metadata: { type: 'object', properties: { labels, annotations: labels } }, spec: vmiSpec } },
  },
});

// kubernetes/api:core/v1/types.go Secret: data is base64, stringData plain text.
const secret: JsonSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata'],
  properties: { apiVersion: str, kind: str, metadata, type: str, data: labels, stringData: labels },
};

// kubernetes/api:core/v1/types.go Namespace and Pod, the fields vpcheck renders (Container:
// name, image, command, securityContext.capabilities.add).
const namespace: JsonSchema = { type: 'object', required: ['apiVersion', 'kind', 'metadata'], properties: { apiVersion: str, kind: str, metadata } };
const container = {
  type: 'object',
  required: ['name'],
  properties: {
    name: str,
    image: str,
    command: { type: 'array', items: str },
    securityContext: { type: 'object', properties: { capabilities: { type: 'object', properties: { add: { type: 'array', items: str } } } } },
  },
};
const podSpec = object({
  type: 'object',
  required: ['containers'],
  properties: { terminationGracePeriodSeconds: { type: 'integer' }, containers: { type: 'array', minItems: 1, items: container } },
});
// The kubelet's status (phase, conditions, podIP) is the server's: kept as it is on every apply.
const pod: JsonSchema = { ...podSpec, properties: { ...(podSpec.properties as object), status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } };

const SCHEMAS: Record<string, JsonSchema> = {
  Namespace: namespace,
  Pod: pod,
  Vpc: crds.Vpc.openAPIV3Schema,
  Subnet: crds.Subnet.openAPIV3Schema,
  SecurityGroup: crds.SecurityGroup.openAPIV3Schema,
  NetworkAttachmentDefinition: nad,
  VirtualMachine: vm,
  Secret: secret,
};

/** The schema an object of this kind must satisfy. */
export function schemaOf(kind: string): JsonSchema | undefined {
  return SCHEMAS[kind];
}
