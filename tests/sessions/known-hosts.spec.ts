// known_hosts as OpenSSH reads it, checked against files OpenSSH's own ssh-keygen wrote (hashed
// with -H), not against a second copy of the hashing.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { checkHostKey } from '../../lib/sessions/known-hosts.ts';
import { generateSshKeyPair, publicKeyBlob } from '../../lib/sessions/ssh-keys.ts';
import { tempFile } from '../support/cli.ts';

const a = generateSshKeyPair();
const b = generateSshKeyPair();
const blobA = publicKeyBlob(a.publicKey);
const blobB = publicKeyBlob(b.publicKey);
/** "ssh-ed25519 AAAA..." without the comment. */
const key = (pair: typeof a) => pair.publicKey.split(' ').slice(0, 2).join(' ');

test('plain names, ports in brackets, pattern lists, wildcards and negation', () => {
  const text = [
    '# a comment, then a blank line',
    '',
    `bastion.lab,10.0.0.5 ${key(a)} ops@laptop`,
    `[10.0.0.6]:2222 ${key(a)}`,
    `*.dc1.lab,!evil.dc1.lab ${key(b)}`,
  ].join('\n');
  expect(checkHostKey(text, 'bastion.lab', 22, blobA)).toBe('known');
  expect(checkHostKey(text, '10.0.0.5', 22, blobA)).toBe('known');
  expect(checkHostKey(text, 'BASTION.lab', 22, blobA)).toBe('known');
  expect(checkHostKey(text, '10.0.0.5', 2222, blobA)).toBe('unknown');
  expect(checkHostKey(text, '10.0.0.6', 2222, blobA)).toBe('known');
  expect(checkHostKey(text, '10.0.0.6', 22, blobA)).toBe('unknown');
  expect(checkHostKey(text, 'jump.dc1.lab', 22, blobB)).toBe('known');
  expect(checkHostKey(text, 'evil.dc1.lab', 22, blobB)).toBe('unknown');
  expect(checkHostKey(text, 'dc1.lab', 22, blobB)).toBe('unknown');
  // `.` is literal: 10.0.0.5 must not match 10a0b0c5.
  expect(checkHostKey(text, '10a0b0c5', 22, blobA)).toBe('unknown');
});

test('another key for a known host is "changed"; @revoked wins over any line; @cert-authority is not a host key', () => {
  const text = [`bastion.lab ${key(a)}`, `@cert-authority bastion.lab ${key(b)}`].join('\n');
  expect(checkHostKey(text, 'bastion.lab', 22, blobB)).toBe('changed');
  expect(checkHostKey(`${text}\n@revoked * ${key(a)}`, 'bastion.lab', 22, blobA)).toBe('revoked');
  expect(checkHostKey(`@revoked * ${key(b)}\n${text}`, 'bastion.lab', 22, blobA)).toBe('known');
  expect(checkHostKey('', 'bastion.lab', 22, blobA)).toBe('unknown');
});

test('entries hashed by ssh-keygen -H match their host and port, and only those', () => {
  const file = tempFile([`bastion.lab ${key(a)}`, `[10.0.0.6]:2222 ${key(b)}`].join('\n') + '\n', 'known_hosts_hashed');
  const hashed = spawnSync('ssh-keygen', ['-H', '-f', file], { encoding: 'utf8' });
  expect(hashed.status, hashed.stderr).toBe(0);
  const text = readFileSync(file, 'utf8');
  expect(text).not.toContain('bastion.lab');
  expect(text).toMatch(/^\|1\|/);
  expect(checkHostKey(text, 'bastion.lab', 22, blobA)).toBe('known');
  expect(checkHostKey(text, 'bastion.lab', 22, blobB)).toBe('changed');
  expect(checkHostKey(text, 'other.lab', 22, blobA)).toBe('unknown');
  expect(checkHostKey(text, '10.0.0.6', 2222, blobB)).toBe('known');
  expect(checkHostKey(text, '10.0.0.6', 22, blobB)).toBe('unknown');
});
