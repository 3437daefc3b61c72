// Teardown on Ctrl-C or a kill: the run command registers its cleanup for the duration of a run.
// On SIGINT/SIGTERM the cleanup runs once, then the process exits with 128 + signal number.

export function onTerminate(cleanup: () => Promise<void>): () => void {
  let running = false;
  const handler = (signal: NodeJS.Signals) => {
    if (running) return;
    running = true;
    const code = 128 + (signal === 'SIGINT' ? 2 : 15);
    cleanup().catch((e) => process.stderr.write(`cleanup after ${signal} failed: ${(e as Error).message}\n`)).finally(() => process.exit(code));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
