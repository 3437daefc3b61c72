// Per-run credentials for the VMs' console and sshd, generated fresh with ssh-keygen and kept in
// the run's directory (mode 0700). They are handed to sessions, never logged.
import { randomBytes } from 'node:crypto';
import { registerSecret } from '../../secrets/redact.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './proc.ts';

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

export async function createCredentials(runDir: string): Promise<LabCredentials> {
  const key = (name: string) => run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'vpcheck', '-f', join(runDir, name)]);
  await Promise.all([key('client_ed25519'), key('host_ed25519')]);
  const username = 'root';
  const password = randomBytes(12).toString('base64url');
  // Reports and logs must never show it, whatever output it ends up in.
  registerSecret(password);
  await writeFile(join(runDir, CONSOLE_CREDENTIALS), `${username}\n${password}\n`, { mode: 0o600 });
  const publicKey = await readFile(join(runDir, 'client_ed25519.pub'), 'utf8');
  await writeFile(join(runDir, 'authorized_keys'), publicKey, { mode: 0o600 });
  return {
    username,
    password,
    privateKey: await readFile(join(runDir, 'client_ed25519'), 'utf8'),
    hostPublicKey: (await readFile(join(runDir, 'host_ed25519.pub'), 'utf8')).trim(),
  };
}

/** The key blob as the SSH wire protocol carries it (what ssh2's host verifier compares). */
export function hostKeyBlob(publicKeyLine: string): Buffer {
  return Buffer.from(publicKeyLine.split(' ')[1] ?? '', 'base64');
}
