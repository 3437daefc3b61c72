// A TCP port of a KubeVirt VMI as a byte stream: the portforward subresource,
// .../virtualmachineinstances/NAME/portforward/PORT/tcp (kubevirt/kubevirt:
// staging/src/kubevirt.io/client-go/kubecli/vmi.go PortForward, buildPortForwardResourcePath),
// plain.kubevirt.io like the console. virt-api itself dials the address of the VMI's FIRST
// interface in status.interfaces (pkg/virt-api/rest/dialers.go netDial.DialUnderlying,
// getTargetInterfaceIP): 400 "no network interfaces are present" until the VMI reports one,
// 500 "dialing VM: ..." when that dial fails, which is "connection refused" while the guest
// boots and its sshd is not listening yet. Both are retried; any other failure (an address
// virt-api has no route to) is final.
import type { Duplex } from 'node:stream';
import type { KubeClient } from './client.ts';
import { openVmiStream, type SubresourceRefused } from './kubevirt-stream.ts';

const booting = (e: SubresourceRefused): boolean => e.status === 400 || (e.status === 500 && /connection refused/i.test(e.message));

export function openKubevirtPortForward(client: KubeClient, namespace: string, name: string, port: number, timeoutMs: number): Promise<Duplex> {
  return openVmiStream(client, { namespace, name, subresource: `portforward/${port}/tcp`, timeoutMs, retryable: booting });
}
