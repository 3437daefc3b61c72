// The CNI config of a Harvester OverlayNetwork, inside a NetworkAttachmentDefinition's
// spec.config (harvester/harvester-ui-extension:pkg/harvester/edit/
// harvesterhci.io.networkattachmentdefinition.vue writes it), as Harvester's webhook accepts it.
// Kubernetes objects themselves are checked against the upstream API schemas
// (tests/support/upstream, tests/k8s/upstream-schemas.spec.ts).

/** The CNI config inside a NAD's spec.config (parsed), as Harvester's OverlayNetwork has it. */
export const OVERLAY_CNI_CONFIG: Record<string, unknown> = {
  type: 'object',
  required: ['cniVersion', 'name', 'type', 'server_socket', 'provider'],
  additionalProperties: false,
  properties: {
    cniVersion: { const: '0.3.1' },
    name: { type: 'string' },
    type: { const: 'kube-ovn' },
    server_socket: { const: '/run/openvswitch/kube-ovn-daemon.sock' },
    // kubeovn/kube-ovn:pkg/util/subnet.go IsOvnProvider: "<nad>.<ns>.ovn", exactly three fields.
    provider: { type: 'string', pattern: '^[a-z0-9-]+\\.[a-z0-9-]+\\.ovn$' },
    // The NIC of a VLAN underlay network: Harvester v1.8's VPC NAT gateway page creates its external
    // NAD with "master":"eno50" (harvester/docs versioned_docs/version-v1.8/networking/
    // kubeovn-vpcnatgateway.md at e578801).
    master: { type: 'string' },
  },
};
