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
