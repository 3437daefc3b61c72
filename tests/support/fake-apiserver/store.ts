// The fake API server's object store: objects by kind/namespace/name, one resourceVersion
// counter for everything (like etcd's revision), and the event history that watches resume from.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import { matchesSelector } from './selector.ts';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  readonly type: EventType;
  readonly object: KubeObject;
  readonly rv: number;
}

export interface Query {
  readonly kind: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly name?: string;
}

type Listener = (e: WatchEvent) => void;

/** Events older than this many are compacted away; a watch from before them gets 410 Gone. */
const HISTORY = 5000;

const keyOf = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? ''}/${name}`;

export function matches(o: KubeObject, q: Query): boolean {
  return o.kind === q.kind
    && (q.namespace === undefined || o.metadata.namespace === q.namespace)
    && (q.name === undefined || o.metadata.name === q.name)
    && (q.labelSelector === undefined || matchesSelector(o.metadata.labels ?? {}, q.labelSelector));
}

export class Store {
  private revision = 1;
  private readonly objects = new Map<string, KubeObject>();
  private readonly history: WatchEvent[] = [];
  private readonly listeners = new Set<Listener>();

  get resourceVersion(): number {
    return this.revision;
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.objects.get(keyOf(kind, namespace, name));
    return o && structuredClone(o);
  }

  list(q: Query): KubeObject[] {
    return [...this.objects.values()].filter((o) => matches(o, q)).map((o) => structuredClone(o));
  }

  /** Stores a new object: uid, resourceVersion, generation and creationTimestamp as the server sets them. */
  create(o: KubeObject): KubeObject {
    const stored: KubeObject = {
      ...o,
      metadata: { ...o.metadata, uid: randomUUID(), generation: 1, creationTimestamp: new Date().toISOString(), resourceVersion: String(++this.revision) },
    };
    this.objects.set(keyOf(o.kind, o.metadata.namespace, o.metadata.name), stored);
    this.emit('ADDED', stored);
    return structuredClone(stored);
  }

  /** Replaces an existing object; generation moves when spec changed (metadata.generation semantics). */
  update(o: KubeObject): KubeObject {
    const key = keyOf(o.kind, o.metadata.namespace, o.metadata.name);
    const old = this.objects.get(key)!;
    const specChanged = JSON.stringify(old.spec) !== JSON.stringify(o.spec);
    const stored: KubeObject = {
      ...o,
      metadata: { ...o.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, generation: (old.metadata.generation ?? 1) + (specChanged ? 1 : 0), resourceVersion: String(++this.revision) },
    };
    this.objects.set(key, stored);
    this.emit('MODIFIED', stored);
    return structuredClone(stored);
  }

  remove(o: KubeObject): void {
    const key = keyOf(o.kind, o.metadata.namespace, o.metadata.name);
    const old = this.objects.get(key);
    if (!old) return;
    this.objects.delete(key);
    this.emit('DELETED', { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.revision) } });
  }

  /** Events after `fromRv`, or undefined when they were compacted (410 Gone). */
  since(fromRv: number): WatchEvent[] | undefined {
    if (this.history.length && fromRv < this.history[0]!.rv - 1) return undefined;
    return this.history.filter((e) => e.rv > fromRv);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every object, for leak checks. */
  all(): KubeObject[] {
    return [...this.objects.values()].map((o) => structuredClone(o));
  }

  private emit(type: EventType, object: KubeObject): void {
    const e: WatchEvent = { type, object: structuredClone(object), rv: Number(object.metadata.resourceVersion) };
    this.history.push(e);
    if (this.history.length > HISTORY) this.history.shift();
    for (const l of this.listeners) l(e);
  }
}
