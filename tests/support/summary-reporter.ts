// Ends the run's output with the line CI reads: "N passed, N failed".
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  onTestEnd(test: TestCase, result: TestResult): void {
    // Count the final attempt only, so a retried test counts once.
    if (result.retry < test.retries && result.status !== 'passed' && result.status !== 'skipped') return;
    if (result.status === 'skipped') this.skipped++;
    else if (test.outcome() === 'expected' || test.outcome() === 'flaky') this.passed++;
    else this.failed++;
  }

  onEnd(): void {
    const tail = this.skipped ? `, ${this.skipped} skipped` : '';
    process.stdout.write(`${this.passed} passed, ${this.failed} failed${tail}\n`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
