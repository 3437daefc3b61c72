// The byte streams sessions use to reach a lab VM: a serial console (a pty running login.sh in
// the VM's namespace) and a TCP stream to the VM's own sshd, which starts on first use only
// (a sshd per VM up front would cost memory for nothing).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildStream } from '../../sessions/child-stream.ts';
import { spawnStream } from '../../sessions/child-stream.ts';
import { spawnPty } from '../../sessions/pty.ts';
import { projectFile } from '../../project-files.ts';
import { TargetError } from '../target.ts';
import { AUTHORIZED_KEYS, CONSOLE_CREDENTIALS, HOST_KEY } from './credentials.ts';
import type { VmPlan } from './host-plan.ts';
import { shellQuote } from '../../sessions/quote.ts';

const LOGIN = projectFile('lib/targets/lab/login.sh');
const SSHD_START_MS = 10_000;

/**
 * A pty with the VM's login prompt; only what the console needs reaches its environment.
 * `bootLog`: what the guest printed while booting (its DHCP client's output), shown before it.
 */
export function openConsole(vm: VmPlan, runDir: string, bootLog?: string): ChildStream {
  const command = ['ip', 'netns', 'exec', vm.namespace, 'bash', LOGIN, vm.name, join(runDir, CONSOLE_CREDENTIALS), ...(bootLog ? [bootLog] : [])].map(shellQuote).join(' ');
  return spawnPty(command, { env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', TERM: 'vt100', LANG: 'C.UTF-8' } });
}

/** An sshd inside a namespace, listening on ip:22, with key logins only. */
export interface SshdSpec {
  /** Names it in errors. */
  readonly vm: string;
  readonly namespace: string;
  readonly ip: string;
  /** 22 unless given. */
  readonly port?: number;
  /** Holds its config, pid file and log. */
  readonly dir: string;
  readonly hostKey: string;
  readonly authorizedKeys: string;
  /**
   * The guest's login user (uid 0), in passwd and shadow files that only this sshd sees, bound
   * over /etc's in the mount namespace `ip netns exec` makes for it (never the machine's), with a
   * home of its own holding /etc/skel as a fresh cloud image's does. The machine's own home
   * directories stay out: a root .bashrc that sets up pyenv cost every lab login 120 ms.
   */
  readonly user: string;
}

/** The lab's own sshd of a VM: root, with the run's keys. */
export function labSshd(vm: VmPlan, runDir: string): SshdSpec {
  return { vm: vm.name, namespace: vm.namespace, ip: vm.ip, dir: join(runDir, 'sshd', vm.name), hostKey: join(runDir, HOST_KEY), authorizedKeys: join(runDir, AUTHORIZED_KEYS), user: 'root' };
}

/** passwd (the machine's, with `user` as uid 0 at `home`), shadow (`user` only, no password) and the home. */
async function writeAccounts(spec: SshdSpec): Promise<{ passwd: string; shadow: string }> {
  const home = join(spec.dir, 'home');
  const passwd = join(spec.dir, 'passwd');
  const shadow = join(spec.dir, 'shadow');
  const others = (await readFile('/etc/passwd', 'utf8')).split('\n').filter((l) => l && !l.startsWith(`${spec.user}:`));
  await mkdir(home, { recursive: true, mode: 0o700 });
  if (existsSync('/etc/skel')) await cp('/etc/skel', home, { recursive: true });
  // "*": no password; sshd's key login goes through PAM (UsePAM), which does not ask for one.
  await Promise.all([
    writeFile(passwd, [...others, `${spec.user}:x:0:0:${spec.user}:${home}:/bin/bash`, ''].join('\n')),
    writeFile(shadow, `${spec.user}:*:20000:0:99999:7:::\n`, { mode: 0o600 }),
  ]);
  return { passwd, shadow };
}

function sshdConfig(spec: SshdSpec): string {
  return [
    `ListenAddress ${spec.ip}:${spec.port ?? 22}`,
    `HostKey ${spec.hostKey}`,
    `PidFile ${join(spec.dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${spec.authorizedKeys}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    // The guest user has no password ("*"): only PAM lets key logins through.
    'UsePAM yes',
    'StrictModes no',
    'PrintMotd no',
    '',
  ].join('\n');
}

/** Starts the sshd unless it runs; ready once it has written its pid file (after listening). */
export async function ensureSshd(spec: SshdSpec): Promise<void> {
  const pidFile = join(spec.dir, 'sshd.pid');
  if (existsSync(pidFile)) return;
  await mkdir(spec.dir, { recursive: true });
  await mkdir('/run/sshd', { recursive: true });
  const config = join(spec.dir, 'sshd_config');
  const [accounts] = await Promise.all([writeAccounts(spec), writeFile(config, sshdConfig(spec))]);
  const sshd = ['/usr/sbin/sshd', '-D', '-f', config, '-E', join(spec.dir, 'sshd.log')];
  const bind = ['sh', '-c', 'mount --bind "$0" /etc/passwd && mount --bind "$1" /etc/shadow && shift && exec "$@"', accounts.passwd, accounts.shadow];
  const child = spawn('ip', ['netns', 'exec', spec.namespace, ...bind, ...sshd], { detached: true, stdio: 'ignore' });
  child.unref();
  const deadline = Date.now() + SSHD_START_MS;
  while (!existsSync(pidFile)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new TargetError(`lab: sshd of VM ${spec.vm} did not start (see ${join(spec.dir, 'sshd.log')})`);
    await sleep(10);
  }
}

/** A TCP stream to the VM's sshd, relayed by socat inside the VM's namespace. */
export function openSshRelay(vm: VmPlan): ChildStream {
  return spawnStream('ip', ['netns', 'exec', vm.namespace, 'socat', 'STDIO', `TCP:${vm.ip}:22`]);
}
