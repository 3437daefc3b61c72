// Per-run ed25519 SSH keys made in-process, in the formats sshd, cloud-init and ssh2 read: the
// private key as an unencrypted "openssh-key-v1" PEM, the public key as an authorized_keys line.
// No ssh-keygen, no key files: a cluster target has nowhere to keep them.
import ssh2 from 'ssh2';

export interface SshKeyPair {
  /** "-----BEGIN OPENSSH PRIVATE KEY-----" ... : never log it. */
  readonly privateKey: string;
  /** One authorized_keys / known_hosts line: "ssh-ed25519 AAAA... comment". */
  readonly publicKey: string;
}

const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';

export function generateSshKeyPair(comment = 'vpcheck'): SshKeyPair {
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
  // ssh2 wraps at 64 columns, ssh-keygen at 70. At 64 the last line is only the comment's padding,
  // the same in every key; at 70 every line carries key bytes, so a leak check can look for each.
  const body = pair.private.split('\n').filter((line) => line && line !== BEGIN && line !== END).join('');
  return { privateKey: [BEGIN, ...body.match(/.{1,70}/g)!, END, ''].join('\n'), publicKey: pair.public };
}

/** The key blob of a public key line, as the SSH wire carries it (what ssh2's host verifier compares). */
export function publicKeyBlob(publicKeyLine: string): Buffer {
  return Buffer.from(publicKeyLine.split(' ')[1] ?? '', 'base64');
}
