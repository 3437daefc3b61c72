// Per-run ed25519 SSH keys made in-process, in the formats sshd, cloud-init and ssh2 read: the
// private key as an unencrypted "openssh-key-v1" PEM, the public key as an authorized_keys line.
// No ssh-keygen, no key files: a cluster target has nowhere to keep them.
//
// Encoded here rather than by ssh2's utils.generateKeyPairSync: that one strips leading zero bytes
// from the 32-byte public key, so about one key in 256 is one its own parseKey rejects ("Malformed
// OpenSSH private key"; mscdex/ssh2#1513, #1390, ssh2 1.17.0) and a run with a key per VM fails.
// Here every key string keeps its fixed length.
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

export interface SshKeyPair {
  /** "-----BEGIN OPENSSH PRIVATE KEY-----" ... : never log it. */
  readonly privateKey: string;
  /** One authorized_keys / known_hosts line: "ssh-ed25519 AAAA... comment". */
  readonly publicKey: string;
}

const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';
const KEY_TYPE = 'ssh-ed25519';
/** The "none" cipher's block size, which the private section is padded to (openssh-portable cipher.c). */
const BLOCK = 8;

export function generateSshKeyPair(comment = 'vpcheck'): SshKeyPair {
  return sshKeyPairOf(generateKeyPairSync('ed25519').privateKey, comment);
}

/** A node:crypto ed25519 private key in OpenSSH's formats. */
export function sshKeyPairOf(key: KeyObject, comment: string): SshKeyPair {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') throw new Error(`an SSH key pair needs an ed25519 private key, not a ${key.type} ${key.asymmetricKeyType} key`);
  // Read from DER, not JWK: Node 20's JWK export of ed25519 keys hangs now and then (its main thread
  // parked on a futex; 4 of 4 plain 20,000-key loops with JWK export hung on this machine, 12 of 12
  // with DER finished), and a lab run makes a key each time.
  const seed = derTail(key.export({ format: 'der', type: 'pkcs8' }), PKCS8_PREFIX);
  const publicKey = derTail(createPublicKey(key).export({ format: 'der', type: 'spki' }), SPKI_PREFIX);
  const publicBlob = Buffer.concat([sshString(KEY_TYPE), sshString(publicKey)]);
  // The layout of openssh/openssh-portable PROTOCOL.key (rev 1.3) as sshkey.c sshkey_private_to_blob2
  // writes it (V_9_7_P1-1395-g0ef0f5a83): the magic with its NUL, cipher and KDF "none" with empty KDF
  // options, one key and its public blob, then the private section: two equal random check words, the
  // key as ssh-ed25519.c serializes it (type, public key, 64-byte secret = seed || public key), the
  // comment, and padding bytes 1, 2, 3... up to the cipher's block size.
  const check = randomBytes(4);
  const section = Buffer.concat([check, check, sshString(KEY_TYPE), sshString(publicKey), sshString(Buffer.concat([seed, publicKey])), sshString(comment)]);
  const padding = Buffer.from(Array.from({ length: (BLOCK - (section.length % BLOCK)) % BLOCK }, (_, i) => i + 1));
  const blob = Buffer.concat([Buffer.from('openssh-key-v1\0'), sshString('none'), sshString('none'), sshString(''), uint32(1), sshString(publicBlob), sshString(Buffer.concat([section, padding]))]);
  // Wrapped at 70 columns as ssh-keygen does (sshbuf_dtob64), not at ssh2's 64. At 64 the last line
  // is only the comment's padding, the same in every key; at 70 every line after the first (the
  // header, the same in every ed25519 key) carries key bytes, so a leak check can look for each.
  const body = blob.toString('base64').match(/.{1,70}/g)!;
  return { privateKey: [BEGIN, ...body, END, ''].join('\n'), publicKey: `${KEY_TYPE} ${publicBlob.toString('base64')} ${comment}` };
}

// RFC 8410's fixed DER encodings of an Ed25519 key, before its 32 bytes: PrivateKeyInfo (version 0,
// id-Ed25519, an OCTET STRING holding the seed as an OCTET STRING) and SubjectPublicKeyInfo
// (id-Ed25519, a BIT STRING with no unused bits). Both are fixed length, so no byte is ever dropped.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The 32 key bytes after an RFC 8410 prefix. */
function derTail(der: Buffer, prefix: Buffer): Buffer {
  if (der.length !== prefix.length + 32 || !der.subarray(0, prefix.length).equals(prefix)) throw new Error(`an ed25519 key's DER is not RFC 8410's: ${der.toString('hex')}`);
  return der.subarray(prefix.length);
}

/** The key blob of a public key line, as the SSH wire carries it (what ssh2's host verifier compares). */
export function publicKeyBlob(publicKeyLine: string): Buffer {
  return Buffer.from(publicKeyLine.split(' ')[1] ?? '', 'base64');
}

/** An SSH wire "string" (RFC 4251 section 5): its length as a uint32, then its bytes. */
function sshString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}
