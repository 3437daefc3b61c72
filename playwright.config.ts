import { defineConfig } from '@playwright/test';

// One runner for everything: `unit` holds pure and lab-integration tests of lib/ (tests/),
// `lab` runs the user-facing e2e suite (specs/) against the embedded lab target.
export default defineConfig({
  timeout: 120_000,
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  reporter: process.env.CI
    ? [['list'], ['junit', { outputFile: 'reports/junit.xml' }], ['./tests/support/summary-reporter.ts']]
    : [['list'], ['./tests/support/summary-reporter.ts']],
  projects: [
    { name: 'unit', testDir: './tests' },
    { name: 'lab', testDir: './specs' },
  ],
});
