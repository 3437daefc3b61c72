// Reads a topology file's bytes into a YAML document that can answer "where is this field?",
// refusing inputs that would exhaust memory or time (huge files, alias bombs, bad encodings).
import { isUtf8 } from 'node:buffer';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import type { Position } from './types.ts';

/** Generated 1,000-VM topologies are about 200 KB; anything this large is a mistake. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** yaml counts every alias resolution; a billion-laughs bomb stops here. */
const MAX_ALIAS_COUNT = 200;

export interface SourceProblem {
  readonly pos: Position;
  readonly message: string;
}

export interface YamlSource {
  readonly value: unknown;
  /** Position of the value at a path, or of its nearest existing ancestor. */
  /** `offset`: a character inside a one-line string value (quotes skipped). */
  locate(segments: readonly (string | number)[], options?: { key?: boolean; offset?: number }): Position;
}

export type ReadResult = { ok: true; source: YamlSource } | { ok: false; problems: SourceProblem[] };

const START: Position = { line: 1, col: 1 };

export function readYaml(bytes: Uint8Array): ReadResult {
  if (bytes.length > MAX_FILE_BYTES) {
    const mb = (bytes.length / 1024 / 1024).toFixed(1);
    return fail(START, `file is ${mb} MiB; topology files are limited to ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
  }
  if (!isUtf8(bytes)) return fail(positionOfByte(bytes, firstInvalidUtf8(bytes)), 'file is not valid UTF-8');
  const text = Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') return fail(START, 'file is empty: expected a topology (apiVersion: vpcheck/v1, kind: Topology)');

  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false }) as Document.Parsed[];
  } catch (e) {
    return fail(START, `YAML could not be parsed: ${(e as Error).message}`);
  }
  if (!Array.isArray(docs)) return fail(START, 'YAML could not be parsed');
  const pos = (offset: number): Position => lineCounter.linePos(offset);
  const problems: SourceProblem[] = [];
  for (const doc of docs) {
    for (const e of [...doc.errors, ...doc.warnings]) {
      problems.push({ pos: pos(e.pos[0]), message: yamlMessage(e.code, e.message) });
    }
  }
  if (problems.length) return { ok: false, problems };
  const contentDocs = docs.filter((d) => d.contents !== null);
  if (contentDocs.length === 0) return fail(START, 'file holds no YAML content: expected a topology');
  if (contentDocs.length > 1) {
    return fail(pos(contentDocs[1]!.range[0]), 'file holds several YAML documents; a topology file holds exactly one');
  }
  const doc = contentDocs[0]!;
  // Converting a mapping with a list or mapping as a key would stringify it (and yaml warns on
  // stderr); no field of the format has such a key, so it is an error at the key.
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (key && !isScalar(key) && key.range) problems.push({ pos: pos(key.range[0]), message: 'a key must be a plain name, not a list or mapping' });
    },
  });
  if (problems.length) return { ok: false, problems };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const bomb = /alias/i.test((e as Error).message);
    const message = bomb
      ? `too many alias expansions (more than ${MAX_ALIAS_COUNT}): refusing a possible resource-exhaustion document`
      : `YAML could not be read: ${(e as Error).message}`;
    return fail(START, message);
  }
  return {
    ok: true,
    source: {
      value,
      locate(segments, options) {
        let node: Node | null = doc.contents as Node | null;
        let at: Position = node?.range ? pos(node.range[0]) : START;
        for (const seg of segments) {
          if (isMap(node)) {
            const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
            if (!pair) break;
            const keyNode = pair.key as Node;
            const valueNode = pair.value as Node | null;
            const last = seg === segments[segments.length - 1];
            const target = options?.key && last ? keyNode : valueNode ?? keyNode;
            at = target?.range ? pos(target.range[0]) : at;
            if (last && options?.offset !== undefined && isScalar(target) && !String(target.source ?? target.value).includes('\n')) {
              const quoted = target.type === 'QUOTE_DOUBLE' || target.type === 'QUOTE_SINGLE';
              at = { line: at.line, col: at.col + (quoted ? 1 : 0) + options.offset };
            }
            node = valueNode;
          } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
            node = node.items[seg] as Node;
            at = node.range ? pos(node.range[0]) : at;
          } else {
            break;
          }
        }
        return at;
      },
    },
  };
}

function fail(pos: Position, message: string): ReadResult {
  return { ok: false, problems: [{ pos, message }] };
}

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return `duplicate key: ${message.replace(/^Map keys must be unique.*$/, 'map keys must be unique')}`;
  return `invalid YAML (${code}): ${message.split('\n')[0]}`;
}

/** Byte offset of the first byte that breaks UTF-8. */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return b.length;
}

function positionOfByte(b: Uint8Array, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) if (b[i] === 0x0a) (line++, (lineStart = i + 1));
  return { line, col: offset - lineStart + 1 };
}
