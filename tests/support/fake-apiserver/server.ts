// A FAKE Kubernetes API server for tests, in-process on 127.0.0.1 (HTTP, or HTTPS when given a
// key and certificate): discovery, CRUD, server-side apply, watches, status subresources,
// bearer-token auth, the KubeVirt console websocket, and fault switches. Not a real cluster:
// its "controllers" build the objects on the lab target (reconcile.ts).
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Api } from './api.ts';
import { fire, noFaults, type Faults } from './faults.ts';
import { discovery, parseRoute } from './routes.ts';
import { ApiError, expired, serverError, unauthorized } from './status.ts';
import { matches, Store, type WatchEvent } from './store.ts';

export interface FakeServerOptions {
  readonly token: string;
  readonly tls?: { readonly key: string; readonly cert: string };
}

export type UpgradeHandler = (req: IncomingMessage, socket: Socket, head: Buffer, url: URL) => void;

export class FakeHttpServer {
  readonly store = new Store();
  readonly faults: Faults = noFaults();
  private readonly api = new Api(this.store, this.faults);
  private readonly server: Server;
  private readonly open = new Set<ServerResponse>();
  upgrade?: UpgradeHandler;

  constructor(private readonly options: FakeServerOptions) {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.serve(req, res);
    this.server = options.tls ? createHttps(options.tls, handler) : createHttp(handler);
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      if (!this.authorized(req)) return reject(socket, 401, unauthorized());
      if (!this.upgrade) return reject(socket, 404, new ApiError(404, 'NotFound', 'the server could not find the requested resource'));
      this.upgrade(req, socket, head, url);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  authorized(req: IncomingMessage): boolean {
    return req.headers.authorization === `Bearer ${this.options.token}`;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      if (!this.authorized(req)) throw unauthorized();
      const doc = req.method === 'GET' ? discovery(url.pathname) : undefined;
      if (doc) return send(res, 200, doc);
      const route = parseRoute(url.pathname);
      if (!route) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      const watch = req.method === 'GET' && ['1', 'true'].includes(url.searchParams.get('watch') ?? '');
      if (watch) return this.watch(route.resource.kind, route.namespace, url.searchParams, res);
      if (fire(this.faults, 'serverErrors')) throw serverError(503);
      const out = this.api.handle({ method: req.method ?? 'GET', route, query: url.searchParams, contentType: req.headers['content-type'] ?? 'application/json', body: Buffer.concat(chunks).toString('utf8') });
      for (const w of out.warnings ?? []) res.appendHeader('Warning', `299 - "${w.replace(/"/g, '\\"')}"`);
      send(res, out.code, out.body);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      send(res, e.code, e.body());
    }
  }

  /** A watch: JSON events, one per line, from resourceVersion on; ERROR 410 when compacted. */
  private watch(kind: string, namespace: string | undefined, query: URLSearchParams, res: ServerResponse): void {
    const name = /^metadata\.name=(.+)$/.exec(query.get('fieldSelector') ?? '')?.[1];
    const q = { kind, ...(namespace !== undefined && { namespace }), ...(query.has('labelSelector') && { labelSelector: query.get('labelSelector')! }), ...(name !== undefined && { name }) };
    const fromRv = Number(query.get('resourceVersion') || this.store.resourceVersion);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    this.open.add(res);
    const drop = fire(this.faults, 'dropWatches');
    let unsubscribe = () => {};
    const end = () => {
      unsubscribe();
      clearTimeout(timer);
      this.open.delete(res);
      if (drop) res.destroy();
      else res.end();
    };
    const timer = setTimeout(end, drop ? 200 : Number(query.get('timeoutSeconds') ?? 1800) * 1000);
    const write = (e: WatchEvent) => {
      if (!matches(e.object, q)) return;
      res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
      if (drop) end();
    };
    const past = this.store.since(fromRv);
    if (!past) {
      res.write(`${JSON.stringify({ type: 'ERROR', object: expired(fromRv).body() })}\n`);
      return end();
    }
    unsubscribe = this.store.subscribe(write);
    past.forEach(write);
    res.on('close', end);
  }
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Answers an upgrade request with an HTTP error, as virt-api does for a console it refuses. */
export function reject(socket: Socket, code: number, error: ApiError): void {
  const body = JSON.stringify(error.body());
  socket.end(`HTTP/1.1 ${code} ${error.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
