// Pod Security Admission and the kubeovn target's pods: they add NET_ADMIN (the docs' route
// changes) and NET_RAW (ping), which only the `privileged` level admits (the baseline level
// allows adding neither: kubernetes.io/docs/concepts/security/pod-security-standards,
// "Capabilities"). The namespace a run creates says so in the admission labels
// (k8s.io/pod-security-admission api/constants.go: pod-security.kubernetes.io/enforce, audit,
// warn); a namespace the user names must already allow it.
import type { KubeObject } from '../../k8s/resources.ts';

const PREFIX = 'pod-security.kubernetes.io/';

/** Enforce, audit and warn at `privileged`: the run's pods are neither refused nor reported. */
export const POD_SECURITY_LABELS: Readonly<Record<string, string>> = {
  [`${PREFIX}enforce`]: 'privileged',
  [`${PREFIX}audit`]: 'privileged',
  [`${PREFIX}warn`]: 'privileged',
};

/** Why the pods could not run in this existing namespace, or undefined when they can. */
export function podSecurityRefusal(namespace: KubeObject): string | undefined {
  const level = namespace.metadata.labels?.[`${PREFIX}enforce`];
  if (level === undefined || level === 'privileged') return undefined;
  return `namespace ${namespace.metadata.name} enforces Pod Security level "${level}", which refuses the pods' NET_ADMIN and NET_RAW capabilities; label it ${PREFIX}enforce=privileged or let vpcheck create its own namespace (no --namespace)`;
}
