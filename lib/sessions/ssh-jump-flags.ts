// The user's own hosts vpcheck logs in to over SSH: --ssh-jump (VMs reached through it) and
// --external-host (probes `from: external`), each with its identity and known_hosts (run's flags,
// or the e2e suite's VPCHECK_SSH_JUMP*), read once before anything is built, so a typo or an
// encrypted key is exit 2 at once rather than a failed login per VM after the cluster work.
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

/** The three flags naming one of the user's hosts: the host, its identity file, its known_hosts. */
interface HostFlagNames {
  readonly host: string;
  readonly identity: string;
  readonly knownHosts: string;
}

const JUMP_FLAGS: HostFlagNames = { host: '--ssh-jump', identity: '--ssh-jump-identity', knownHosts: '--ssh-jump-known-hosts' };
const EXTERNAL_FLAGS: HostFlagNames = { host: '--external-host', identity: '--external-host-identity', knownHosts: '--external-host-known-hosts' };

function readIdentity(flag: string, file: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw new SshJumpFlagError(`${flag} ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error) {
    const hint = /encrypted|passphrase/i.test(parsed.message) ? `; vpcheck asks for no passphrase: add the key to ssh-agent (ssh-add) and leave out ${flag}` : '';
    throw new SshJumpFlagError(`${flag} ${file}: not a usable private key (${parsed.message})${hint}`);
  }
  return data;
}

/** Undefined without --ssh-jump; throws SshJumpFlagError naming the flag and file at fault. */
export function sshJumpOptions(flags: SshJumpFlags, env: NodeJS.ProcessEnv = process.env, home = homedir()): SshJumpOptions | undefined {
  return userHostOptions(JUMP_FLAGS, flags.sshJump, flags.sshJumpIdentity, flags.sshJumpKnownHosts, env, home);
}

export interface ExternalHostFlags {
  /** [user@]host[:port] of a host on the external network, for probes `from: external`. */
  readonly externalHost?: string;
  readonly externalHostIdentity?: string;
  readonly externalHostKnownHosts?: string;
}

/** Undefined without --external-host; the same rules as --ssh-jump, under its own flag names. */
export function externalHostOptions(flags: ExternalHostFlags, env: NodeJS.ProcessEnv = process.env, home = homedir()): SshJumpOptions | undefined {
  return userHostOptions(EXTERNAL_FLAGS, flags.externalHost, flags.externalHostIdentity, flags.externalHostKnownHosts, env, home);
}

function userHostOptions(names: HostFlagNames, host: string | undefined, identityFile: string | undefined, knownHostsFlag: string | undefined, env: NodeJS.ProcessEnv, home: string): SshJumpOptions | undefined {
  if (!host) {
    const stray = identityFile ? names.identity : knownHostsFlag ? names.knownHosts : undefined;
    if (stray) throw new SshJumpFlagError(`${stray} needs ${names.host}`);
    return undefined;
  }
  let jump;
  try {
    jump = parseJumpHost(host, env.USER ?? userInfo().username);
  } catch (err) {
    throw new SshJumpFlagError(`${names.host} ${(err as Error).message}`);
  }
  const knownHostsFile = knownHostsFlag ?? join(home, '.ssh', 'known_hosts');
  // No file is no known host: the connection then says how to add the host.
  const knownHosts = existsSync(knownHostsFile) ? readFileSync(knownHostsFile, 'utf8') : '';
  const identity = identityFile ?? (env.SSH_AUTH_SOCK ? undefined : DEFAULT_IDENTITIES.map((f) => join(home, '.ssh', f)).find((f) => existsSync(f)));
  if (!identity && !env.SSH_AUTH_SOCK) throw new SshJumpFlagError(`${names.host} ${host}: no key to log in with: give ${names.identity} FILE, run an ssh-agent (SSH_AUTH_SOCK), or keep a key at ~/.ssh/${DEFAULT_IDENTITIES.join(', ')}`);
  return {
    jump,
    ...(identity ? { privateKey: readIdentity(names.identity, identity) } : { agent: env.SSH_AUTH_SOCK! }),
    knownHosts,
    knownHostsFile,
    flag: names.host,
  };
}
