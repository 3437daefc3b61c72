// KubeVirt's portforward subresource on the fake: a websocket on
// /apis/subresources.kubevirt.io/v1/namespaces/NS/virtualmachineinstances/NAME/portforward/PORT[/tcp],
// plain.kubevirt.io, bytes in binary frames (kubevirt/kubevirt:staging/src/kubevirt.io/client-go/
// kubecli/vmi.go PortForward). Like virt-api (pkg/virt-api/rest/dialers.go netDial), it dials the
// address of the VMI's first status interface before it upgrades: 400 when the VMI has none yet,
// 500 "dialing VM: ..." when the dial fails. The lab VM's namespace has no link to this one, so
// the dial is a socat started inside it; port 22 first gets the sshd cloud-init would set up.
import { spawn } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { childStream } from '../../../lib/sessions/child-stream.ts';
import { fire, type Faults } from './faults.ts';
import type { GuestSshd } from './guest-ssh.ts';
import type { Reconciler } from './reconcile.ts';
import { reject } from './server.ts';
import { ApiError, badRequest } from './status.ts';
import type { Store } from './store.ts';
import { bridge, plainWebSocketServer } from './ws-stream.ts';

export const PORTFORWARD_PATH = /^\/apis\/subresources\.kubevirt\.io\/v1\/namespaces\/([^/]+)\/virtualmachineinstances\/([^/]+)\/portforward\/(\d+)(?:\/([a-z]+))?$/;
const STDERR_TAIL = 2048;

/** socat inside `namespace` to ip:port; resolves once it is connected (its -d -d notices say so). */
function dial(namespace: string, ip: string, port: number): Promise<Duplex> {
  const child = spawn('ip', ['netns', 'exec', namespace, 'socat', '-d', '-d', 'STDIO', `TCP:${ip}:${port}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-STDERR_TAIL);
      if (stderr.includes('starting data transfer loop')) resolve(childStream(child, () => stderr));
    });
    child.once('error', reject);
    // After a resolve this changes nothing; before one, socat's error line says why.
    child.once('close', () => reject(new Error(/ E (.*)/.exec(stderr)?.[1] ?? `socat exited: ${stderr.trim()}`)));
  });
}

/**
 * SSH's key exchange, a key login and the framed shell's set-up cost the client about 2 KB
 * (measured: 2,018 bytes), a command a few hundred more: past this mark a command is in flight.
 */
const DROP_AFTER_BYTES = 2400;

function dropMidCommand(ws: WebSocket): void {
  let sent = 0;
  ws.on('message', (data: Buffer) => {
    sent += data.length;
    if (sent > DROP_AFTER_BYTES) ws.terminate();
  });
}

export class PortForwardBridge {
  private readonly wss = plainWebSocketServer();
  /** Port-forward connections accepted so far. */
  accepted = 0;

  constructor(private readonly store: Store, private readonly reconciler: Reconciler, private readonly faults: Faults, private readonly guests: GuestSshd) {}

  upgrade(req: IncomingMessage, socket: Socket, head: Buffer, url: URL): void {
    void this.serve(req, socket, head, url);
  }

  private async serve(req: IncomingMessage, socket: Socket, head: Buffer, url: URL): Promise<void> {
    const m = PORTFORWARD_PATH.exec(url.pathname)!;
    const [ns, name, port, protocol] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), Number(m[3]), m[4] ?? 'tcp'];
    if (protocol !== 'tcp') return reject(socket, 400, badRequest(`fake: only tcp is forwarded, not ${protocol}`));
    const vmi = this.store.get('VirtualMachineInstance', ns, name);
    const target = this.reconciler.vmTarget('VirtualMachineInstance', ns, name);
    const ip = (vmi?.status as { interfaces?: { ipAddress?: string }[] } | undefined)?.interfaces?.[0]?.ipAddress;
    if (!vmi || !target || !ip || fire(this.faults, 'portForwardNotReady')) return reject(socket, 400, badRequest('no network interfaces are present'));
    let stream: Duplex;
    try {
      if (fire(this.faults, 'portForwardRefused')) throw new Error('connect: connection refused');
      if (port === 22) await this.guests.ensure(target);
      stream = await dial(target.lab.namespace(target.vm), ip, port);
    } catch (e) {
      return reject(socket, 500, new ApiError(500, 'InternalError', `dialing VM: dial tcp ${ip}:${port}: ${(e as Error).message}`));
    }
    // The client may have given up while the dial ran.
    if (socket.destroyed) return void stream.destroy();
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.accepted++;
      bridge(ws, stream, 'port-forward');
      if (fire(this.faults, 'dropPortForwards')) dropMidCommand(ws);
    });
  }

  close(): void {
    // ws tracks the sockets it accepted (clientTracking); its close() leaves them open.
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}
