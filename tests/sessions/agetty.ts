// A serial console as a VM presents it: agetty on a pty inside a network namespace, handing the
// login name to fake-login.sh. The script is run through bash rather than executed, so the suite
// does not depend on the checkout keeping its exec bits or sitting on an exec-mounted disk (CI's
// clone does neither: agetty's exec of the script failed there and no password prompt came).
import { fileURLToPath } from 'node:url';
import { spawnPty } from '../../lib/sessions/pty.ts';
import type { ChildStream } from '../../lib/sessions/child-stream.ts';

const LOGIN = fileURLToPath(new URL('./fake-login.sh', import.meta.url));

export interface FakeLogin {
  user: string;
  password: string;
  /** Fake kernel lines written to the terminal while the shell runs. */
  noise?: boolean;
  /** A shell without line editing, which reads every line in the terminal's canonical mode. */
  noEditing?: boolean;
}

export function agettyConsole(namespace: string, login: FakeLogin): ChildStream {
  const env = { ...process.env, TERM: 'vt100', VPCHECK_TEST_USER: login.user, VPCHECK_TEST_PASSWORD: login.password, VPCHECK_TEST_NOISE: login.noise ? '1' : '', VPCHECK_TEST_NOEDITING: login.noEditing ? '1' : '' };
  // agetty splits -o on blanks and replaces \u with the name typed at its prompt.
  return spawnPty(`ip netns exec ${namespace} /sbin/agetty -l /bin/bash -o '${LOGIN} \\u' - vt100`, { env });
}
