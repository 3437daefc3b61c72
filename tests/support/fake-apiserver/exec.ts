// The pods/exec subresource of the fake: a websocket on /api/v1/namespaces/NS/pods/NAME/exec
// (?command=..&stdout=1&stderr=1), subprotocol v5.channel.k8s.io or v4.channel.k8s.io, channel
// bytes 1 stdout, 2 stderr, 3 the metav1.Status with the exit code, then close — as the kubelet
// streams it (kubernetes/kubernetes:staging/src/k8s.io/apimachinery/pkg/util/remotecommand/
// constants.go). The command runs with `ip netns exec` in the lab VM namespace of the pod; in
// kube-system's ovn-central and ovs-ovn pods it is OVN's or OVS's tool on the lab's databases and
// vswitchd (ovn-central.ts).
import { spawn } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { CHANNEL, EXEC_PROTOCOLS, exitStatus, frame } from '../../../lib/k8s/exec-frames.ts';
import { centralCommand, kubeOvnPod } from './ovn-central.ts';
import type { Reconciler } from './reconcile.ts';
import { reject } from './server.ts';
import { ApiError, badRequest } from './status.ts';
import type { Store } from './store.ts';

export const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

/** What an exec runs: argv with env on top of ours; `rewrite` turns lab names in the output into cluster names. */
export interface Launch {
  readonly argv: readonly string[];
  readonly env?: Record<string, string>;
  readonly rewrite?: (output: string) => string;
}

export class ExecBridge {
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => EXEC_PROTOCOLS.find((p) => protocols.has(p)) ?? false });
  /** Test switch: close the stream after this many output bytes, before any status. */
  dropAfterBytes?: number;
  /** Test switch: namespaces where the caller has no pods/exec (RBAC), answered 403. */
  readonly forbidden = new Set<string>();

  constructor(private readonly reconciler: Reconciler, private readonly store: Store) {}

  /** What runs for an exec into a pod, or why the kubelet would refuse it. */
  private launchOf(namespace: string, name: string, container: string | null, command: readonly string[]): Launch | string {
    const central = kubeOvnPod(namespace, name);
    if (central) return centralCommand(this.store, this.reconciler.runs(), this.reconciler.ports(), central, container, command);
    // The lab VM namespace of a running pod: the command runs there.
    const target = this.reconciler.vmTarget('Pod', namespace, name);
    return target ? { argv: ['ip', 'netns', 'exec', target.lab.namespace(target.vm), ...command] } : `pod ${name} is not running`;
  }

  upgrade(req: IncomingMessage, socket: Socket, head: Buffer, url: URL): void {
    const m = EXEC_PATH.exec(url.pathname)!;
    const command = url.searchParams.getAll('command');
    if (!command.length) return reject(socket, 400, badRequest('you must specify at least 1 command'));
    const [namespace, pod] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
    if (this.forbidden.has(namespace)) return reject(socket, 403, new ApiError(403, 'Forbidden', `pods "${pod}" is forbidden: User "fake" cannot create resource "pods/exec" in API group "" in the namespace "${namespace}"`));
    const launch = this.launchOf(namespace, pod, url.searchParams.get('container'), command);
    if (typeof launch === 'string') return reject(socket, 400, badRequest(launch));
    const { argv, env, rewrite } = launch;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, LC_ALL: 'C' } });
      let sent = 0;
      const held: [number, Buffer][] = [];
      const send = (channel: number) => (d: Buffer) => {
        if (ws.readyState !== ws.OPEN) return;
        // Rewritten output goes at the end, whole: a name must not be split between two frames.
        if (rewrite) return void held.push([channel, d]);
        ws.send(frame(channel, d));
        sent += d.length;
        if (this.dropAfterBytes !== undefined && sent >= this.dropAfterBytes) ws.terminate();
      };
      child.stdout.on('data', send(CHANNEL.stdout));
      child.stderr.on('data', send(CHANNEL.stderr));
      child.on('error', (e) => ws.readyState === ws.OPEN && ws.close(1011, e.message));
      child.on('close', (code) => {
        if (ws.readyState !== ws.OPEN) return;
        for (const channel of [CHANNEL.stdout, CHANNEL.stderr]) {
          const text = Buffer.concat(held.filter(([c]) => c === channel).map(([, d]) => d)).toString('utf8');
          if (text) ws.send(frame(channel, Buffer.from(rewrite!(text))));
        }
        ws.send(frame(CHANNEL.status, JSON.stringify(exitStatus(code ?? 1))));
        ws.close(1000);
      });
      ws.on('close', () => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
    });
  }

  close(): void {
    // ws tracks the sockets it accepted (clientTracking); its close() leaves them open.
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}
