// Where commands write: injectable so tests run commands in-process and read what they print.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly isTTY: boolean;
}

let stdoutGone = false;

export const processIo: Io = {
  out: (t) => void (stdoutGone || process.stdout.write(t.endsWith('\n') ? t : `${t}\n`)),
  err: (t) => void process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  isTTY: Boolean(process.stdout.isTTY),
};

/** Exit codes of DESIGN: 0 all pass, 1 a cell failed, 2 invalid input, 3 target unreachable. */
export const EXIT = { ok: 0, failed: 1, invalid: 2, target: 3, interrupted: 130 } as const;

/**
 * A reader that stops early (`vpcheck plan f | head`) closes the pipe: stop writing to it and let
 * the command finish, as Unix filters do; a run still tears down what it built.
 */
export function quietOnClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stdoutGone = true;
  });
}
