// What Harvester v1.8 does not honour of a topology, said before anything is built: its VM mutator
// sets an overlay NIC's binding from its subnet's enableDHCP, managedtap with DHCP and bridge
// without, on create and update, whatever the VM says (harvester/harvester#9957, pull #10000
// "patch managedtap binding for overlay vms"). v1.7 runs the binding as written. Pure.
import type { Diagnostic } from '../../topology/diagnostics.ts';
import type { Topology, TopologySpec } from '../../topology/types.ts';

/** VM name -> the binding Harvester v1.8 would give it instead of the topology's, in this phase. */
function overridden(spec: TopologySpec): Map<string, string> {
  const out = new Map<string, string>();
  for (const vm of spec.vms) {
    const subnet = spec.subnets.find((s) => s.provider === vm.network);
    if (!subnet) continue;
    const patched = subnet.enableDHCP ? 'managedtap' : 'bridge';
    if (patched !== vm.binding) out.set(vm.name, `VM ${vm.name} has binding ${vm.binding} on subnet ${subnet.name} (enableDHCP ${subnet.enableDHCP}): Harvester v1.8's VM mutator patches it to ${patched} (harvester#9957), so a v1.8 cluster runs ${patched}; v1.7 runs ${vm.binding} as written`);
  }
  return out;
}

export function harvesterLimits(topology: Topology): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (paths: readonly string[], message: string) => {
    const path = paths.find((p) => topology.source.locate(p)) ?? '';
    out.push({ severity: 'warning', file: topology.source.file, ...(topology.source.locate(path) ?? { line: 1, col: 1 }), path, message });
  };
  // Once per VM and state: where it first appears (its own entry, or the phase that brings it).
  let before = overridden(topology);
  for (const [vm, message] of before) {
    const i = topology.vms.findIndex((v) => v.name === vm);
    report([`vms[${i}].binding`, `vms[${i}]`], message);
  }
  topology.phases.forEach((phase, p) => {
    const now = overridden(phase.topology);
    for (const [vm, message] of now) if (before.get(vm) !== message) report([`phases[${p}].patch`, `phases[${p}]`], message);
    before = now;
  });
  return out;
}
