// A websocket of the fake carrying a byte stream both ways in binary frames, as KubeVirt's
// plain.kubevirt.io subresources do; either side closing closes the other.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

export function bridge(ws: WebSocket, stream: Duplex, what: string): void {
  stream.on('data', (d: Buffer) => ws.readyState === ws.OPEN && ws.send(d, { binary: true }));
  stream.on('close', () => ws.close(1000, `${what} closed`));
  stream.on('error', () => ws.close(1011, `${what} failed`));
  ws.on('message', (data: Buffer, binary: boolean) => binary && stream.write(data));
  ws.on('close', () => stream.destroy());
}
