// Runs the vpcheck CLI in-process and captures what it prints.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../lib/cli/main.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCli(args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), isTTY: false });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'vpcheck-test-'));
let n = 0;

/** Writes a file for a test and returns its path. */
export function tempFile(content: string | Uint8Array, name = `t${n++}.yaml`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
