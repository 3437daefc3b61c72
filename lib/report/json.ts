// The JSON result as written to disk: redacted, one result or an array for several topologies.
import type { RunResult } from '../run/result.ts';
import { redact } from '../secrets/redact.ts';

export function resultJson(results: readonly RunResult[]): string {
  return `${JSON.stringify(redact(results.length === 1 ? results[0] : results), null, 2)}\n`;
}
