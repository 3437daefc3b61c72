// A streaming subresource of a KubeVirt VMI (console, portforward) as a byte stream: a websocket
// GET on /apis/subresources.kubevirt.io/v1/namespaces/NS/virtualmachineinstances/NAME/<subresource>
// with subprotocol plain.kubevirt.io, raw bytes in binary frames both ways
// (kubevirt/kubevirt:staging/src/kubevirt.io/client-go/kubevirt/typed/core/v1/async.go
// RequestFromConfig and roundTripperFromConfig, client-go/subresources/constants.go
// PlainStreamProtocolName). virt-api refuses a VMI it cannot stream yet with an HTTP status
// before the upgrade; virtctl retries every second until its timeout (kubecli/vmi.go SerialConsole).
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWebSocketStream } from 'ws';
import { readBody, statusMessage, type KubeClient } from './client.ts';

export const PLAIN_PROTOCOL = 'plain.kubevirt.io';

/** virt-api answered the upgrade with an error status; the message carries its Status text. */
export class SubresourceRefused extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'SubresourceRefused';
  }
}

export interface VmiStreamRequest {
  readonly namespace: string;
  readonly name: string;
  /** The path below the VMI: "console", "portforward/22/tcp". */
  readonly subresource: string;
  /** Keep trying for this long while `retryable` says the VMI is not ready for it yet. */
  readonly timeoutMs: number;
  readonly retryable: (refused: SubresourceRefused) => boolean;
}

async function connect(client: KubeClient, r: VmiStreamRequest): Promise<Duplex> {
  const what = `${r.subresource} of ${r.namespace}/${r.name}`;
  const ws = await client.websocket(`/apis/subresources.kubevirt.io/v1/namespaces/${encodeURIComponent(r.namespace)}/virtualmachineinstances/${encodeURIComponent(r.name)}/${r.subresource}`, {}, [PLAIN_PROTOCOL]);
  return new Promise((resolve, reject) => {
    // The stream takes over in 'open' itself: bytes that came with the upgrade response (an
    // sshd's banner) are emitted before an awaiting caller would get to listen.
    ws.once('open', () => resolve(createWebSocketStream(ws)));
    // ws aborts a refused handshake only when nothing listens for 'unexpected-response'
    // (ws 8 lib/websocket.js initAsClient); here the listener must: terminate() aborts the
    // request and closes the websocket, which would otherwise stay CONNECTING, one per retry.
    ws.once('unexpected-response', (_req, res) => {
      readBody(res).then(
        (body) => reject(new SubresourceRefused(`${what}: ${res.statusCode} ${statusMessage(body)}`, res.statusCode ?? 0)),
        reject,
      ).finally(() => ws.terminate());
    });
    ws.once('error', (e) => {
      ws.terminate();
      reject(e);
    });
  });
}

/** Opens the stream, retrying what `retryable` accepts every second for up to `timeoutMs`. */
export async function openVmiStream(client: KubeClient, request: VmiStreamRequest): Promise<Duplex> {
  const deadline = Date.now() + request.timeoutMs;
  for (;;) {
    try {
      return await connect(client, request);
    } catch (e) {
      if (!(e instanceof SubresourceRefused && request.retryable(e)) || Date.now() > deadline) throw e;
      await sleep(1000);
    }
  }
}
