// Waiting for an object's state with list + watch, as client-go's informers do: list to learn
// the state and resourceVersion, watch from there, and list again when the watch ends or its
// resourceVersion expired (410). No polling loop.
import type { IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from './client.ts';
import { collectionPath, type KubeObject, type ResourceType } from './resources.ts';

const WATCH_RETRY_MS = 200;

export class WaitTimeout extends Error {
  constructor(message: string, readonly last: KubeObject | undefined) {
    super(message);
    this.name = 'WaitTimeout';
  }
}

interface List {
  metadata: { resourceVersion: string };
  items: KubeObject[];
}

/** Follows one watch until `done` holds (true), the watch ends or expires (false), or the deadline. */
async function follow(res: IncomingMessage, done: (o: KubeObject | undefined) => boolean, seen: (o: KubeObject | undefined) => void): Promise<boolean> {
  const lines = createInterface({ input: res });
  // A destroyed response (deadline, dropped connection) emits close but no end: stop reading.
  res.once('close', () => lines.close());
  try {
    for await (const line of lines) {
      if (!line.trim()) continue;
      const e = JSON.parse(line) as { type: string; object: KubeObject };
      if (e.type === 'ERROR') return false;
      const o = e.type === 'DELETED' ? undefined : e.object;
      seen(o);
      if (done(o)) return true;
    }
    return false;
  } finally {
    lines.close();
    res.destroy();
  }
}

/**
 * Resolves with the object (undefined once it is gone) when `done` holds for it; throws
 * WaitTimeout with the last state seen after `timeoutMs`.
 */
export async function waitUntil(
  client: KubeClient,
  r: ResourceType,
  name: string,
  namespace: string | undefined,
  done: (o: KubeObject | undefined) => boolean,
  timeoutMs: number,
): Promise<KubeObject | undefined> {
  const deadline = Date.now() + timeoutMs;
  const path = collectionPath(r, namespace);
  const fieldSelector = `metadata.name=${name}`;
  let last: KubeObject | undefined;
  let open: IncomingMessage | undefined;
  const timer = setTimeout(() => open?.destroy(), timeoutMs);
  try {
    while (Date.now() < deadline) {
      const list = await client.call<List>({ method: 'GET', path, query: { fieldSelector } });
      last = list.items[0];
      if (done(last)) return last;
      const timeoutSeconds = String(Math.max(1, Math.ceil((deadline - Date.now()) / 1000)));
      // A watch that fails to open or ends early is resumed by listing again (like a reflector).
      open = await client.open({ method: 'GET', path, query: { watch: '1', fieldSelector, resourceVersion: list.metadata.resourceVersion, timeoutSeconds, allowWatchBookmarks: 'false' } }).catch(() => undefined);
      if (open?.statusCode !== 200) {
        open?.destroy();
        await sleep(WATCH_RETRY_MS);
        continue;
      }
      let result: KubeObject | undefined;
      const ok = await follow(open, (o) => done(o) && ((result = o), true), (o) => (last = o)).catch(() => false);
      if (ok) return result;
    }
  } finally {
    clearTimeout(timer);
    open?.destroy();
  }
  throw new WaitTimeout(`timed out after ${Math.round(timeoutMs / 1000)} s`, last);
}
