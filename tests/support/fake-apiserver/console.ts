// The KubeVirt serial console of the fake: a websocket on
// /apis/subresources.kubevirt.io/v1/namespaces/NS/virtualmachineinstances/NAME/console with
// subprotocol plain.kubevirt.io and raw bytes in binary frames both ways
// (kubevirt/kubevirt:staging/src/kubevirt.io/client-go/kubevirt/typed/core/v1/async.go), bridged to
// the lab VM's console pty. Like virt-handler, a new connection closes the previous one, and a
// VMI that is not running is refused with 400 (pkg/virt-api/rest/console.go).
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { fire, type Faults } from './faults.ts';
import type { Reconciler } from './reconcile.ts';
import { reject } from './server.ts';
import { ApiError, badRequest } from './status.ts';
import { bridge, plainWebSocketServer } from './ws-stream.ts';

const PATH = /^\/apis\/subresources\.kubevirt\.io\/v1\/namespaces\/([^/]+)\/virtualmachineinstances\/([^/]+)\/console$/;
const DROP_AFTER_BYTES = 100;

export class ConsoleBridge {
  private readonly wss = plainWebSocketServer();
  private readonly current = new Map<string, WebSocket>();
  /** Console connections accepted so far (tests count reconnects). */
  accepted = 0;

  constructor(private readonly reconciler: Reconciler, private readonly faults: Faults) {}

  upgrade(req: IncomingMessage, socket: Socket, head: Buffer, url: URL): void {
    const m = PATH.exec(url.pathname);
    if (!m) return reject(socket, 404, new ApiError(404, 'NotFound', 'the server could not find the requested resource'));
    const [ns, name] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
    const target = this.reconciler.vmTarget('VirtualMachineInstance', ns, name);
    if (!target || fire(this.faults, 'consoleNotReady')) return reject(socket, 400, badRequest(`Unable to connect to VM because phase is Scheduling instead of Running`));
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const key = `${ns}/${name}`;
      this.current.get(key)?.close(1000, 'a new console connection replaced this one');
      this.current.set(key, ws);
      this.accepted++;
      const stream = target.lab.consoleStream(target.vm);
      const drop = fire(this.faults, 'dropConsoles');
      let sent = 0;
      bridge(ws, stream, 'console');
      ws.on('message', (data: Buffer, binary: boolean) => {
        if (!binary) return;
        sent += data.length;
        // Mid-command: past the login (a user name and a password are short lines), a command
        // line has gone in and its output is still coming back.
        if (drop && sent > DROP_AFTER_BYTES) setTimeout(() => ws.terminate(), 20);
      });
      ws.on('close', () => {
        if (this.current.get(key) === ws) this.current.delete(key);
      });
    });
  }

  close(): void {
    for (const ws of this.current.values()) ws.terminate();
    this.wss.close();
  }
}
