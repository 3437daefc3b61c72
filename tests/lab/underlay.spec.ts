// A run's underlay /24 (names.ts underlayPrefix): the southbound database holds one Encap per
// (type, ip), so runs sharing a lab must not pick the same addresses.
import { expect, test } from '@playwright/test';
import { underlayPrefix } from '../../lib/targets/lab/names.ts';

test('a run starts at the /24 its id hashes to, inside 172.16.0.0/12, and skips those in use', () => {
  const first = underlayPrefix('run-a', new Set());
  expect(first).toMatch(/^172\.(1[6-9]|2\d|3[01])\.\d{1,3}$/);
  expect(underlayPrefix('run-a', new Set())).toBe(first);
  const next = underlayPrefix('run-a', new Set([first]));
  expect(next).not.toBe(first);
  expect(next).toMatch(/^172\.(1[6-9]|2\d|3[01])\.\d{1,3}$/);
  // Different runs spread over the range.
  const ids = Array.from({ length: 50 }, (_, i) => `run-${i}`);
  expect(new Set(ids.map((id) => underlayPrefix(id, new Set()))).size).toBeGreaterThan(45);
});

test('a full range is an error, not a shared address', () => {
  const all = new Set(Array.from({ length: 4096 }, (_, b) => `172.${16 + (b >> 8)}.${b & 0xff}`));
  expect(() => underlayPrefix('run-a', all)).toThrow(/in use/);
});
