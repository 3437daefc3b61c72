// The semantic checks of one phase's objects, in dependency order: names and references
// first, then addresses, then what depends on well-formed addresses.
import type { Severity } from './diagnostics.ts';
import type { SpecSource } from './normalize.ts';
import { validateAddresses } from './validate-addresses.ts';
import { validateDhcp } from './validate-dhcp.ts';
import { validateNat } from './validate-nat.ts';
import { validateNodes } from './validate-nodes.ts';
import { validateObjects } from './validate-objects.ts';
import { validatePeering } from './validate-peering.ts';
import { validatePolicies } from './validate-policies.ts';
import { validateSecurity } from './validate-security.ts';

/** `offset`: a character offset inside the field's string value (a position within an OVN match). */
export type Report = (severity: Severity, path: string, message: string, offset?: number) => void;

/** Returns false when the objects are too broken for a model or target to use. */
export function validateSpec(src: SpecSource, report: Report): boolean {
  let errors = 0;
  const counting: Report = (severity, path, message, offset) => {
    if (severity === 'error') errors++;
    report(severity, path, message, offset);
  };
  validateObjects(src, counting);
  validateNodes(src, counting);
  validateSecurity(src, counting);
  validateDhcp(src, counting);
  if (errors) return false;
  if (!validateAddresses(src, counting)) return false;
  validateNat(src, counting);
  validatePeering(src, counting);
  validatePolicies(src, counting);
  return errors === 0;
}
