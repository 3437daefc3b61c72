// The Kubernetes exec websocket protocol, channel framing (pure). Subprotocols
// v5.channel.k8s.io / v4.channel.k8s.io (kubernetes/kubernetes:staging/src/k8s.io/apimachinery/
// pkg/util/remotecommand/constants.go StreamProtocolV4Name, StreamProtocolV5Name): every binary
// message starts with one channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error/status (a
// metav1.Status as JSON), 4 resize; v5 adds 255 "close this channel" (payload: the channel).
// A non-zero exit is Status Failure, reason NonZeroExitCode, with a cause of type ExitCode whose
// message is the code (same constants.go: NonZeroExitCodeReason, ExitCodeCauseType).

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, status: 3, resize: 4, close: 255 } as const;

export interface ExecStatus {
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly details?: { readonly causes?: readonly { readonly type?: string; readonly reason?: string; readonly message?: string }[] };
}

export function frame(channel: number, data: Buffer | string): Buffer {
  return Buffer.concat([Buffer.of(channel), typeof data === 'string' ? Buffer.from(data) : data]);
}

export function unframe(message: Buffer): { channel: number; data: Buffer } | undefined {
  return message.length ? { channel: message[0]!, data: message.subarray(1) } : undefined;
}

/** The Status the server sends on channel 3 when the command exits with `code`. */
export function exitStatus(code: number): ExecStatus {
  if (code === 0) return { status: 'Success' };
  return {
    status: 'Failure',
    reason: 'NonZeroExitCode',
    message: `command terminated with non-zero exit code: error executing command [sh -c ...], exit code ${code}`,
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/**
 * The exit code a Status reports, or an Error for a failure that is no exit code (the command
 * could not start: container not found, executable missing).
 */
export function exitCodeOf(status: ExecStatus): number | Error {
  if (status.status === 'Success') return 0;
  // The cause's field is `reason` (metav1.StatusCause has Type serialized as "reason").
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode' || c.type === 'ExitCode');
  if (status.reason === 'NonZeroExitCode' && cause && /^\d+$/.test(cause.message ?? '')) return Number(cause.message);
  return new Error(status.message ?? `exec failed: ${JSON.stringify(status)}`);
}
