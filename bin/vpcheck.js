#!/usr/bin/env node
// Entry point. Runs the bundle in dist/ (scripts/build.js, run by scripts/setup.sh) when it is at
// least as new as every source file it was built from (dist/inputs.txt); otherwise the TypeScript
// itself through tsx, so a checkout whose sources changed since the last build, or that was never
// built, runs what it holds (slower to start: tsx compiles at run time).
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

function bundleIsCurrent() {
  let built;
  let inputs;
  try {
    built = statSync(new URL('dist/vpcheck.js', root)).mtimeMs;
    inputs = readFileSync(new URL('dist/inputs.txt', root), 'utf8').split('\n').filter(Boolean);
  } catch {
    return false;
  }
  // A source that is gone (renamed, deleted) also means the bundle is stale.
  return inputs.every((file) => statSync(new URL(file, root), { throwIfNoEntry: false })?.mtimeMs <= built);
}

if (bundleIsCurrent()) {
  await import('../dist/vpcheck.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../lib/cli/bin.ts');
}
