// The semantic checks of one phase's objects, in dependency order: names and references
// first, then addresses, then what depends on well-formed addresses.
import type { Severity } from './diagnostics.ts';
import type { SpecSource } from './normalize.ts';
import { validateAddresses } from './validate-addresses.ts';
import { validateObjects } from './validate-objects.ts';
import { validatePeering } from './validate-peering.ts';
import { validateSecurity } from './validate-security.ts';

export type Report = (severity: Severity, path: string, message: string) => void;

/** Returns false when the objects are too broken for a model or target to use. */
export function validateSpec(src: SpecSource, report: Report): boolean {
  let errors = 0;
  const counting: Report = (severity, path, message) => {
    if (severity === 'error') errors++;
    report(severity, path, message);
  };
  validateObjects(src, counting);
  validateSecurity(src, counting);
  if (errors) return false;
  if (!validateAddresses(src, counting)) return false;
  validatePeering(src, counting);
  return errors === 0;
}
