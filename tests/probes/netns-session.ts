// A Session that runs each command with bash in a namespace (stdout and stderr together): the
// probes' tests need a VM shell, not a console.
import { execFile } from 'node:child_process';
import type { CommandResult, Session } from '../../lib/sessions/session.ts';

export function netnsSession(ns: string, env: NodeJS.ProcessEnv = process.env): Session {
  return {
    transport: 'exec',
    vm: ns,
    run: (command: string) =>
      new Promise<CommandResult>((resolve) => {
        const began = Date.now();
        execFile('ip', ['netns', 'exec', ns, '/bin/bash', '-c', `exec 2>&1\n${command}`], { env }, (err, stdout) => {
          const exitCode = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ exitCode, output: stdout, durationMs: Date.now() - began });
        });
      }),
    close: async () => undefined,
  };
}
