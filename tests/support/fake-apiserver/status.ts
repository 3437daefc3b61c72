// metav1.Status bodies as the real API server writes them for errors
// (k8s.io/apimachinery/pkg/api/errors/errors.go: NewNotFound, NewAlreadyExists, NewConflict, NewInvalid, ...).
import type { ResourceType } from '../../../lib/k8s/resources.ts';

/** One field the server rejects, and why (a metav1.StatusCause). */
export interface Cause {
  readonly field: string;
  readonly message: string;
}

export class ApiError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, details: this.details, code: this.code };
  }
}

const qualified = (r: ResourceType) => (r.group ? `${r.plural}.${r.group}` : r.plural);

export const notFound = (r: ResourceType, name: string) =>
  new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, { name, group: r.group, kind: r.plural });

export const alreadyExists = (r: ResourceType, name: string) =>
  new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, { name, group: r.group, kind: r.plural });

export const conflict = (r: ResourceType, name: string) =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group: r.group, kind: r.plural });

export const invalid = (r: ResourceType, name: string, causes: readonly Cause[]) =>
  new ApiError(422, 'Invalid', `${r.kind}${r.group ? `.${r.group}` : ''} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`, {
    name, group: r.group, kind: r.kind, causes: causes.map((c) => ({ reason: c.message.startsWith('Required') ? 'FieldValueRequired' : 'FieldValueInvalid', message: c.message, field: c.field })),
  });

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);

/** An admission webhook's denial (k8s.io/apiserver/pkg/admission/plugin/webhook/errors). */
export const denied = (webhook: string, message: string) => new ApiError(400, 'BadRequest', `admission webhook "${webhook}" denied the request: ${message}`);

/**
 * Kube-OVN's webhook refusing a Subnet delete while status.v4usingIPs is not 0
 * (kubeovn/kube-ovn v1.13.13 pkg/webhook/subnet.go SubnetDeleteHook, ctrlwebhook.Denied: 403
 * Forbidden; webhook name and text as in kube-ovn#3583).
 */
export const subnetInUse = () => new ApiError(403, 'Forbidden', 'admission webhook "pod-ip-validating.kube-ovn.io" denied the request: can\'t delete subnet when any IPs in Using');

export const unauthorized = () => new ApiError(401, 'Unauthorized', 'Unauthorized');

export const serverError = (code: number) => new ApiError(code, code === 503 ? 'ServiceUnavailable' : 'InternalError', code === 503 ? 'the server is currently unable to handle the request' : 'an error on the server ("fake: injected fault") has prevented the request from succeeding');

export const expired = (rv: number) => new ApiError(410, 'Expired', `too old resource version: ${rv}`);
