// The layers of lib/ and the one direction imports may take between them: a module may import
// from its own layer or a layer below it, never from one above. The order follows the data flow
// (a topology becomes a model, a target builds it, the run probes it, the report shows it, the
// CLI wires it together); README.md, "Architecture", describes what each layer owns.
import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const LAYERS = ['net', 'secrets', 'sessions', 'topology', 'k8s', 'model', 'probes', 'targets', 'import', 'run', 'report', 'cli'];
const LIB = resolve(import.meta.dirname, '../../lib');
const PACKAGE_JSON = resolve(LIB, '../package.json');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** The layer a file under lib/ belongs to: its first folder (files at lib/'s root are shared
 *  helpers below every layer). */
function layerOf(file: string): number {
  const first = relative(LIB, file).split('/')[0]!;
  if (!first.endsWith('.ts') && !LAYERS.includes(first)) throw new Error(`lib/${first}: a folder that is no layer; add it to LAYERS`);
  return LAYERS.indexOf(first);
}

/** The relative modules a source imports, statically, dynamically or as types only. */
export function importsOf(text: string): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.[^'"]+)['"]/gm)];
  return specifiers.map((m) => m[1]!);
}

test('no module in lib/ imports from a layer above its own', () => {
  const upward: string[] = [];
  for (const file of sources(LIB)) {
    const own = layerOf(file);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), spec);
      if (relative(LIB, target).startsWith('..')) {
        // The one file outside lib/ that lib/ reads: the package's own manifest (its version).
        if (target !== PACKAGE_JSON) upward.push(`lib/${relative(LIB, file)} -> ${relative(LIB, target)} (outside lib/)`);
        continue;
      }
      if (layerOf(target) > own) upward.push(`lib/${relative(LIB, file)} -> lib/${relative(LIB, target)}`);
    }
  }
  expect(upward).toEqual([]);
});

test('the import reader sees every form of import', () => {
  const text = [
    "import { a } from './a.ts';",
    "import type { B } from '../b.ts';",
    "export { c } from './c.ts';",
    "import './d.ts';",
    "const e = await import('./e.ts');",
    "import { f } from 'node:fs';",
  ].join('\n');
  expect(importsOf(text)).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts', './e.ts']);
});
