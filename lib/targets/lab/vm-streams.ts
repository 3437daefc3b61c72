// The byte streams sessions use to reach a lab VM: a serial console (a pty running login.sh in
// the VM's namespace) and a TCP stream to the VM's own sshd, which starts on first use only
// (a sshd per VM up front would cost memory for nothing).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildStream } from '../../sessions/child-stream.ts';
import { spawnStream } from '../../sessions/child-stream.ts';
import { spawnPty } from '../../sessions/pty.ts';
import { TargetError } from '../target.ts';
import { CONSOLE_CREDENTIALS } from './credentials.ts';
import type { VmPlan } from './host-plan.ts';
import { shellQuote } from './proc.ts';

const LOGIN = fileURLToPath(new URL('./login.sh', import.meta.url));
const SSHD_START_MS = 10_000;

/** A pty with the VM's login prompt; only what the console needs reaches its environment. */
export function openConsole(vm: VmPlan, runDir: string): ChildStream {
  const command = ['ip', 'netns', 'exec', vm.namespace, 'bash', LOGIN, vm.name, join(runDir, CONSOLE_CREDENTIALS)].map(shellQuote).join(' ');
  return spawnPty(command, { env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', TERM: 'vt100', LANG: 'C.UTF-8', SHELL: '/bin/sh' } });
}

function sshdConfig(vm: VmPlan, runDir: string, dir: string): string {
  return [
    `ListenAddress ${vm.ip}:22`,
    `HostKey ${join(runDir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(runDir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    // root's password is locked on these machines: only PAM lets key logins through.
    'UsePAM yes',
    'StrictModes no',
    'PrintMotd no',
    '',
  ].join('\n');
}

/** Starts the VM's sshd unless it runs; ready once it has written its pid file (after listening). */
export async function ensureSshd(vm: VmPlan, runDir: string): Promise<void> {
  const dir = join(runDir, 'sshd', vm.name);
  const pidFile = join(dir, 'sshd.pid');
  if (existsSync(pidFile)) return;
  await mkdir(dir, { recursive: true });
  await mkdir('/run/sshd', { recursive: true });
  const config = join(dir, 'sshd_config');
  await writeFile(config, sshdConfig(vm, runDir, dir));
  const child = spawn('ip', ['netns', 'exec', vm.namespace, '/usr/sbin/sshd', '-D', '-f', config, '-E', join(dir, 'sshd.log')], { detached: true, stdio: 'ignore' });
  child.unref();
  const deadline = Date.now() + SSHD_START_MS;
  while (!existsSync(pidFile)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new TargetError(`lab: sshd of VM ${vm.name} did not start (see ${join(dir, 'sshd.log')})`);
    await sleep(10);
  }
}

/** A TCP stream to the VM's sshd, relayed by socat inside the VM's namespace. */
export function openSshRelay(vm: VmPlan): ChildStream {
  return spawnStream('ip', ['netns', 'exec', vm.namespace, 'socat', 'STDIO', `TCP:${vm.ip}:22`]);
}
