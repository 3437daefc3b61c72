// Generates pairs with vpcheck's generator and reads each back with ssh2, as its own process
// (tests/sessions/ssh-keys.spec.ts runs it with a deadline): prints a KeySurvey as JSON.
import { pathToFileURL } from 'node:url';
import ssh2, { type ParsedKey } from 'ssh2';
import { generateSshKeyPair, publicKeyBlob, type SshKeyPair } from '../../lib/sessions/ssh-keys.ts';

export interface KeySurvey {
  /** Pairs ssh2 misreads, with why. */
  readonly problems: readonly string[];
  /** Pairs whose public key begins with a zero byte (what ssh2's own generator mangles). */
  readonly leadingZero: number;
  /** For ssh-keygen: every leading-zero pair and one in every count/50. */
  readonly checked: readonly SshKeyPair[];
}

/** Where the 32-byte public key starts in an ed25519 key blob: after string "ssh-ed25519" and its string length. */
export const PUBLIC_KEY_AT = 4 + 'ssh-ed25519'.length + 4;

/** ssh2's reading of a key, or why it could not. */
function ssh2Parse(key: string): ParsedKey | Error {
  const parsed = ssh2.utils.parseKey(key);
  return Array.isArray(parsed) ? parsed[0]! : parsed;
}

/** What is wrong with a pair as ssh2 reads it, or undefined. */
export function ssh2Problem(pair: SshKeyPair): string | undefined {
  const privateKey = ssh2Parse(pair.privateKey);
  if (privateKey instanceof Error) return `private key: ${privateKey.message}`;
  const publicKey = ssh2Parse(pair.publicKey);
  if (publicKey instanceof Error) return `public key: ${publicKey.message}`;
  if (privateKey.type !== 'ssh-ed25519') return `private key of type ${privateKey.type}`;
  if (!privateKey.getPublicSSH().equals(publicKeyBlob(pair.publicKey))) return 'the private key holds another public key than the line';
  if (!publicKey.getPublicSSH().equals(publicKeyBlob(pair.publicKey))) return 'the public line parses to another blob';
  return undefined;
}

export function survey(count: number): KeySurvey {
  const problems: string[] = [];
  const checked: SshKeyPair[] = [];
  let leadingZero = 0;
  for (let i = 0; i < count; i++) {
    const pair = generateSshKeyPair();
    const problem = ssh2Problem(pair);
    if (problem) problems.push(`key ${i}: ${problem}\n${pair.publicKey}`);
    const zero = publicKeyBlob(pair.publicKey)[PUBLIC_KEY_AT] === 0;
    if (zero) leadingZero++;
    if (zero || i % Math.max(1, Math.floor(count / 50)) === 0) checked.push(pair);
  }
  return { problems, leadingZero, checked };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.stdout.write(JSON.stringify(survey(Number(process.argv[2]))));
