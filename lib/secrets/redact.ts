// Credentials never appear in a report or log (DESIGN "Conventions"). Everything vpcheck writes
// about a run (JSON result, HTML, JUnit, terminal text, Playwright attachments) passes through
// here, because raw probe output and console transcripts carry whatever the VM printed.
// Pure: patterns only, no knowledge of where the text came from.

export const REDACTED = '[REDACTED]';

const RULES: readonly [RegExp, string][] = [
  // PEM blocks of any private key (RSA, EC, PKCS#8, OPENSSH, ENCRYPTED), header to footer.
  [/-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, `-----BEGIN $1PRIVATE KEY----- ${REDACTED}`],
  // HTTP bearer tokens, with or without the Authorization header around them.
  [/\b(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1${REDACTED}`],
  // kubeconfig users and similar "key: value" lines (YAML, JSON, env, CLI flags).
  [
    /((?:client-key-data|client-certificate-data|token|id-token|refresh-token|access-token|auth-token|password|passwd|secret|api[-_]?key)["']?\s*[:=]\s*["']?)(?!\[REDACTED\])[^\s"',}]+/gi,
    `$1${REDACTED}`,
  ],
  // sshpass, curl and URLs: user:password@host.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  [/(\bsshpass\s+-p\s*)\S+/g, `$1${REDACTED}`],
];

// Secrets with no recognisable shape (a generated console password printed bare) are known to
// whoever created them: they register them here for the life of the process.
const known = new Set<string>();

/** Makes every later report redact this exact string (ignored when shorter than 6 characters). */
export function registerSecret(secret: string): void {
  if (secret.length >= 6) known.add(secret);
}

/** The text with every credential it recognises replaced by [REDACTED]. */
export function redactText(text: string): string {
  let out = text;
  for (const secret of known) out = out.split(secret).join(REDACTED);
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}

/** A deep copy of a JSON-like value with every string redacted (keys are names, kept as they are). */
export function redact<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redact(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)])) as T;
  }
  return value;
}
