// A Session that runs each command with `ip netns exec` in the VM's namespace: no login, no
// framing, the fastest and most direct transport (the lab's equivalent of a cluster's exec API).
import { execa } from 'execa';
import { SessionError, type CommandResult, type RunOptions, type Session } from '../../sessions/session.ts';

const DEFAULT_TIMEOUT_MS = 60_000;

export class ExecSession implements Session {
  readonly transport = 'exec' as const;
  constructor(readonly vm: string, private readonly namespace: string) {}

  async run(command: string, options: RunOptions = {}): Promise<CommandResult> {
    const started = Date.now();
    const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const r = await execa('ip', ['netns', 'exec', this.namespace, 'bash', '-c', command], { all: true, reject: false, timeout, stripFinalNewline: false, env: { LC_ALL: 'C' } });
    if (r.timedOut) throw new SessionError(`${this.vm}: command timed out after ${timeout} ms`, String(r.all ?? ''));
    if (r.exitCode === undefined) throw new SessionError(`${this.vm}: could not run the command: ${r.shortMessage}`);
    return { exitCode: r.exitCode, output: String(r.all ?? ''), durationMs: Date.now() - started };
  }

  async close(): Promise<void> {}
}
