// What no cluster target does of a topology, said before anything is built: cutting the Geneve
// tunnel between two nodes is a fault the lab injects on its own underlay; a cluster's tunnels
// carry other tenants' traffic and are not vpcheck's to cut. Pure.
import type { Diagnostic, Severity } from '../../topology/diagnostics.ts';
import type { Topology } from '../../topology/types.ts';

export function clusterLimits(topology: Topology, severity: Severity): Diagnostic[] {
  return topology.phases.flatMap((phase, p) => {
    if (!phase.cutTunnels.length) return [];
    const path = `phases[${p}].cutTunnels`;
    const cut = phase.cutTunnels.map(([a, b]) => `${a} and ${b}`).join(', ');
    return [{
      severity, file: topology.source.file, ...(topology.source.locate(path) ?? { line: 1, col: 1 }), path,
      message: `phase "${phase.name}" cuts the tunnel between ${cut}: cutting a tunnel between nodes is a lab fault; a cluster's tunnels are not vpcheck's to cut (run it on the lab, or leave the phase out)`,
    }];
  });
}
