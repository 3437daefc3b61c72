// `vpcheck ... | head`: the reader closes the pipe early. The command stops writing and exits as
// it would have, with nothing on stderr (it used to die with an EPIPE stack trace).
import { spawnSync } from 'node:child_process';
import { expect, test } from '@playwright/test';

function throughHead(args: string): { code: number; stdout: string; stderr: string } {
  // PIPESTATUS[0]: vpcheck's own exit code, not head's.
  const r = spawnSync('bash', ['-c', `node bin/vpcheck.js ${args} | head -1; exit "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

for (const args of ['--help', 'plan topologies/scale-100vms.yaml', 'render topologies/scale-100vms.yaml --target harvester']) {
  test(`vpcheck ${args} | head -1: one line, exit 0, nothing on stderr`, () => {
    const r = throughHead(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
  });
}
