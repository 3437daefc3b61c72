// What the loader and validator say about a file: errors (nothing is built, exit 2) and
// warnings (the platform accepts it but it will not do what the author probably wants).

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly severity: Severity;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Field path such as "vpcs[0].staticRoutes[0].nextHopIP"; "" for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** "file:line:col: severity: path: message", the form editors and CI annotators jump to. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.path ? `${d.path}: ` : '';
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${where}${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[], strict = false): boolean {
  return diagnostics.some((d) => d.severity === 'error' || strict);
}

/** Path segments ["vpcs", 0, "name"] as "vpcs[0].name". */
export function joinPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

/** "vpcs[0].name" back to ["vpcs", 0, "name"]. */
export function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}
