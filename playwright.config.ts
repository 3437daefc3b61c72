import { defineConfig } from '@playwright/test';
import type { SuiteOptions } from './specs/fixtures.ts';

// One runner for everything:
// - `unit`: tests of lib/ (pure code, and lab integration tests against real OVN);
// - `e2e-console`, `e2e-ssh`: the user-facing e2e suite (specs/), once per transport, on the lab
//   or on the cluster VPCHECK_TARGET names; `e2e-exec` exists for VPCHECK_TARGET=kubeovn, whose
//   pods have neither console nor sshd;
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
    { name: 'e2e-console', testDir: './specs', use: { transport: 'console' } },
    // The docs' procedures are console procedures: they run once, in e2e-console.
    { name: 'e2e-ssh', testDir: './specs', testIgnore: '**/harvester-docs.spec.ts', use: { transport: 'ssh' } },
    ...(process.env.VPCHECK_TARGET === 'kubeovn' ? [{ name: 'e2e-exec', testDir: './specs', testIgnore: '**/harvester-docs.spec.ts', use: { transport: 'exec' as const } }] : []),
    { name: 'exclusive', testDir: './tests', testMatch: '**/*.exclusive.spec.ts', dependencies: ['unit', 'e2e-console', 'e2e-ssh'] },
    // Last: nothing any test started may be left behind.
    { name: 'leaks', testDir: './tests', testMatch: '**/*.final.spec.ts', dependencies: ['exclusive'] },
  ],
});
