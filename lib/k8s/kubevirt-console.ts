// The serial console of a KubeVirt VMI as a byte stream. Until the VMI runs, virt-api answers
// 400 "Unable to connect to VirtualMachineInstance because phase is ..." (kubevirt/kubevirt:
// pkg/virt-api/rest/dialers.go getVirtHandlerFor), which is retried.
import type { Duplex } from 'node:stream';
import type { KubeClient } from './client.ts';
import { openVmiStream } from './kubevirt-stream.ts';

export function openKubevirtConsole(client: KubeClient, namespace: string, name: string, timeoutMs = 120_000): Promise<Duplex> {
  return openVmiStream(client, { namespace, name, subresource: 'console', timeoutMs, retryable: (e) => e.status === 400 });
}
