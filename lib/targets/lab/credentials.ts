// Per-run credentials for the VMs' console and sshd, generated fresh and kept in the run's
// directory (mode 0700) where the console's login and sshd read them. They are handed to
// sessions, never logged.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerSecret } from '../../secrets/redact.ts';
import { generateSshKeyPair } from '../../sessions/ssh-keys.ts';

export interface LabCredentials {
  /** sshd maps users to real accounts and root is the only one on a lab machine. */
  readonly username: string;
  readonly password: string;
  /** OpenSSH private key (ed25519) authorized on every VM's sshd. */
  readonly privateKey: string;
  /** The VMs' host public key, one OpenSSH line "ssh-ed25519 AAAA...". */
  readonly hostPublicKey: string;
}

export const CONSOLE_CREDENTIALS = 'console-credentials';
/** The files every lab VM's sshd reads, in the run directory. */
export const HOST_KEY = 'host_ed25519';
export const AUTHORIZED_KEYS = 'authorized_keys';

export async function createCredentials(runDir: string): Promise<LabCredentials> {
  const client = generateSshKeyPair();
  const host = generateSshKeyPair();
  const username = 'root';
  const password = randomBytes(12).toString('base64url');
  // Reports and logs must never show them, whatever output they end up in.
  for (const secret of [password, client.privateKey, host.privateKey]) registerSecret(secret);
  // sshd refuses a host key that others may read.
  await Promise.all([
    writeFile(join(runDir, CONSOLE_CREDENTIALS), `${username}\n${password}\n`, { mode: 0o600 }),
    writeFile(join(runDir, HOST_KEY), host.privateKey, { mode: 0o600 }),
    writeFile(join(runDir, AUTHORIZED_KEYS), `${client.publicKey}\n`, { mode: 0o600 }),
  ]);
  return { username, password, privateKey: client.privateKey, hostPublicKey: host.publicKey };
}
