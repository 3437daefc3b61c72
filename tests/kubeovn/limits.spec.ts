// The kubeovn target runs each VM as a Pod, which has no KubeVirt binding: a managedtap VM is
// named with its file:line:field, as a warning by `render` (the manifests still print) and an
// error by `run` (exit 2, nothing built), for the VM's own entry and for a phase that switches one.
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { runCli } from '../support/cli.ts';

const fixture = fileURLToPath(new URL('../k8s/fixtures/dhcp-managedtap.yaml', import.meta.url));
const where = (severity: string) => [
  new RegExp(`dhcp-managedtap\\.yaml:30:14: ${severity}: vms\\[0\\]\\.binding: binding managedtap: the kubeovn target runs VM tap1 as a Pod, which has no KubeVirt binding`),
  new RegExp(`dhcp-managedtap\\.yaml:39:33: ${severity}: phases\\[0\\]\\.patch\\.vms\\[0\\]\\.binding: binding managedtap: the kubeovn target runs VM br1 as a Pod`),
];

test('render --target kubeovn warns about managedtap VMs and still prints the manifests; harvester does not warn', async () => {
  const r = await runCli(['render', fixture, '--target', 'kubeovn', '--run-id', 'lim']);
  expect(r.code, r.err).toBe(0);
  for (const re of where('warning')) expect(r.err).toMatch(re);
  expect(r.err.trim().split('\n')).toHaveLength(2);
  expect(r.out).toContain('kind: Pod');
  const harvester = await runCli(['render', fixture, '--target', 'harvester', '--run-id', 'lim']);
  expect(harvester.code).toBe(0);
  expect(harvester.err).toBe('');
});

test('run --target kubeovn refuses managedtap VMs before it reaches a cluster', async () => {
  const r = await runCli(['run', fixture, '--target', 'kubeovn', '--kubeconfig', '/nonexistent/kubeconfig']);
  expect(r.code).toBe(2);
  for (const re of where('error')) expect(r.err).toMatch(re);
  expect(r.err).not.toContain('kubeconfig');
});
