// `vpcheck import`: reads an export (a file, or - for stdin), writes the topology (stdout or -o)
// and prints what it could not carry over as warnings on stderr. The mapping is lib/import.
import { readFile, writeFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { importObjects } from '../import/import.ts';
import { ImportError, parseExport } from '../import/parse.ts';
import type { Platform } from '../topology/types.ts';
import { EXIT, type Io } from './io.ts';

export interface ImportCommandOptions {
  readonly namespace?: string;
  readonly out?: string;
  readonly platform?: Platform;
  readonly name?: string;
}

export async function importCommand(file: string, options: ImportCommandOptions, io: Io, stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
  let input: string;
  try {
    input = file === '-' ? await text(stdin) : await readFile(file, 'utf8');
  } catch (e) {
    io.err(`import: cannot read ${file}: ${(e as Error).message}`);
    return EXIT.invalid;
  }
  try {
    const imported = importObjects(parseExport(input), { source: file === '-' ? 'stdin' : file, ...options });
    for (const w of imported.warnings) io.err(`warning: ${w}`);
    if (options.out) await writeFile(options.out, imported.yaml);
    else io.out(imported.yaml);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    io.err(`import: ${file}: ${e.message}`);
    return EXIT.invalid;
  }
}
