// JUnit XML: one testsuite per phase, one testcase per cell, failures and errors carrying the
// evidence; well-formed (checked by Chromium's XML parser) even with hostile names.
import { expect, test } from '@playwright/test';
import { renderJunit } from '../../lib/report/junit.ts';
import { sampleResult } from './fixtures.ts';

test.use({ launchOptions: { executablePath: '/usr/bin/chromium' } });

/** Parses XML in the browser: the parser's error, or the document summarised. */
async function parse(page: import('@playwright/test').Page, xml: string) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const error = doc.querySelector('parsererror');
    if (error) return { error: error.textContent };
    const attrs = (e: Element) => Object.fromEntries([...e.attributes].map((a) => [a.name, a.value]));
    return {
      root: attrs(doc.documentElement),
      suites: [...doc.querySelectorAll('testsuite')].map((s) => ({
        attrs: attrs(s),
        cases: [...s.querySelectorAll('testcase')].map((c) => ({
          name: c.getAttribute('name'),
          kind: c.firstElementChild?.tagName ?? 'pass',
          message: c.firstElementChild?.getAttribute('message') ?? '',
          body: c.firstElementChild?.textContent ?? '',
        })),
      })),
    };
  }, xml);
}

test('one suite per phase, one case per cell, counts right, failures carry reason, guests\' view, tries and reproduction', async ({ page }) => {
  const doc = await parse(page, renderJunit(sampleResult()));
  if ('error' in doc) throw new Error(`invalid XML: ${doc.error}`);
  expect(doc.root).toMatchObject({ tests: '20', failures: '2', errors: '1' });
  expect(doc.suites.map(({ attrs: a }) => [a['name'], a['tests'], a['failures'], a['errors']])).toEqual([
    ['peering-demo — phase initial', '10', '0', '0'],
    ['peering-demo — phase return route removed', '10', '2', '1'],
  ]);
  const failing = doc.suites[1]!.cases;
  expect(failing.map((c) => c.name)).toContain('vm-a1 -> vm-b1 tcp/443');
  const cell = failing.find((c) => c.name === 'vm-a1 -> vm-b1 icmp')!;
  expect(cell.kind).toBe('failure');
  expect(cell.message).toBe('expected reachable, observed timeout: vpc-b has no route to 10.1.0.2');
  expect(cell.body).toContain('after 1 try');
  expect(cell.body).toContain('model: vpc-b has no route to 10.1.0.2\nvm-a1 guest: 10.1.0.2/24 on enp1s0 mtu 1400, default via 10.1.0.1\nvm-b1 guest: unavailable: ');
  expect(cell.body).toContain("reproduce in vm-a1's console: ping -c 3 -W 1 10.2.0.2");
  expect(cell.body).toContain('try 1: timeout at 10 ms');
  expect(cell.body).toContain('lr_in_ip_routing priority 0: drop;');
  expect(failing.find((c) => c.name === 'vm-b1 -> vm-a1 icmp')!.kind).toBe('error');
});

test('hostile names and control characters still give well-formed XML, text intact', async ({ page }) => {
  const base = sampleResult();
  const evil = 'a<b>&"c\'</testcase>]]>\u0007';
  const result = { ...base, phases: [{ ...base.phases[1]!, name: evil, results: base.phases[1]!.results.map((c) => ({ ...c, reason: evil })) }] };
  const doc = await parse(page, renderJunit([result, base]));
  if ('error' in doc) throw new Error(`invalid XML: ${doc.error}`);
  expect(doc.suites.length).toBe(3);
  expect(doc.suites[0]!.attrs['name']).toBe(`peering-demo — phase a<b>&"c'</testcase>]]>\ufffd`);
  expect(doc.root).toMatchObject({ tests: '30', failures: '4', errors: '2' });
});
