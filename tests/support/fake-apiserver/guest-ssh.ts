// cloud-init's SSH part on the fake's VMs, which are lab VMs: the VM's sshd gets the host key of
// the user-data's ssh_keys and the first user's ssh_authorized_keys (canonical/cloud-init:
// cloudinit/config/cc_ssh.py, cloudinit/distros/__init__.py create_user). That user exists only
// in the guest, so this sshd alone sees it, as a uid-0 account (the user-data gives it sudo ALL
// anyway). Started on the first port-forward to port 22, as the lab starts its own sshd on first
// use, or at boot when the fake is asked to (sshdAtBoot).
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunNames } from '../../../lib/targets/lab/names.ts';
import { ensureSshd, type SshdSpec } from '../../../lib/targets/lab/vm-streams.ts';
import type { ConsoleTarget } from './reconcile.ts';

export class GuestSshd {
  /** Starts under way: two port-forwards at once must not start two sshds. */
  private readonly starting = new Map<string, Promise<void>>();

  /**
   * Starts the sshd of the guest unless it runs (a VM rebuilt in a later phase lost its sshd
   * with its namespace); throws when its user-data has no SSH part.
   */
  ensure(target: ConsoleTarget): Promise<void> {
    const dir = join(new RunNames(target.lab.runId).runDir, 'guest-sshd', target.vm);
    const start = this.starting.get(dir) ?? this.start(target, dir).finally(() => this.starting.delete(dir));
    this.starting.set(dir, start);
    return start;
  }

  private async start(target: ConsoleTarget, dir: string): Promise<void> {
    // Running already (ensureSshd's own check): every reconcile with sshdAtBoot comes here.
    if (existsSync(join(dir, 'sshd.pid'))) return;
    const user = target.guest.config?.users[0];
    const hostKey = target.guest.config?.hostKey;
    if (!user?.authorizedKeys.length || !hostKey) throw new Error(`the user-data of ${target.vm} has no ssh_authorized_keys or ssh_keys.ed25519_private`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const spec: SshdSpec = {
      vm: target.vm,
      namespace: target.lab.namespace(target.vm),
      ip: target.lab.vm(target.vm).ip,
      dir,
      hostKey: join(dir, 'ssh_host_ed25519_key'),
      authorizedKeys: join(dir, 'authorized_keys'),
      user: user.name,
    };
    // sshd refuses a host key that others may read.
    await Promise.all([
      writeFile(spec.hostKey, hostKey, { mode: 0o600 }),
      writeFile(spec.authorizedKeys, `${user.authorizedKeys.join('\n')}\n`, { mode: 0o600 }),
    ]);
    await ensureSshd(spec);
  }
}
