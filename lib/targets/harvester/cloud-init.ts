// cloud-init for a VM booted from a cloud image: its pinned address (network-config v2, no
// gateway: the docs' procedures add the default route by hand) or, with managedtap, DHCP; a
// console user whose password and SSH key vpcheck generated, the VM's SSH host key, and the
// `listen:` ports served. Pure; the user-data goes into a Secret.
import { stringify } from 'yaml';
import type { Listen } from '../../topology/types.ts';
import { NAME_ANNOTATION, runLabels } from '../../k8s/labels.ts';
import type { KubeObject } from '../../k8s/resources.ts';
import type { SshKeyPair } from '../../sessions/ssh-keys.ts';

/** The NIC name of the first virtio NIC in the guest: the docs' `dev enp1s0`. */
export const GUEST_NIC = 'enp1s0';

export interface GuestCredentials {
  readonly username: string;
  /** For the serial console. */
  readonly password: string;
  /** The user's authorized key: vpcheck logs in over SSH with its private half. */
  readonly clientKey: SshKeyPair;
  /** The VM's SSH host key, so that vpcheck knows it before it connects (no trust on first use). */
  readonly hostKey: SshKeyPair;
}

/**
 * Harvester v1.6 docs, Limitations: "cloud-init static IP must equal the IP Kube-OVN reserved".
 * `mtu`: the guest's own MTU (a VM's `mtu:`), netplan's `mtu` of the interface (network-config v2).
 */
export function networkData(ip: string, prefixLength: number, mtu?: number): string {
  return stringify({ version: 2, ethernets: { [GUEST_NIC]: { addresses: [`${ip}/${prefixLength}`], ...(mtu !== undefined && { mtu }) } } });
}

/**
 * A managedtap guest runs its DHCP client on the NIC: OVN's DHCP answers with the address Kube-OVN
 * pinned on the port, the router and the MTU. A guest with its own `mtu` keeps it: netplan's
 * dhcp4-overrides `use-mtu: false` ignores DHCP option 26.
 */
export function dhcpNetworkData(mtu?: number): string {
  return stringify({ version: 2, ethernets: { [GUEST_NIC]: { dhcp4: true, ...(mtu !== undefined && { mtu, 'dhcp4-overrides': { 'use-mtu': false } }) } } });
}

/**
 * A `listen:` port's service in the guest: an echo (what comes in goes back out, until the peer
 * closes), so a tcp probe connects and a bulk probe gets its bytes back. Python 3.8+ as Ubuntu's
 * cloud images ship it; the port is its one argument.
 */
export const ECHO_SERVER = [
  'import socketserver, sys',
  'class Echo(socketserver.BaseRequestHandler):',
  '    def handle(self):',
  '        while data := self.request.recv(65536):',
  '            self.request.sendall(data)',
  'socketserver.ThreadingTCPServer.allow_reuse_address = True',
  'socketserver.ThreadingTCPServer.daemon_threads = True',
  "socketserver.ThreadingTCPServer(('', int(sys.argv[1])), Echo).serve_forever()",
].join('\n');

export function userData(credentials: GuestCredentials, listen: readonly Listen[]): string {
  const { username, password, clientKey, hostKey } = credentials;
  const config = {
    users: [{ name: username, lock_passwd: false, plain_text_passwd: password, ssh_authorized_keys: [clientKey.publicKey], shell: '/bin/bash', sudo: 'ALL=(ALL) NOPASSWD:ALL' }],
    ssh_pwauth: false,
    // Given ssh_keys, cloud-init deletes the image's host keys and installs only these
    // (canonical/cloud-init:cloudinit/config/cc_ssh.py handle, CONFIG_KEY_TO_FILE).
    ssh_keys: { ed25519_private: hostKey.privateKey, ed25519_public: hostKey.publicKey },
    // Cloud images ship python3, not socat or nc -l: a transient unit per port keeps it running.
    runcmd: listen.map((l) => ['systemd-run', `--unit=vpcheck-listen-${l.port}`, 'python3', '-c', ECHO_SERVER, String(l.port)]),
  };
  return `#cloud-config\n${stringify(config)}`;
}

/** The Secret a VM's cloudInitNoCloud.secretRef names (same name and namespace as the VM). */
export function cloudInitSecret(vm: KubeObject, topology: string, runId: string, data: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: vm.metadata.name,
      namespace: vm.metadata.namespace!,
      labels: runLabels(runId, topology),
      annotations: { [NAME_ANNOTATION]: vm.metadata.annotations![NAME_ANNOTATION]! },
    },
    type: 'Opaque',
    // kubevirt/kubevirt:pkg/cloud-init/cloud-init.go reads the key "userdata" (or "userData").
    stringData: { userdata: data },
  };
}
