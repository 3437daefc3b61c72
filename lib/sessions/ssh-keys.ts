// Per-run ed25519 SSH keys made in-process, in the formats sshd, cloud-init and ssh2 read: the
// private key as an unencrypted "openssh-key-v1" PEM (openssh/openssh-portable:PROTOCOL.key), the
// public key as an authorized_keys line whose blob is string "ssh-ed25519" + string key
// (RFC 8709 section 4). No ssh-keygen, no key files: a cluster target has nowhere to keep them.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

export interface SshKeyPair {
  /** "-----BEGIN OPENSSH PRIVATE KEY-----" ... : never log it. */
  readonly privateKey: string;
  /** One authorized_keys / known_hosts line: "ssh-ed25519 AAAA... comment". */
  readonly publicKey: string;
}

const KEY_TYPE = 'ssh-ed25519';
/** PROTOCOL.key pads the private section to the cipher's block size; 8 for cipher "none". */
const BLOCK = 8;
const LINE = 70;

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** The SSH wire "string": a 32-bit length, then the bytes. */
function sshString(data: string | Buffer): Buffer {
  const bytes = Buffer.from(data);
  return Buffer.concat([uint32(bytes.length), bytes]);
}

export function generateSshKeyPair(comment = 'vpcheck'): SshKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const blob = Buffer.concat([sshString(KEY_TYPE), sshString(pub)]);
  // The repeated check word is how a reader tells a wrong passphrase; here it is merely required.
  const check = randomBytes(4);
  const section = Buffer.concat([check, check, sshString(KEY_TYPE), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)]);
  const padding = Buffer.from(Array.from({ length: (BLOCK - (section.length % BLOCK)) % BLOCK }, (_, i) => i + 1));
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'), sshString('none'), sshString(''),
    uint32(1), sshString(blob),
    sshString(Buffer.concat([section, padding])),
  ]).toString('base64');
  const lines = body.match(new RegExp(`.{1,${LINE}}`, 'g'))!;
  return {
    privateKey: ['-----BEGIN OPENSSH PRIVATE KEY-----', ...lines, '-----END OPENSSH PRIVATE KEY-----', ''].join('\n'),
    publicKey: `${KEY_TYPE} ${blob.toString('base64')} ${comment}`,
  };
}

/** The key blob of a public key line, as the SSH wire carries it (what ssh2's host verifier compares). */
export function publicKeyBlob(publicKeyLine: string): Buffer {
  return Buffer.from(publicKeyLine.split(' ')[1] ?? '', 'base64');
}
