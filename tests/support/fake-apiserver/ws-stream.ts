// A websocket of the fake carrying a byte stream both ways in binary frames, as KubeVirt's
// plain.kubevirt.io subresources do; either side closing closes the other.
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { PLAIN_PROTOCOL } from '../../../lib/k8s/kubevirt-stream.ts';

export function bridge(ws: WebSocket, stream: Duplex, what: string): void {
  stream.on('data', (d: Buffer) => ws.readyState === ws.OPEN && ws.send(d, { binary: true }));
  stream.on('close', () => ws.close(1000, `${what} closed`));
  stream.on('error', () => ws.close(1011, `${what} failed`));
  ws.on('message', (data: Buffer, binary: boolean) => binary && stream.write(data));
  ws.on('close', () => stream.destroy());
}

/** A server for upgrades that speak plain.kubevirt.io only (virt-api's console and port-forward). */
export function plainWebSocketServer(): WebSocketServer {
  return new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has(PLAIN_PROTOCOL) ? PLAIN_PROTOCOL : false) });
}
