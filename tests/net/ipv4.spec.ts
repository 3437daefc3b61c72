import { expect, test } from '@playwright/test';
import { broadcast, contains, covers, firstHost, formatIPv4, isIPv4, isRfc1918, parseIPv4, parsePrefix, parsePrefixOrAddress } from '../../lib/net/ipv4.ts';

test('parses and formats addresses', () => {
  expect(formatIPv4(parseIPv4('169.254.0.2'))).toBe('169.254.0.2');
  expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
  for (const bad of ['10.1', '010.0.0.1', '256.0.0.1', '1.2.3.4.5', '', ' 1.2.3.4', '1.2.3.4/24']) {
    expect(isIPv4(bad), bad).toBe(false);
  }
});

test('prefixes keep the written address and clear host bits', () => {
  const p = parsePrefix('169.254.0.1/30');
  expect(formatIPv4(p.network)).toBe('169.254.0.0');
  expect(formatIPv4(p.address)).toBe('169.254.0.1');
  expect(formatIPv4(broadcast(p))).toBe('169.254.0.3');
  expect(formatIPv4(firstHost(parsePrefix('10.0.0.0/24')))).toBe('10.0.0.1');
  expect(() => parsePrefix('10.0.0.0/33')).toThrow(/prefix length/);
  expect(() => parsePrefix('10.0.0.0')).toThrow(/missing/);
  expect(parsePrefixOrAddress('10.0.0.9').length).toBe(32);
});

test('containment, coverage and RFC 1918', () => {
  expect(covers(parsePrefix('20.0.0.0/16'), parsePrefix('20.0.0.0/24'))).toBe(true);
  expect(covers(parsePrefix('20.0.0.0/16'), parsePrefix('20.1.0.0/24'))).toBe(false);
  expect(contains(parsePrefix('0.0.0.0/0'), parseIPv4('192.0.2.1'))).toBe(true);
  expect(isRfc1918(parseIPv4('172.20.10.1'))).toBe(true);
  expect(isRfc1918(parseIPv4('169.254.0.1'))).toBe(false);
});
