// Credentials planted in a result (raw probe output, console transcripts, diagnostics, reasons,
// warnings) never reach any file or text vpcheck writes: JSON, HTML, JUnit, terminal, diff.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { REDACTED, redact, redactText, registerSecret } from '../../lib/secrets/redact.ts';
import { resultJson } from '../../lib/report/json.ts';
import type { RunResult } from '../../lib/run/result.ts';
import { runCli, tempFile } from '../support/cli.ts';
import { sampleResult } from './fixtures.ts';

const PEM = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBQ\n-----END OPENSSH PRIVATE KEY-----';
const RSA = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n-----END RSA PRIVATE KEY-----';
const KUBECONFIG = 'users:\n- name: admin\n  user:\n    client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1IY0NBUUVF\n    token: kubeconfigtok3n.abcdef0123456789';
const BARE_PASSWORD = 'Xk3p9QvLm2RwT7yZ';

/** Fragments that must not survive anywhere, one per planted secret. */
const SECRETS = [
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ', 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw',
  'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.payload.sig', 'LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1IY0NBUUVF',
  'kubeconfigtok3n.abcdef0123456789', 'Lab-Pa55word!x', BARE_PASSWORD, 'hunter2secret',
];
const TRANSCRIPT = [
  'vm login: root', 'Password: Lab-Pa55word!x', PEM, 'curl -H "Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.payload.sig" https://k8s',
  KUBECONFIG, RSA, `echo ${BARE_PASSWORD}`, 'sshpass -p hunter2secret ssh root@vm',
].join('\n');

function planted(): RunResult {
  const base = sampleResult();
  const phases = base.phases.map((p) => ({
    ...p,
    controls: [{ vm: 'vm-a1', ok: false, reason: `login failed: ${TRANSCRIPT}`, checks: [{ check: 'session' as const, ok: false, detail: `login failed: ${TRANSCRIPT}` }] }],
    results: p.results.map((c) => ({
      ...c,
      reason: `${c.reason} password=Lab-Pa55word!x`,
      tries: c.tries.map((t) => ({ ...t, raw: `${t.raw}${TRANSCRIPT}` })),
      detail: { ...c.detail, note: `console: ${TRANSCRIPT}` },
      diagnostics: [{ title: 'kubeconfig', command: 'kubectl --token=kubeconfigtok3n.abcdef0123456789 get pods', output: KUBECONFIG }],
    })),
  }));
  return { ...base, warnings: [`transcript ${TRANSCRIPT}`], phases };
}

const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));

test.beforeAll(() => registerSecret(BARE_PASSWORD));

test('each kind of credential is replaced, the text around it kept', () => {
  expect(redactText(PEM)).toBe(`-----BEGIN OPENSSH PRIVATE KEY----- ${REDACTED}`);
  expect(redactText('Authorization: Bearer abc.def-ghi_jkl=')).toBe(`Authorization: Bearer ${REDACTED}`);
  expect(redactText(KUBECONFIG)).toBe(`users:\n- name: admin\n  user:\n    client-key-data: ${REDACTED}\n    token: ${REDACTED}`);
  expect(redactText('{"password": "s3cr3t!", "user": "root"}')).toBe(`{"password": "${REDACTED}", "user": "root"}`);
  expect(redactText('git clone https://bob:pa55w0rd@example.com/x')).toBe(`git clone https://bob:${REDACTED}@example.com/x`);
  expect(redactText(`logged in with ${BARE_PASSWORD} ok`)).toBe(`logged in with ${REDACTED} ok`);
  // Ordinary probe output and reasons are left alone.
  const ping = '64 bytes from 10.2.0.2: icmp_seq=1 ttl=62 time=0.41 ms\nvpc-a route 10.2.0.0/16 via 169.254.0.2 (token bucket)';
  expect(redactText(ping)).toBe(ping);
  expect(leaks(JSON.stringify(redact(planted())))).toEqual([]);
});

test('no secret reaches the JSON, HTML, JUnit, terminal or diff output', async () => {
  const source = tempFile(JSON.stringify(planted()), 'planted.json');
  expect(leaks(readFileSync(source, 'utf8')).length).toBe(SECRETS.length); // the plant took
  const [html, junit, diffHtml] = [tempFile('', 'planted.html'), tempFile('', 'planted.xml'), tempFile('', 'planted-diff.html')];
  const report = await runCli(['report', source, '--html', html, '--junit', junit]);
  expect(report.code, report.err).toBe(0);
  const terminal = await runCli(['report', source]);
  expect(terminal.out).toMatch(/FAIL vm-a1 -> vm-b1/);
  const diff = await runCli(['diff', source, source, '--html', diffHtml]);
  const diffJson = await runCli(['diff', tempFile(JSON.stringify(sampleResult()), 'clean.json'), source, '--json']);
  const outputs = {
    json: resultJson([planted()]), html: readFileSync(html, 'utf8'), junit: readFileSync(junit, 'utf8'), terminal: terminal.out + terminal.err,
    diff: diff.out, diffHtml: readFileSync(diffHtml, 'utf8'), diffJson: diffJson.out,
  };
  for (const [name, text] of Object.entries(outputs)) {
    expect(leaks(text), name).toEqual([]);
    expect(text.length, name).toBeGreaterThan(100);
  }
  expect(outputs.html).toContain(REDACTED);
  expect(outputs.junit).toContain(REDACTED);
});

test('a real run: --json, --html and --junit of the run and a re-render of its planted result leak nothing', async () => {
  const [json, html, junit] = [tempFile('', 'real.json'), tempFile('', 'real.html'), tempFile('', 'real.xml')];
  const run = await runCli(['run', 'topologies/nat-outgoing.yaml', '--json', json, '--html', html, '--junit', junit]);
  expect(run.code, run.err).toBe(0);
  const result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  // Plant the secrets into the real transcripts, then render every format from it again.
  const phases = result.phases.map((p) => ({ ...p, results: p.results.map((c) => ({ ...c, tries: c.tries.map((t) => ({ ...t, raw: `${t.raw}\n${TRANSCRIPT}` })) })) }));
  const source = tempFile(JSON.stringify({ ...result, phases }), 'real-planted.json');
  const [html2, junit2] = [tempFile('', 'real2.html'), tempFile('', 'real2.xml')];
  expect((await runCli(['report', source, '--html', html2, '--junit', junit2])).code).toBe(0);
  for (const file of [json, html, junit, html2, junit2]) expect(leaks(readFileSync(file, 'utf8')), file).toEqual([]);
  expect(readFileSync(html2, 'utf8')).toContain(REDACTED);
  expect(readFileSync(junit2, 'utf8')).toContain('testcase name="vm-external -&gt; internet icmp"');
});
