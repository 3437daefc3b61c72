// The serial console of a KubeVirt VMI as a byte stream: a websocket GET on
// /apis/subresources.kubevirt.io/v1/namespaces/NS/virtualmachineinstances/NAME/console with
// subprotocol plain.kubevirt.io, raw bytes in binary frames
// (kubevirt/kubevirt:staging/src/kubevirt.io/client-go/kubevirt/typed/core/v1/async.go,
// client-go/subresources/constants.go PlainStreamProtocolName). While the VMI starts, virt-api
// answers 400; virtctl retries every second until its timeout (kubecli/vmi.go SerialConsole).
import { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket, { createWebSocketStream } from 'ws';
import type { KubeClient } from './client.ts';

export const PLAIN_PROTOCOL = 'plain.kubevirt.io';

export class ConsoleRefused extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'ConsoleRefused';
  }
}

function connect(client: KubeClient, namespace: string, name: string): Promise<WebSocket> {
  const url = client.url(`/apis/subresources.kubevirt.io/v1/namespaces/${encodeURIComponent(namespace)}/virtualmachineinstances/${encodeURIComponent(name)}/console`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return client.options(url, 'GET').then((opts) => new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [PLAIN_PROTOCOL], { ...opts, headers: opts.headers as Record<string, string> });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(new ConsoleRefused(`console of ${namespace}/${name}: ${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`, res.statusCode ?? 0)));
    });
    ws.once('error', reject);
  }));
}

/** Opens the console, retrying 400 (VMI not running yet) every second for up to `timeoutMs`. */
export async function openKubevirtConsole(client: KubeClient, namespace: string, name: string, timeoutMs = 120_000): Promise<Duplex> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const ws = await connect(client, namespace, name);
      // Binary frames both ways: the console carries bytes, not text.
      ws.binaryType = 'nodebuffer';
      return createWebSocketStream(ws);
    } catch (e) {
      if (!(e instanceof ConsoleRefused && e.status === 400) || Date.now() > deadline) throw e;
      await sleep(1000);
    }
  }
}
