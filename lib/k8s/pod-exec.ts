// Runs a command in a pod through the exec subresource over a websocket
// (GET /api/v1/namespaces/NS/pods/NAME/exec?command=..&stdout=1&stderr=1, the kubeconfig's TLS
// and auth), collecting stdout and stderr apart and the exit code from the status channel.
// @kubernetes/client-node has an Exec class, but it hands back streams and a Status callback
// with no deadline; this is the one call vpcheck needs, with its errors as SessionError.
import { SessionError } from '../sessions/session.ts';
import { readBody, statusMessage, type KubeClient } from './client.ts';
import { CHANNEL, EXEC_PROTOCOLS, exitCodeOf, unframe, type ExecStatus } from './exec-frames.ts';

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr in the order they arrived. */
  readonly output: string;
}

export interface ExecRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container?: string;
  readonly command: readonly string[];
  readonly timeoutMs: number;
}

export async function podExec(client: KubeClient, request: ExecRequest): Promise<ExecResult> {
  const what = `exec in ${request.namespace}/${request.pod}`;
  const query = [['stdout', '1'], ['stderr', '1'], ...(request.container ? [['container', request.container]] : []), ...request.command.map((c) => ['command', c])];
  const ws = await client.websocket(`/api/v1/namespaces/${encodeURIComponent(request.namespace)}/pods/${encodeURIComponent(request.pod)}/exec`, query, EXEC_PROTOCOLS);
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const all: Buffer[] = [];
    let status: ExecStatus | undefined;
    let failure: SessionError | undefined;
    const timer = setTimeout(() => {
      failure = new SessionError(`${what}: no exit status within ${request.timeoutMs} ms`, Buffer.concat(all).toString('utf8'));
      ws.terminate();
    }, request.timeoutMs);
    ws.on('unexpected-response', (_req, res) => {
      readBody(res).then((body) => `${res.statusCode} ${statusMessage(body)}`, (e: Error) => e.message).then((reason) => {
        failure = new SessionError(`${what}: ${reason}`);
        ws.terminate();
      });
    });
    ws.on('message', (data: Buffer) => {
      const m = unframe(data);
      if (!m) return;
      if (m.channel === CHANNEL.stdout || m.channel === CHANNEL.stderr) {
        (m.channel === CHANNEL.stdout ? stdout : stderr).push(m.data);
        all.push(m.data);
      } else if (m.channel === CHANNEL.status) {
        try {
          status = JSON.parse(m.data.toString('utf8')) as ExecStatus;
        } catch {
          failure = new SessionError(`${what}: unreadable status ${m.data.toString('utf8').slice(0, 200)}`);
        }
      }
    });
    ws.on('error', (e) => (failure ??= new SessionError(`${what}: ${e.message}`)));
    ws.on('close', () => {
      clearTimeout(timer);
      const output = Buffer.concat(all).toString('utf8');
      if (failure) return reject(failure);
      // The server sends the status last; a stream that closes without one lost the command.
      if (!status) return reject(new SessionError(`${what}: the stream closed before the exit status`, output));
      const code = exitCodeOf(status);
      if (code instanceof Error) return reject(new SessionError(`${what}: ${code.message}`, output));
      resolve({ exitCode: code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), output });
    });
  });
}
