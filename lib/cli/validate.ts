// `vpcheck validate`: load every file, print each problem with file:line:col and field path.
import { formatDiagnostic, type Diagnostic } from '../topology/diagnostics.ts';
import { EXIT, type Io } from './io.ts';
import { internetIpOf, loadWithModelCheck } from './topology-input.ts';

export interface ValidateOptions {
  readonly strict?: boolean;
  readonly json?: boolean;
}

export async function validateCommand(files: string[], options: ValidateOptions, io: Io): Promise<number> {
  const results: { file: string; valid: boolean; diagnostics: readonly Diagnostic[] }[] = [];
  for (const file of files) {
    const { topology, diagnostics } = await loadWithModelCheck(file, internetIpOf('lab'));
    const valid = topology !== undefined && !(options.strict && diagnostics.length > 0);
    results.push({ file, valid, diagnostics });
  }
  if (options.json) {
    io.out(JSON.stringify({ valid: results.every((r) => r.valid), files: results }, null, 2));
  } else {
    for (const r of results) {
      for (const d of r.diagnostics) io.err(formatDiagnostic(options.strict ? { ...d, severity: 'error' } : d));
      const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = r.diagnostics.length - errors;
      const counts = [errors && `${errors} error${errors > 1 ? 's' : ''}`, warnings && `${warnings} warning${warnings > 1 ? 's' : ''}`].filter(Boolean).join(', ');
      io.out(`${r.file}: ${r.valid ? 'valid' : 'INVALID'}${counts ? ` (${counts})` : ''}`);
    }
  }
  return results.every((r) => r.valid) ? EXIT.ok : EXIT.invalid;
}
