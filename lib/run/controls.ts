// What each VM's positive control checks in a phase, asked of the model, and how what it saw
// reads in the phase result. Pure: the runner runs the command.
import type { Model } from '../model/index.ts';
import type { Control, ControlObservation, ControlSpec } from '../probes/control.ts';
import type { RealizedVm } from '../targets/target.ts';
import { WIRE_PROTOCOL, type ProbeKind, type Vm } from '../topology/types.ts';
import { contains, formatIPv4, parsePrefixOrAddress } from '../net/ipv4.ts';
import type { ControlOutcome } from './judge.ts';
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
  for (const [ip, line] of seen.neighbours ?? []) {
    checks.push({ check: 'neighbour', ok: line !== undefined, detail: line !== undefined ? `${ip} answered ARP: ${line}` : `${ip} did not answer ARP` });
  }
  return checks;
}

/**
 * The VM an external cell reaches behind its EIP, and on which port: a FIP on the EIP forwards
 * everything (the first FIP: nat-gateway.sh floating-ip-add ignores a second, kubeovn/kube-ovn
 * v1.15.x dist/images/vpcnatgateway/nat-gateway.sh), else a DNAT rule for the protocol and port;
 * undefined when the gateway's own stack answers. Only for the evidence of the cell's far end:
 * the verdict is the model's.
 */
export function behindEip(model: Model, eipName: string, probe: ProbeKind, port?: number): { readonly vm: string; readonly port?: number } | undefined {
  const spec = model.world.spec;
  const eip = spec.eips.find((e) => e.name === eipName);
  const gw = eip && spec.natGateways.find((g) => g.name === eip.natGwDp);
  if (!eip || !gw) return undefined;
  const vmAt = (ip: string) => [...model.world.vms.values()].find((v) => v.subnet.vpc === gw.vpc && formatIPv4(v.ip) === ip)?.name;
  const fip = spec.fipRules.find((f) => f.eip === eipName);
  if (fip) {
    const vm = vmAt(fip.internalIp);
    return vm ? { vm, ...(port !== undefined && { port }) } : undefined;
  }
  const dnat = WIRE_PROTOCOL[probe] === 'tcp' ? spec.dnatRules.find((r) => r.eip === eipName && r.protocol === 'tcp' && r.externalPort === port) : undefined;
  const vm = dnat && vmAt(dnat.internalIp);
  return vm ? { vm, port: dnat.internalPort } : undefined;
}

/**
 * The far end of an external cell as a verdict needs it (judge.ts): the EIP answered ARP on the
 * external host (a gateway holds it, so a timeout is the network's), and the VM behind it, if
 * any, passed its control, with its listening port seen under the cell's port.
 */
export function eipDestination(
  eip: { readonly name: string; readonly ip: string },
  resolved: string | undefined,
  behind: { readonly vm: string; readonly port?: number; readonly listens: boolean; readonly control: ControlOutcome } | undefined,
  cellPort: number | undefined,
): { readonly control: ControlOutcome; readonly listen: readonly number[] } {
  if (resolved === undefined) {
    return { control: { status: 'failed', reason: `EIP ${eip.name} (${eip.ip}) did not answer ARP on the external host: no NAT gateway holds it` }, listen: [] };
  }
  if (!behind) return { control: { status: 'ok', listening: [] }, listen: [] };
  if (behind.control.status !== 'ok') {
    const why = behind.control.status === 'failed' ? `failed its positive control (${behind.control.reason})` : 'had no positive control';
    return { control: { status: 'failed', reason: `${behind.vm} behind EIP ${eip.name} ${why}` }, listen: [] };
  }
  const served = cellPort !== undefined && behind.port !== undefined && behind.listens;
  const seen = served && behind.control.listening.includes(behind.port!);
  return { control: { status: 'ok', listening: seen ? [cellPort] : [] }, listen: served ? [cellPort] : [] };
}

/**
 * The NAT object a VM's traffic leaves as `ip` through: its FIP, else the first SNAT rule on an EIP
 * with that address whose internalCIDR holds the VM, else the EIP; undefined for any other address.
 */
export function natSourceName(model: Model, vm: string, ip: string): string | undefined {
  const spec = model.world.spec;
  const own = model.world.vms.get(vm)?.ip;
  const eips = new Set(spec.eips.filter((e) => e.v4ip === ip).map((e) => e.name));
  if (own === undefined || !eips.size) return undefined;
  const fip = spec.fipRules.find((f) => eips.has(f.eip) && f.internalIp === formatIPv4(own));
  const snat = spec.snatRules.find((r) => eips.has(r.eip) && contains(parsePrefixOrAddress(r.internalCIDR), own));
  return fip?.name ?? snat?.name ?? `EIP ${[...eips].join(', ')}`;
}
