// Each refused attempt to open a VMI stream closes its websocket: after a server refused three
// upgrades with 400 (as virt-api does while the VMI starts) and accepted the fourth, every
// refused websocket is CLOSED, none left CONNECTING with its request, one per retry.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from '@playwright/test';
import WebSocket, { WebSocketServer } from 'ws';
import { stringify } from 'yaml';
import { KubeClient, loadKubeConfig } from '../../lib/k8s/client.ts';
import { openVmiStream } from '../../lib/k8s/kubevirt-stream.ts';

/** The client, recording every websocket it opens. */
class RecordingClient extends KubeClient {
  readonly opened: WebSocket[] = [];

  override async websocket(...args: Parameters<KubeClient['websocket']>): Promise<WebSocket> {
    const ws = await super.websocket(...args);
    this.opened.push(ws);
    return ws;
  }
}

test('every refused attempt closes its websocket; none is left per retry', async () => {
  const REFUSALS = 3;
  const wss = new WebSocketServer({ noServer: true });
  const server: Server = createServer();
  let attempts = 0;
  server.on('upgrade', (req, socket: Socket, head) => {
    if (++attempts <= REFUSALS) {
      const body = JSON.stringify({ kind: 'Status', code: 400, message: 'Unable to connect to VM because phase is Scheduling instead of Running' });
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => ws.send(Buffer.from('login: ')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = await mkdtemp(join(tmpdir(), 'vpcheck-stream-'));
  try {
    const { port } = server.address() as { port: number };
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    }));
    const client = new RecordingClient(loadKubeConfig({ kubeconfig }));
    const stream = await openVmiStream(client, { namespace: 'ns', name: 'vm', subresource: 'console', timeoutMs: 20_000, retryable: (e) => e.status === 400 });
    expect((await new Promise<Buffer>((resolve) => stream.once('data', resolve))).toString()).toBe('login: ');
    expect(client.opened).toHaveLength(REFUSALS + 1);
    const refused = client.opened.slice(0, REFUSALS);
    for (let i = 0; i < 20 && refused.some((ws) => ws.readyState !== WebSocket.CLOSED); i++) await sleep(50);
    expect(refused.map((ws) => ws.readyState)).toEqual(refused.map(() => WebSocket.CLOSED));
    expect(client.opened[REFUSALS]!.readyState).toBe(WebSocket.OPEN);
    stream.destroy();
  } finally {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  }
});
