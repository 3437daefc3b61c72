// A small Kubernetes REST client over the kubeconfig's TLS and auth (@kubernetes/client-node
// applies client certificates, bearer tokens and exec plugins to request options). Transient
// failures are retried with exponential backoff and jitter, as client-go does for 5xx/429
// responses and for conflicts under retry.RetryOnConflict (k8s.io/client-go/util/retry/util.go).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';

export interface ConnectOptions {
  /** A kubeconfig file; default: $KUBECONFIG, ~/.kube/config, then the in-cluster service account. */
  readonly kubeconfig?: string;
  readonly context?: string;
}

export class KubeError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string) {
    super(message);
    this.name = 'KubeError';
  }
}

export interface Call {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  readonly contentType?: string;
}

/** Backoff of retried calls: 6 tries, 200 ms doubling, ±20% jitter (about 6 s in all). */
export const RETRY = { tries: 6, firstMs: 200, factor: 2, jitter: 0.2 };
const RETRYABLE = new Set([409, 429, 500, 502, 503, 504]);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
/** Node's certificate checks that fail: the kubeconfig's CA or server is wrong; no retry helps. */
const TLS = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_SIGNATURE_FAILURE', 'ERR_TLS_CERT_ALTNAME_INVALID']);

export function loadKubeConfig(options: ConnectOptions): KubeConfig {
  const kc = new KubeConfig();
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromDefault();
  if (options.context) kc.setCurrentContext(options.context);
  if (!kc.getCurrentCluster()) throw new Error(`no cluster in the kubeconfig${options.context ? ` for context ${options.context}` : ''}`);
  return kc;
}

export class KubeClient {
  readonly server: string;

  constructor(readonly kc: KubeConfig) {
    this.server = kc.getCurrentCluster()!.server.replace(/\/$/, '');
  }

  /** Request options with the kubeconfig's TLS and credentials (for http, https and ws). */
  async options(url: URL, method: string): Promise<RequestOptions> {
    const opts: RequestOptions = { method, headers: {} };
    await this.kc.applyToHTTPSOptions(opts);
    return { ...opts, hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}` };
  }

  url(path: string, query: Record<string, string> = {}): URL {
    const url = new URL(`${this.server}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  }

  /** A websocket GET of `path` with the kubeconfig's TLS and credentials, for streaming subresources. */
  async websocket(path: string, query: Record<string, string> | string[][], protocols: readonly string[]): Promise<WebSocket> {
    const url = this.url(path);
    url.search = new URLSearchParams(query).toString();
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const opts = await this.options(url, 'GET');
    const ws = new WebSocket(url, [...protocols], { ...opts, headers: opts.headers as Record<string, string> });
    // Binary frames carry bytes, not text.
    ws.binaryType = 'nodebuffer';
    return ws;
  }

  /** Opens a request and resolves with the response (status unchecked): watches stream from it. */
  async open(call: Call): Promise<IncomingMessage> {
    const url = this.url(call.path, call.query);
    const opts = await this.options(url, call.method);
    const body = call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
    opts.headers = { ...opts.headers, Accept: 'application/json', ...(body !== undefined && { 'Content-Type': call.contentType ?? 'application/json' }) };
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(opts, resolve);
      req.on('error', reject);
      req.end(body);
    });
  }

  /** One call, retried on transient failures; resolves with the parsed body or throws KubeError. */
  async call<T = unknown>(call: Call): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.once(call).catch((e: NodeJS.ErrnoException) => {
        if (e.code && NETWORK.has(e.code)) return new KubeError(0, e.code, `${call.method} ${call.path}: ${e.message}`);
        if (e.code && TLS.has(e.code)) throw new KubeError(0, 'TLS', `${call.method} ${this.server}${call.path}: TLS: ${e.message} (${e.code}): is the kubeconfig's certificate-authority the cluster's?`);
        throw e;
      });
      if (!(outcome instanceof KubeError)) return outcome as T;
      // AlreadyExists is a 409 too, but no retry changes it; nor does sending a stale
      // resourceVersion again: its caller must read the object again (retry.RetryOnConflict).
      const transient = outcome.code === 0 || (RETRYABLE.has(outcome.code) && outcome.reason !== 'AlreadyExists' && !(outcome.code === 409 && namesVersion(call.body)));
      if (!transient || attempt >= RETRY.tries) throw outcome;
      const delay = RETRY.firstMs * RETRY.factor ** (attempt - 1);
      await sleep(delay * (1 + (Math.random() * 2 - 1) * RETRY.jitter));
    }
  }

  private async once(call: Call): Promise<unknown> {
    const res = await this.open(call);
    const text = await readBody(res);
    const parsed = parseBody(text);
    if (res.statusCode! < 400) return parsed;
    return new KubeError(res.statusCode!, String(parsed.reason ?? ''), `${call.method} ${call.path}: ${res.statusCode} ${statusMessage(text)}`);
  }
}

/** The request body names the resourceVersion it was based on (optimistic locking). */
function namesVersion(body: unknown): boolean {
  return typeof (body as { metadata?: { resourceVersion?: unknown } } | undefined)?.metadata?.resourceVersion === 'string';
}

/** A response's body as text; rejects when the response is cut short. */
export async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): Record<string, unknown> {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return { message: text };
  }
}

/** The message of a refusal: a metav1.Status's own, or the start of whatever else came. */
export function statusMessage(body: string): string {
  const message = parseBody(body).message;
  return typeof message === 'string' ? message.slice(0, 500) : body.slice(0, 300);
}
