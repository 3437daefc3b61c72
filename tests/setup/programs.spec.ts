// The install list is complete by construction: every program the code starts directly is in
// scripts/setup.sh's PROGRAMS table, every listed program is on this machine after setup, and
// setup fails naming a program that its package did not bring.
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requiredPrograms } from '../../lib/targets/lab/bootstrap.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const LISTED = new Set(requiredPrograms().map((p) => p.name));
// Node's own tools come with the runtime, not from the list.
const RUNTIME = new Set(['node', 'npx', 'npm']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|sh)$/.test(name) ? [path] : [];
  });
}

test('every program started by name from lib/, tests/, specs/ and bench/ is in the install list', () => {
  const started = new Map<string, string>();
  const call = /\b(?:execa|execaSync|spawn|spawnSync|execFile|execFileSync)\(\s*'([^'/\s]+)'/g;
  for (const file of ['lib', 'tests', 'specs', 'bench'].flatMap((d) => sources(join(ROOT, d)))) {
    for (const m of readFileSync(file, 'utf8').matchAll(call)) started.set(m[1]!, file.slice(ROOT.length));
  }
  expect(started.size).toBeGreaterThan(5);
  const unlisted = [...started].filter(([p]) => !LISTED.has(p) && !RUNTIME.has(p)).map(([p, f]) => `${p} (${f})`);
  expect(unlisted).toEqual([]);
});

test('every listed program is on this machine', async () => {
  const { stdout } = await execa('bash', ['-c', `export PATH="$PATH:/usr/sbin:/sbin"; for p in ${[...LISTED].join(' ')}; do command -v $p >/dev/null || echo $p; done`]);
  expect(stdout.split('\n').filter(Boolean)).toEqual([]);
});

test('setup fails naming a listed program that its package did not install', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpcheck-setup-'));
  try {
    mkdirSync(join(dir, 'scripts'));
    // coreutils is installed on every Debian machine, so setup installs nothing and goes on to check.
    const script = readFileSync(join(ROOT, 'scripts/setup.sh'), 'utf8').replace("PROGRAMS='\n", "PROGRAMS='\nvpcheck-absent-tool coreutils lab\n");
    writeFileSync(join(dir, 'scripts/setup.sh'), script);
    const r = await execa('bash', [join(dir, 'scripts/setup.sh')], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('setup: missing after install: vpcheck-absent-tool (Debian package coreutils)');
    expect(r.stderr).not.toContain('ovn-nbctl');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
