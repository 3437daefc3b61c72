// What each command loads when it starts: the bundle's metafile (built in memory with the options
// of scripts/build.js) says which source modules and npm packages a command's chunks reach through
// static imports. --version and the commands that need no target must not reach the cluster
// client, ssh2, Playwright or the lab's process code: loading them cost users seconds per command.
import { expect, test } from '@playwright/test';
import { build, type Metafile } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { bundleOptions } from '../../scripts/build.js';

const HEAVY = ['@kubernetes/client-node', 'ssh2', 'ws', 'execa', '@playwright/test', 'playwright'];
// Code that talks to a target (the pure renderers and the CRDs' schemas are fine to load).
const TARGET_CODE = /^lib\/(k8s\/(client|objects|watch|pod-exec|exec-frames|kubevirt-)|sessions|probes|run|targets\/(lab|harvester\/harvester-target|kubeovn\/kubeovn-target|k8s-common\/cluster))/;

let meta: Metafile;
test.beforeAll(async () => {
  meta = (await build({ ...bundleOptions, write: false, logLevel: 'silent' })).metafile;
});

/** Source modules and packages loaded by an output file and everything it imports statically. */
function loadedBy(output: string): { modules: Set<string>; packages: Set<string> } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const out = meta.outputs[file]!;
    for (const input of Object.keys(out.inputs)) modules.add(input);
    for (const i of out.imports) {
      if (i.kind === 'dynamic-import') continue;
      if (i.external) packages.add(i.path);
      else visit(i.path);
    }
  };
  visit(output);
  return { modules, packages };
}

/** What running `vpcheck <command>` loads: the entry's chunks plus the command's own module's. */
function loadedByCommand(command?: string): { modules: Set<string>; packages: Set<string> } {
  const entry = loadedBy('dist/vpcheck.js');
  if (!command) return entry;
  const [file] = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === command) ?? [];
  expect(file, `a chunk for ${command}`).toBeDefined();
  const own = loadedBy(file!);
  return { modules: new Set([...entry.modules, ...own.modules]), packages: new Set([...entry.packages, ...own.packages]) };
}

// lib/targets/target.ts comes along for its table of target kinds and their transports (the
// --target and --transport choices); it imports types only.
test('--version loads the command line and commander only', () => {
  const { modules, packages } = loadedByCommand();
  expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
  const other = [...modules].filter((m) => !m.startsWith('lib/cli/') && !m.startsWith('node_modules/commander/'));
  expect(other.sort()).toEqual(['lib/targets/images.ts', 'lib/targets/target.ts', 'package.json']);
  expect(modules.has('lib/cli/validate.ts')).toBe(false);
});

for (const command of ['validate', 'plan', 'explain', 'render', 'import', 'report', 'diff']) {
  test(`${command} loads neither a cluster client, ssh2, Playwright nor the lab`, () => {
    const { modules, packages } = loadedByCommand(`lib/cli/${command}.ts`);
    expect([...packages].filter((p) => HEAVY.includes(p))).toEqual([]);
    expect([...modules].filter((m) => TARGET_CODE.test(m) || HEAVY.some((p) => m.startsWith(`node_modules/${p}/`)))).toEqual([]);
  });
}

test('the schema command loads the schema module only when it runs', () => {
  expect(loadedByCommand().modules.has('lib/topology/schema.ts')).toBe(false);
  expect(Object.values(meta.outputs).some((o) => o.entryPoint === 'lib/topology/schema.ts')).toBe(true);
});

test('run is where the lab and the cluster clients are loaded (the check above is not vacuous)', () => {
  const { modules, packages } = loadedByCommand('lib/cli/run.ts');
  expect(packages).toContain('execa');
  expect(packages).toContain('@kubernetes/client-node');
  expect([...modules].some((m) => m.startsWith('lib/targets/lab/'))).toBe(true);
});

test('bin/vpcheck.js answers --version as a process', () => {
  const out = execFileSync(process.execPath, ['bin/vpcheck.js', '--version'], { encoding: 'utf8' });
  expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
});
