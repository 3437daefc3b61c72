#!/usr/bin/env node
// Bundles the command line into dist/ with esbuild, so that vpcheck starts without compiling
// TypeScript (bin/vpcheck.js runs dist/ while it is current). Commands are loaded with dynamic
// import(), which esbuild turns into separate chunks: a command's code is read only when it runs.
// The small pure-JavaScript packages every command uses are bundled in (resolving yaml's sixty
// files from node_modules cost more than parsing a topology); the others stay external and
// resolve from node_modules when loaded: ssh2 carries native add-ons, and the cluster client,
// ws and execa are loaded only by the commands that reach a target.
// dist/inputs.txt lists every source file in the bundle, for bin/vpcheck.js's freshness check;
// dist/meta.json is esbuild's metafile (which modules each chunk holds).
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

/** esbuild's options for the bundle; tests build with them in memory to read the metafile. */
export const bundleOptions = {
  absWorkingDir: root,
  entryPoints: { vpcheck: 'lib/cli/bin.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@kubernetes/client-node', 'ssh2', 'ws', 'execa'],
  // The bundled CommonJS packages (commander) require() Node's own modules, which an ES module
  // can do only through a require made for it.
  banner: { js: "import { createRequire as vpcheckCreateRequire } from 'node:module'; const require = vpcheckCreateRequire(import.meta.url);" },
  chunkNames: 'chunk-[hash]',
  metafile: true,
  logLevel: 'warning',
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.chdir(root);
  rmSync('dist', { recursive: true, force: true });
  const { metafile } = await build(bundleOptions);
  writeFileSync('dist/meta.json', JSON.stringify(metafile));
  // Written last: until it exists bin/vpcheck.js does not use the bundle.
  writeFileSync('dist/inputs.txt', `${Object.keys(metafile.inputs).join('\n')}\n`);
}
