// Fixtures of the e2e suite: which target and transport a project runs against, and the
// topology files it covers. Specs stay declarative; the engine lives in lib/run.
import { test as base } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { LabTarget } from '../lib/targets/lab/lab-target.ts';
import type { Target } from '../lib/targets/target.ts';
import type { Transport } from '../lib/sessions/session.ts';

export interface SuiteOptions {
  /** How the suite reaches the VMs; set per Playwright project. */
  transport: Transport;
}

export const test = base.extend<{}, SuiteOptions & { target: Target }>({
  transport: ['console', { option: true, scope: 'worker' }],
  // Only the lab is reachable from CI machines; cluster targets plug in here.
  target: [async ({}, use) => use(new LabTarget()), { scope: 'worker' }],
});

/**
 * The topology files of the suite: every file in topologies/, or those whose names match
 * VPCHECK_TOPOLOGIES (a comma-separated list of substrings).
 */
export function suiteTopologies(): string[] {
  const filter = process.env.VPCHECK_TOPOLOGIES?.split(',').map((s) => s.trim()).filter(Boolean);
  return readdirSync('topologies')
    .filter((f) => f.endsWith('.yaml'))
    .filter((f) => !filter || filter.some((s) => f.includes(s)))
    .map((f) => `topologies/${f}`);
}

export { expect } from '@playwright/test';
