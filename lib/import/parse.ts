// The text of `kubectl get ... -o yaml` (a v1 List), `-o json`, multi-document YAML, or one
// object, as a flat list of objects. Pure.
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../k8s/resources.ts';

export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

const isObject = (x: unknown): x is KubeObject =>
  typeof x === 'object' && x !== null && typeof (x as KubeObject).kind === 'string' && typeof (x as KubeObject).metadata?.name === 'string';

export function parseExport(text: string): KubeObject[] {
  const out: KubeObject[] = [];
  const docs = parseAllDocuments(text);
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    if (doc.errors.length) throw new ImportError(`document ${i + 1}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    // A List's items (kubectl prints kind List; typed lists such as VpcList are the same shape).
    const items = typeof value === 'object' && Array.isArray((value as { items?: unknown }).items) ? (value as { items: unknown[] }).items : [value];
    for (const item of items) {
      if (!isObject(item)) throw new ImportError(`document ${i + 1}: not a Kubernetes object (no kind or metadata.name)`);
      out.push(item);
    }
  }
  return out;
}
