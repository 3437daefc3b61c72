// When an object is "real", as Kube-OVN's and KubeVirt's own e2e tests decide it
// (kubeovn/kube-ovn:test/e2e/framework/{vpc,subnet,security-group}.go WaitToBeReady;
// KubeVirt: VMI phase Running), and a one-line account of an object that is not. These say
// nothing about a change to an object already ready: Kube-OVN sets no observedGeneration on a
// Subnet's conditions (pkg/controller/subnet_status.go patchSubnetStatus) and a Vpc's standby stays
// true, so after a patch readiness is read from OVN's northbound DB (programmed.ts).
import type { KubeObject } from '../../k8s/resources.ts';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

const conditions = (o: KubeObject) => ((o.status as { conditions?: Condition[] } | undefined)?.conditions ?? []);

/** Spec fields a rule's status repeats (kubeovn/kube-ovn v1.13.13 and v1.14.10 CRDs, status of Iptables*Rule). */
const MIRRORED: Record<string, readonly string[]> = {
  IptablesFIPRule: ['internalIp'],
  IptablesSnatRule: ['internalCIDR'],
  IptablesDnatRule: ['internalIp', 'internalPort', 'externalPort', 'protocol'],
};

/** Kinds a run waits for after applying them (the rest are ready once the server has them). */
export const WAITED_KINDS: ReadonlySet<string> = new Set(['Vpc', 'Subnet', 'SecurityGroup', 'ProviderNetwork', 'IptablesEIP', 'IptablesFIPRule', 'IptablesSnatRule', 'IptablesDnatRule']);

export function isReady(o: KubeObject | undefined): boolean {
  if (!o) return false;
  const status = (o.status ?? {}) as Record<string, unknown>;
  switch (o.kind) {
    case 'Vpc':
      return status.standby === true;
    case 'Subnet':
      return conditions(o).some((c) => c.type === 'Ready' && c.status === 'True');
    case 'SecurityGroup':
      return typeof status.portGroup === 'string' && status.portGroup !== '';
    case 'ProviderNetwork':
      return status.ready === true;
    // The NAT gateway's objects (kubeovn/kube-ovn v1.15.24 pkg/controller/vpc_nat_gw_eip.go
    // createOrUpdateEipCR, vpc_nat_gw_nat.go patch{Fip,Dnat,Snat}Status): ready and the address are
    // set only after the gateway pod ran eip-add or the rule's *-add; conditions are never set. An
    // EIP ready means its gateway's pod runs and was initialised, which the gateway itself has no
    // status for. An EIP's ip must be the one asked for (a phase may move it); a rule's v4ip is its
    // EIP's, copied when the rule went into the pod.
    case 'IptablesEIP': {
      const want = (o.spec as { v4ip?: string } | undefined)?.v4ip;
      return status.ready === true && typeof status.ip === 'string' && status.ip !== '' && (!want || status.ip === want);
    }
    // The status also mirrors the spec the rule went in with (the CRDs' status internalIp,
    // internalCIDR, protocol, ports; the controller redoes a rule whose spec moved away from it):
    // where the cluster fills a mirror, it must match the spec, so a changed rule is waited for.
    case 'IptablesFIPRule':
    case 'IptablesSnatRule':
    case 'IptablesDnatRule': {
      const spec = (o.spec ?? {}) as Record<string, unknown>;
      const mirrored = MIRRORED[o.kind]!.every((k) => status[k] === undefined || status[k] === '' || status[k] === spec[k]);
      return status.ready === true && typeof status.v4ip === 'string' && status.v4ip !== '' && mirrored;
    }
    case 'VirtualMachineInstance':
      return status.phase === 'Running';
    case 'Pod':
      // Running and Ready (containers started), as `kubectl wait --for=condition=Ready` decides.
      return status.phase === 'Running' && conditions(o).some((c) => c.type === 'Ready' && c.status === 'True');
    default:
      return true;
  }
}

/** "status: phase=Scheduling; Ready=False (reason: message)", for timeouts. */
export function describeState(o: KubeObject | undefined): string {
  if (!o) return 'it does not exist';
  const status = (o.status ?? {}) as Record<string, unknown>;
  const scalars = Object.entries(status).filter(([, v]) => typeof v !== 'object').map(([k, v]) => `${k}=${String(v)}`);
  const conds = conditions(o).map((c) => `${c.type}=${c.status}${c.reason || c.message ? ` (${[c.reason, c.message].filter(Boolean).join(': ')})` : ''}`);
  const all = [...scalars, ...conds];
  return all.length ? `status: ${all.join('; ')}` : 'no status yet';
}
