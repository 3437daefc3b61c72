// The OVN match subset of router policies: what parses, what OVN rejects and where, and how a
// parsed match judges packets (the model's policy decisions rest on it).
import { expect, test } from '@playwright/test';
import { addressSetsOf, evaluateMatch, parseMatch, renameSets, type MatchExpr } from '../../lib/topology/ovn-match.ts';
import { parseIPv4 } from '../../lib/net/ipv4.ts';

const parsed = (text: string): MatchExpr => {
  const r = parseMatch(text);
  if (!r.ok) throw new Error(`${text}: ${r.message}`);
  return r.expr;
};
const sets = new Map([['web.node.1_ip4', new Set([parseIPv4('10.0.0.5')])]]);
const holds = (text: string, src: string, dst: string) =>
  evaluateMatch(parsed(text), { src: parseIPv4(src), dst: parseIPv4(dst) }, (n) => sets.get(n) ?? new Set());

test('matches of Kube-OVN and of users parse and judge packets as OVN does', () => {
  expect(holds('ip4.dst == 10.1.0.0/16', '10.0.0.5', '10.1.2.3')).toBe(true);
  expect(holds('ip4.dst == 10.1.0.0/16', '10.0.0.5', '10.2.0.1')).toBe(false);
  expect(holds('ip4.src == $web.node.1_ip4', '10.0.0.5', '1.1.1.1')).toBe(true);
  expect(holds('ip4.src == $web.node.1_ip4', '10.0.0.6', '1.1.1.1')).toBe(false);
  // An unknown address set is empty.
  expect(holds('ip4.src == $nope_ip4', '10.0.0.5', '1.1.1.1')).toBe(false);
  // != over a set: none of the values.
  expect(holds('ip4.dst != {10.1.0.0/16, 10.2.0.0/16}', '10.0.0.5', '10.3.0.1')).toBe(true);
  expect(holds('ip4.dst != {10.1.0.0/16 10.2.0.0/16}', '10.0.0.5', '10.2.0.1')).toBe(false);
  expect(holds('ip4 && !(ip4.src == 10.0.0.0/24 || ip4.dst == 192.0.2.1)', '10.0.1.1', '192.0.2.2')).toBe(true);
  expect(holds('ip4 && !(ip4.src == 10.0.0.0/24 || ip4.dst == 192.0.2.1)', '10.0.0.1', '192.0.2.2')).toBe(false);
  expect(holds('ip4.dst == 0.0.0.0/0', '10.0.0.1', '8.8.4.4')).toBe(true);
  expect(addressSetsOf(parsed('ip4.src == {$a_ip4, 10.0.0.1} && !(ip4.dst == $b)'))).toEqual(['a_ip4', 'b']);
  expect(renameSets('ip4.src == $a.b_ip4 && ip4.dst == 10.0.0.0/8', (n) => `run.${n}`)).toBe('ip4.src == $run.a.b_ip4 && ip4.dst == 10.0.0.0/8');
});

test('what OVN rejects is an error at the offending character', () => {
  const cases: [string, number, RegExp][] = [
    ['ip4.dst == 10.0.0.0/8 && ip4.src == 1.2.3.4 || ip4.dst == 1.1.1.1', 44, /must be parenthesized/],
    ['ip4.dst == 10.0.0.1/8', 11, /unmasked 1-bits/],
    ['ip4.dst = 10.0.0.0/8', 8, /unexpected character "="/],
    ['ip4.dst == 10.0.0.300', 11, /not an IPv4 address or CIDR/],
    ['ip4.dst == {}', 11, /empty set/],
    ['(ip4.dst == 10.0.0.0/8', 22, /"\)" should follow/],
    ['ip4.dst == 10.0.0.0/8)', 21, /unexpected "\)"/],
    ['tcp.dst == 80', 0, /unsupported field "tcp\.dst"/],
    ['ip4.src == $', 11, /address-set name must follow/],
    ['', 0, /empty/],
  ];
  for (const [text, offset, message] of cases) {
    const r = parseMatch(text);
    expect(r.ok, text).toBe(false);
    if (!r.ok) {
      expect(r.offset, text).toBe(offset);
      expect(r.message, text).toMatch(message);
    }
  }
});
