// A pseudo-terminal without native modules: util-linux `script` runs the command on a fresh pty
// and relays it over plain pipes. The lab uses it for each VM's serial console (a login program
// in the VM's network namespace).
import { spawnStream, type ChildStream, type SpawnStreamOptions } from './child-stream.ts';

/** Runs `command` (a POSIX shell command line) under a pty; the stream is the terminal's byte stream. */
export function spawnPty(command: string, options: SpawnStreamOptions = {}): ChildStream {
  // `script -c` hands the line to $SHELL, so the caller's environment would pick the shell: /bin/sh
  // always, because callers quote for it. `exec` makes the program the pty's session leader, as a
  // getty is on a real serial line. Without it dash forks for `-c`, agetty is not the session
  // leader, and no password prompt follows the user name (seen on CI, where SHELL is unset, and
  // reproduced here with `env -i`).
  const env = { ...(options.env ?? process.env), SHELL: '/bin/sh' };
  // -q: no "Script started" banner; -f: flush every write (a console must not lag); -E never: the
  // stdio are pipes, so script must not try to put them in raw mode.
  return spawnStream('script', ['-qfE', 'never', '-c', `exec ${command}`, '/dev/null'], { env });
}
