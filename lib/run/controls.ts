// What each VM's positive control checks in a phase, asked of the model, and how what it saw
// reads in the phase result. Pure: the runner runs the command.
import type { Model } from '../model/index.ts';
import type { Control, ControlObservation, ControlSpec } from '../probes/control.ts';
import type { RealizedVm } from '../targets/target.ts';
import type { Vm } from '../topology/types.ts';
import type { ControlCheck } from './result.ts';

/**
 * The VM's gateway where the model says it answers: on-link, so also for a VM without a default
 * route, unless an ACL drops it. Where it does not, the only evidence left is the VM's address on
 * its NIC (besides the nonce every control checks).
 */
export function controlSpecOf(model: Model, vm: Vm, built: RealizedVm): ControlSpec {
  // A guest the model leaves without an address (managedtap, no DHCP) proves only its session.
  if (!model.guestOf(vm.name).addressed) return {};
  const answers = model.predict({ from: vm.name, to: built.gateway, probe: 'icmp' }).outcome === 'reachable';
  return {
    ...(answers ? { gateway: built.gateway } : { address: { ip: built.ip, nic: built.nic } }),
    ...(vm.listen.length > 0 && { listen: vm.listen.map((l) => l.port) }),
  };
}

const ports = (ps: readonly number[]): string => ps.map((p) => `tcp/${p}`).join(', ') || 'none';

/** One line per thing checked, in the order the control command checked them. */
export function controlChecks(control: Control, seen: ControlObservation): ControlCheck[] {
  const checks: ControlCheck[] = [
    { check: 'session', ok: seen.answered, detail: `${seen.answered ? 'answered' : 'no answer to'} nonce ${control.nonce}` },
  ];
  if (!seen.answered) return checks;
  if (control.gateway) {
    const g = seen.gateway;
    const ok = g?.outcome === 'reachable';
    const how = ok ? `reply${g.rttMs !== undefined ? ` in ${g.rttMs} ms` : ''}` : `no reply (${g?.note ?? g?.outcome ?? 'no output'})`;
    checks.push({ check: 'gateway', ok, detail: `ping ${control.gateway}: ${how}` });
  }
  if (control.address) {
    const { ip, nic } = control.address;
    checks.push(seen.ok ? { check: 'address', ok: true, detail: `${ip} on ${nic}` } : { check: 'address', ok: false, detail: `${ip} not on ${nic}: ${seen.address || 'no output'}` });
  }
  if (control.listen?.length) {
    const listening = seen.listening ?? [];
    const missing = control.listen.filter((p) => !listening.includes(p));
    checks.push(
      missing.length
        ? { check: 'listen', ok: false, detail: `not listening on ${ports(missing)} (listening: ${ports(listening)})` }
        : { check: 'listen', ok: true, detail: `listening on ${ports(control.listen)}` },
    );
  }
  return checks;
}
