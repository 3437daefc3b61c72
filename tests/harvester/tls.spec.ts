// The cluster targets over TLS, as against a real API server: the kubeconfig's CA verifies the
// server for REST calls, watches and the KubeVirt console websocket alike; a server the CA did
// not sign is refused, and that is a clear exit 3, not a hang or a retry loop.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { parse, stringify } from 'yaml';
import { HarvesterTarget } from '../../lib/targets/harvester/harvester-target.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import { expectNoLeak } from '../lab/support.ts';
import { runCli } from '../support/cli.ts';
import { FakeApiServer } from '../support/fake-apiserver/index.ts';
import { runSeed } from '../support/seed-runs.ts';
import { LAB_INTERNET } from './support.ts';
import { leftovers } from '../support/leftovers.ts';

/** A self-signed certificate for 127.0.0.1: it is its own CA. */
function selfSigned(dir: string, name: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

test('over HTTPS with the kubeconfig CA: a seed passes over the console; another CA is exit 3', async () => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'vpcheck-tls-'));
  const server = selfSigned(dir, 'fake-apiserver');
  const fake = await FakeApiServer.start({ tls: { ...server, ca: server.cert } });
  let runId = '';
  try {
    expect(fake.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { topology } = await loadTopologyFile('topologies/same-vpc-subnets.yaml');
    const result = await runSeed(topology!, new HarvesterTarget({ kubeconfig: fake.kubeconfig, internetIP: LAB_INTERNET, readyTimeoutMs: 30_000 }), 'console');
    runId = result.runId;
    expect(result.summary).toMatchObject({ failed: 0, errors: 0 });
    await fake.reconciler.idle();
    expect(leftovers(fake)).toEqual([]);

    // The same server, verified with a CA that did not sign it.
    const other = selfSigned(dir, 'someone-else');
    const config = parse(readFileSync(fake.kubeconfig, 'utf8')) as { clusters: { cluster: Record<string, string> }[] };
    config.clusters[0]!.cluster['certificate-authority-data'] = Buffer.from(other.cert).toString('base64');
    const wrong = join(dir, 'wrong-ca.kubeconfig');
    writeFileSync(wrong, stringify(config), { mode: 0o600 });
    const r = await runCli(['down', '--all', '--target', 'harvester', '--kubeconfig', wrong]);
    expect(r.code, r.out + r.err).toBe(3);
    expect(r.err).toMatch(/^the harvester target failed: harvester: GET https:\/\/127\.0\.0\.1:\d+\/\S+: TLS: self-signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\): is the kubeconfig's certificate-authority the cluster's\?$/m);
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await expectNoLeak(runId);
});
