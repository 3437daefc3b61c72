// --ssh-jump and its identity and known_hosts (run's flags, or the e2e suite's VPCHECK_SSH_JUMP*),
// read once before anything is built, so a typo or an encrypted key is exit 2 at once rather than
// a failed login per VM after the cluster work.
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { parseJumpHost, type SshJumpOptions } from './ssh-jump.ts';

export interface SshJumpFlags {
  /** [user@]host[:port] */
  readonly sshJump?: string;
  readonly sshJumpIdentity?: string;
  readonly sshJumpKnownHosts?: string;
}

/** OpenSSH's default identities, in the order ssh(1) tries them. */
const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export class SshJumpFlagError extends Error {}

function readIdentity(file: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw new SshJumpFlagError(`--ssh-jump-identity ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error) {
    const hint = /encrypted|passphrase/i.test(parsed.message) ? '; vpcheck asks for no passphrase: add the key to ssh-agent (ssh-add) and leave out --ssh-jump-identity' : '';
    throw new SshJumpFlagError(`--ssh-jump-identity ${file}: not a usable private key (${parsed.message})${hint}`);
  }
  return data;
}

/** Undefined without --ssh-jump; throws SshJumpFlagError naming the flag and file at fault. */
export function sshJumpOptions(flags: SshJumpFlags, env: NodeJS.ProcessEnv = process.env, home = homedir()): SshJumpOptions | undefined {
  if (!flags.sshJump) {
    const stray = flags.sshJumpIdentity ? '--ssh-jump-identity' : flags.sshJumpKnownHosts ? '--ssh-jump-known-hosts' : undefined;
    if (stray) throw new SshJumpFlagError(`${stray} needs --ssh-jump`);
    return undefined;
  }
  let jump;
  try {
    jump = parseJumpHost(flags.sshJump, env.USER ?? userInfo().username);
  } catch (err) {
    throw new SshJumpFlagError(`--ssh-jump ${(err as Error).message}`);
  }
  const knownHostsFile = flags.sshJumpKnownHosts ?? join(home, '.ssh', 'known_hosts');
  // No file is no known host: the connection then says how to add the jump host.
  const knownHosts = existsSync(knownHostsFile) ? readFileSync(knownHostsFile, 'utf8') : '';
  const identity = flags.sshJumpIdentity ?? (env.SSH_AUTH_SOCK ? undefined : DEFAULT_IDENTITIES.map((f) => join(home, '.ssh', f)).find((f) => existsSync(f)));
  if (!identity && !env.SSH_AUTH_SOCK) throw new SshJumpFlagError(`--ssh-jump ${flags.sshJump}: no key to log in with: give --ssh-jump-identity FILE, run an ssh-agent (SSH_AUTH_SOCK), or keep a key at ~/.ssh/${DEFAULT_IDENTITIES.join(', ')}`);
  return {
    jump,
    ...(identity ? { privateKey: readIdentity(identity) } : { agent: env.SSH_AUTH_SOCK! }),
    knownHosts,
    knownHostsFile,
  };
}
