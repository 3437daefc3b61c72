// A Session into a pod through the exec API: each command is its own `sh -c` exec, so there is
// no login and no framing; stdout and stderr arrive on their own channels and are kept in
// arrival order, and the exit code comes from the status channel (lib/k8s/pod-exec.ts).
import type { KubeClient } from '../../k8s/client.ts';
import { podExec } from '../../k8s/pod-exec.ts';
import type { CommandResult, RunOptions, Session } from '../../sessions/session.ts';

const DEFAULT_TIMEOUT_MS = 60_000;

export class PodExecSession implements Session {
  readonly transport = 'exec' as const;

  constructor(readonly vm: string, private readonly client: KubeClient, private readonly namespace: string, private readonly pod: string) {}

  async run(command: string, options: RunOptions = {}): Promise<CommandResult> {
    const started = Date.now();
    const r = await podExec(this.client, { namespace: this.namespace, pod: this.pod, command: ['sh', '-c', command], timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    return { exitCode: r.exitCode, output: r.output, durationMs: Date.now() - started };
  }

  async close(): Promise<void> {}
}
