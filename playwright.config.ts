import { defineConfig } from '@playwright/test';
import type { SuiteOptions } from './specs/fixtures.ts';

// One runner for everything:
// - `unit`: tests of lib/ (pure code, and lab integration tests against real OVN);
// - `lab-console`, `lab-ssh`: the user-facing e2e suite (specs/) on the lab, once per transport;
// - `exclusive`: tests that need the machine's userspace datapath to themselves, run after those;
// - `leaks`: checks that the whole suite left nothing behind.
// Select topologies with VPCHECK_TOPOLOGIES=peering,nat (substrings of file names).
export default defineConfig<SuiteOptions>({
  timeout: 120_000,
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  // Retries are for infrastructure errors; a cell's own flake control is the engine's re-probing.
  retries: 0,
  // html and allure-results carry each phase's matrix, result JSON and HTML report as attachments
  // (redacted); `npm run report:allure` turns reports/allure-results into one offline HTML file.
  reporter: [
    ['list'],
    ...(process.env.CI ? [['junit', { outputFile: 'reports/junit.xml' }] as const] : []),
    ['html', { open: 'never', outputFolder: 'reports/playwright-html' }],
    ['allure-playwright', { resultsDir: 'reports/allure-results' }],
    ['./tests/support/summary-reporter.ts'],
  ],
  projects: [
    { name: 'unit', testDir: './tests', testIgnore: ['**/*.exclusive.spec.ts', '**/*.final.spec.ts'] },
    { name: 'lab-console', testDir: './specs', use: { transport: 'console' } },
    // The docs' procedures are console procedures: they run once, in lab-console.
    { name: 'lab-ssh', testDir: './specs', testIgnore: '**/harvester-docs.spec.ts', use: { transport: 'ssh' } },
    { name: 'exclusive', testDir: './tests', testMatch: '**/*.exclusive.spec.ts', dependencies: ['unit', 'lab-console', 'lab-ssh'] },
    // Last: nothing any test started may be left behind.
    { name: 'leaks', testDir: './tests', testMatch: '**/*.final.spec.ts', dependencies: ['exclusive'] },
  ],
});
