// Keys made in-process are what OpenSSH and ssh2 read: ssh-keygen derives the same public key
// from the private one, ssh2 parses it to the same blob, and every call makes a new pair.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import ssh2 from 'ssh2';
import { generateSshKeyPair, publicKeyBlob } from '../../lib/sessions/ssh-keys.ts';

test('an ed25519 pair in OpenSSH formats: ssh-keygen and ssh2 agree with its public line; pairs differ', async () => {
  const pair = generateSshKeyPair('vpcheck-test');
  expect(pair.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n([A-Za-z0-9+/=]{1,70}\n)+-----END OPENSSH PRIVATE KEY-----\n$/);
  expect(pair.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} vpcheck-test$/);
  const dir = mkdtempSync(join(tmpdir(), 'vpcheck-keys-'));
  try {
    writeFileSync(join(dir, 'key'), pair.privateKey, { mode: 0o600 });
    const derived = (await execa('ssh-keygen', ['-y', '-f', join(dir, 'key')])).stdout.trim();
    expect(derived.split(' ').slice(0, 2)).toEqual(pair.publicKey.split(' ').slice(0, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const parsed = ssh2.utils.parseKey(pair.privateKey);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  expect(key.type).toBe('ssh-ed25519');
  expect(key.getPublicSSH().equals(publicKeyBlob(pair.publicKey))).toBe(true);
  expect(generateSshKeyPair().publicKey).not.toBe(generateSshKeyPair().publicKey);
});
