// Logging in on a serial console the way a person does: press Enter until something answers,
// type the user name at "login:", the password at "Password:", then make the shell quiet and
// machine-readable. Also accepts a console that is already at a shell prompt.
import { SessionError } from './session.ts';
import type { ConsoleIo } from './console-io.ts';

const LOGIN_PROMPT = /login: *$/i;
const PASSWORD_PROMPT = /password: *$/i;
const LOGIN_FAILED = /Login incorrect|Authentication failure/i;
// The unfinished last line ends like a prompt: "root@vm:~# ", "$ ", "vm> ".
const SHELL_PROMPT = /(?:^|\n)[^\n]{0,200}[$#%>] *$/;

// While nothing answers, press Enter again, waiting a little longer each time.
const FIRST_POKE_MS = 100;
const MAX_POKE_MS = 3000;
// How often the set-up line is sent again when the shell has not answered it yet.
const PREP_RETRY_MS = 2000;

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

type Prompt = 'login' | 'password' | 'shell';

function promptOf(text: string): Prompt | undefined {
  if (LOGIN_PROMPT.test(text)) return 'login';
  if (PASSWORD_PROMPT.test(text)) return 'password';
  return SHELL_PROMPT.test(text) ? 'shell' : undefined;
}

/**
 * The shell set-up: no echo, no prompts, no bracketed paste, history expansion or job messages, C locale; then
 * a marker printed with its parts as separate arguments, so an echo of this line cannot match it.
 */
export function prepLine(token: string): string {
  return "stty -echo 2>/dev/null; unset HISTFILE; PS1=''; PS2=''; PROMPT_COMMAND=''; set +H +m 2>/dev/null; " +
    "bind 'set enable-bracketed-paste off' 2>/dev/null; export LC_ALL=C PAGER=cat SYSTEMD_PAGER=cat; " +
    `printf '%s_%s_R__\\n' __VPC ${token}\n`;
}

/** Resolves when the shell is prepared; `token` is the marker name prepLine prints. */
export async function logIn(io: ConsoleIo, credentials: Credentials, token: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const remaining = (): number => Math.max(1, deadline - Date.now());
  const fail = (message: string, refused = false): never => {
    throw new SessionError(message, io.screen(), refused);
  };

  let prompt = promptOf(io.since(0)) ?? (await poke(io, deadline, timeoutMs));
  if (prompt === 'password') {
    // Someone else's half-finished login: an empty password brings back "login:".
    io.write('\n');
    prompt = await poke(io, deadline, timeoutMs);
  }
  let afterLogin = io.position;
  let atShell = prompt === 'shell';
  if (prompt === 'login') {
    io.write(`${credentials.username}\n`);
    const next = await io.waitFor(afterLogin, (t) => (LOGIN_FAILED.test(t) ? 'failed' : PASSWORD_PROMPT.test(t) ? 'password' : SHELL_PROMPT.test(t) ? 'shell' : undefined), {
      timeoutMs: remaining(),
      describe: `password prompt after user ${credentials.username}`,
    });
    if (next === 'failed') fail(`console login as ${credentials.username} was refused before the password`);
    afterLogin = io.position;
    if (next === 'password') io.write(`${credentials.password}\n`);
    atShell = next === 'shell';
  }
  if (atShell) io.write(prepLine(token));

  const ready = `__VPC_${token}_R__`;
  for (let sent = atShell; ; sent = true) {
    const seen = await io
      .waitFor(afterLogin, (t) => (t.includes(ready) ? 'ready' : LOGIN_FAILED.test(t) || LOGIN_PROMPT.test(t) ? 'failed' : !sent && SHELL_PROMPT.test(t) ? 'prompt' : undefined), {
        timeoutMs: Math.min(PREP_RETRY_MS, remaining()),
        describe: 'shell after login',
      })
      .catch((err: unknown) => {
        if (io.closed || Date.now() >= deadline) throw err;
        return 'quiet' as const;
      });
    if (seen === 'ready') return;
    if (seen === 'failed') fail(`console login as ${credentials.username} failed: wrong password`, true);
    io.write(prepLine(token));
  }
}

async function poke(io: ConsoleIo, deadline: number, timeoutMs: number): Promise<Prompt> {
  for (let wait = FIRST_POKE_MS; ; wait = Math.min(wait * 2, MAX_POKE_MS)) {
    const from = io.position;
    io.write('\n');
    try {
      return await io.waitFor(from, promptOf, { timeoutMs: Math.max(1, Math.min(wait, deadline - Date.now())), describe: 'login prompt' });
    } catch (err) {
      if (io.closed) throw err;
      if (Date.now() >= deadline) throw new SessionError(`no login prompt or shell prompt on the console within ${timeoutMs} ms`, io.screen());
    }
  }
}
