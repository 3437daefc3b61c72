// A pseudo-terminal without native modules: util-linux `script` runs the command on a fresh pty
// and relays it over plain pipes. The lab uses it for each VM's serial console (a login program
// in the VM's network namespace).
import { spawnStream, type ChildStream, type SpawnStreamOptions } from './child-stream.ts';

/** Runs `command` (a shell command line) under a pty; the stream is the terminal's byte stream. */
export function spawnPty(command: string, options: SpawnStreamOptions = {}): ChildStream {
  // -q: no "Script started" banner; -f: flush every write (a console must not lag); -E never: the
  // stdio are pipes, so script must not try to put them in raw mode.
  return spawnStream('script', ['-qfE', 'never', '-c', command, '/dev/null'], options);
}
