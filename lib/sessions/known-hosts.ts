// Host keys of a jump host checked the way OpenSSH checks them (StrictHostKeyChecking yes): the
// user's known_hosts file decides, vpcheck never adds to it. Format from sshd(8) "SSH_KNOWN_HOSTS
// FILE FORMAT": [marker] patterns keytype base64-key [comment]; a pattern list is comma separated,
// `*` and `?` wildcards, `!` negates, `[host]:port` for a port other than 22, and a hashed entry
// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))` hides the name (HashKnownHosts).
import { createHmac } from 'node:crypto';

export type HostKeyVerdict =
  /** A line for this host lists the key. */
  | 'known'
  /** Lines for this host exist, none with this key: the key changed, or someone is in between. */
  | 'changed'
  /** No line for this host. */
  | 'unknown'
  /** An @revoked line lists the key. */
  | 'revoked';

/** The name known_hosts stores for host:port. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function wildcard(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

function hashedMatch(entry: string, name: string): boolean {
  const [, magic, salt, hash] = entry.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** Whether a line's pattern list names the host: some pattern matches and no negated one does. */
function patternsMatch(patterns: string, name: string): boolean {
  let matched = false;
  for (const p of patterns.split(',')) {
    if (p.startsWith('|')) matched ||= hashedMatch(p, name);
    else if (p.startsWith('!')) {
      if (wildcard(p.slice(1), name)) return false;
    } else matched ||= wildcard(p, name);
  }
  return matched;
}

/** The verdict of known_hosts `text` on `key` (the wire blob) presented by host:port. */
export function checkHostKey(text: string, host: string, port: number, key: Buffer): HostKeyVerdict {
  const name = knownHostsName(host, port);
  let listed = false;
  let known = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]!.startsWith('@') ? fields.shift() : undefined;
    const [patterns, , blob] = fields;
    // @cert-authority lines sign host certificates, which the jump connection does not ask for.
    if (!patterns || !blob || marker === '@cert-authority' || !patternsMatch(patterns, name)) continue;
    const same = Buffer.from(blob, 'base64').equals(key);
    // A revoked key is refused whatever other lines say, so every line is read.
    if (marker === '@revoked') {
      if (same) return 'revoked';
    } else {
      known ||= same;
      listed = true;
    }
  }
  if (known) return 'known';
  return listed ? 'changed' : 'unknown';
}
