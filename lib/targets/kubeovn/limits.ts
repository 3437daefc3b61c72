// What the kubeovn target cannot honour of a topology, said before anything is built. Each VM is a
// Pod there, and a Pod has no KubeVirt interface binding: kube-ovn-cni writes its address, routes
// and the Subnet's mtu onto the interface itself (kubeovn/kube-ovn v1.13.13 pkg/daemon/handler.go
// handleAdd: mtu from podSubnet.Spec.Mtu), and no DHCP client runs in it. So a `binding:
// managedtap` VM, whose address, default route and MTU the model takes from OVN's DHCP lease,
// would not be what the pod does. Pure.
import type { Diagnostic, Severity } from '../../topology/diagnostics.ts';
import type { Topology } from '../../topology/types.ts';

export function podLimits(topology: Topology, severity: Severity): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (vm: string, path: string) => {
    const at = topology.source.locate(path) ?? { line: 1, col: 1 };
    out.push({
      severity,
      file: topology.source.file,
      ...at,
      path,
      message: `binding managedtap: the kubeovn target runs VM ${vm} as a Pod, which has no KubeVirt binding: kube-ovn-cni sets its address, and no DHCP client asks OVN for the lease's default route and MTU the model gives a managedtap VM; run it on the lab or --target harvester`,
    });
  };
  // Once per VM, where the file makes it managedtap: its own entry, or the first phase patch that does.
  const seen = new Set<string>();
  topology.vms.forEach((vm, i) => {
    if (vm.binding !== 'managedtap') return;
    seen.add(vm.name);
    report(vm.name, `vms[${i}].binding`);
  });
  topology.phases.forEach((phase, p) => {
    for (const vm of phase.topology.vms.filter((v) => v.binding === 'managedtap' && !seen.has(v.name))) {
      seen.add(vm.name);
      const j = (phase.patch.vms ?? []).findIndex((x) => x.name === vm.name && x.binding === 'managedtap');
      report(vm.name, j >= 0 ? `phases[${p}].patch.vms[${j}].binding` : `phases[${p}]`);
    }
  });
  return out;
}
