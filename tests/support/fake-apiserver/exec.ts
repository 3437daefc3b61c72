// The pods/exec subresource of the fake: a websocket on /api/v1/namespaces/NS/pods/NAME/exec
// (?command=..&stdout=1&stderr=1), subprotocol v5.channel.k8s.io or v4.channel.k8s.io, channel
// bytes 1 stdout, 2 stderr, 3 the metav1.Status with the exit code, then close — as the kubelet
// streams it (kubernetes/kubernetes:staging/src/k8s.io/apimachinery/pkg/util/remotecommand/
// constants.go). The command runs with `ip netns exec` in the lab VM namespace of the pod.
import { spawn } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CHANNEL, EXEC_PROTOCOLS, exitStatus, frame } from '../../../lib/k8s/exec-frames.ts';
import type { Reconciler } from './reconcile.ts';
import { reject } from './server.ts';
import { ApiError } from './status.ts';

export const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

export class ExecBridge {
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => EXEC_PROTOCOLS.find((p) => protocols.has(p)) ?? false });
  private readonly open = new Set<WebSocket>();
  /** Test switch: close the stream after this many output bytes, before any status. */
  dropAfterBytes?: number;

  constructor(private readonly reconciler: Reconciler) {}

  /** The lab VM namespace of a running pod: the command runs there. */
  private argvOf(namespace: string, name: string, command: readonly string[]): readonly string[] | undefined {
    const target = this.reconciler.vmTarget('Pod', namespace, name);
    return target && ['ip', 'netns', 'exec', target.lab.namespace(target.vm), ...command];
  }

  upgrade(req: IncomingMessage, socket: Socket, head: Buffer, url: URL): void {
    const m = EXEC_PATH.exec(url.pathname)!;
    const command = url.searchParams.getAll('command');
    if (!command.length) return reject(socket, 400, new ApiError(400, 'BadRequest', 'you must specify at least 1 command'));
    const argv = this.argvOf(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), command);
    if (!argv) return reject(socket, 400, new ApiError(400, 'BadRequest', `pod ${m[2]} is not running`));
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.open.add(ws);
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
      let sent = 0;
      const send = (channel: number) => (d: Buffer) => {
        if (ws.readyState !== ws.OPEN) return;
        ws.send(frame(channel, d));
        sent += d.length;
        if (this.dropAfterBytes !== undefined && sent >= this.dropAfterBytes) ws.terminate();
      };
      child.stdout.on('data', send(CHANNEL.stdout));
      child.stderr.on('data', send(CHANNEL.stderr));
      child.on('error', (e) => ws.readyState === ws.OPEN && ws.close(1011, e.message));
      child.on('close', (code) => {
        if (ws.readyState !== ws.OPEN) return;
        ws.send(frame(CHANNEL.status, JSON.stringify(exitStatus(code ?? 1))));
        ws.close(1000);
      });
      ws.on('close', () => {
        this.open.delete(ws);
        if (child.exitCode === null) child.kill('SIGKILL');
      });
    });
  }

  close(): void {
    for (const ws of this.open) ws.terminate();
    this.wss.close();
  }
}
