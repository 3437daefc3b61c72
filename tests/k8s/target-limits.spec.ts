// What a cluster target cannot honour, named with file:line:field before anything is built. The
// kubeovn target runs each VM as a Pod, which has no KubeVirt binding: a managedtap VM is a warning
// of `render` (the manifests still print) and an error of `run` (exit 2), for the VM's own entry
// and for a phase that switches one. Harvester v1.8 sets the binding from the subnet's enableDHCP:
// a VM whose binding differs is a warning (v1.7 runs it as written).
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { runCli } from '../support/cli.ts';

const fixture = fileURLToPath(new URL('./fixtures/dhcp-render.yaml', import.meta.url));
const where = (severity: string) => [
  new RegExp(`dhcp-render\\.yaml:30:14: ${severity}: vms\\[0\\]\\.binding: binding managedtap: the kubeovn target runs VM tap1 as a Pod, which has no KubeVirt binding`),
  new RegExp(`dhcp-render\\.yaml:39:33: ${severity}: phases\\[0\\]\\.patch\\.vms\\[0\\]\\.binding: binding managedtap: the kubeovn target runs VM br1 as a Pod`),
];

test('render --target kubeovn warns about managedtap VMs and still prints the manifests', async () => {
  const r = await runCli(['render', fixture, '--target', 'kubeovn', '--run-id', 'lim']);
  expect(r.code, r.err).toBe(0);
  for (const re of where('warning')) expect(r.err).toMatch(re);
  expect(r.err.trim().split('\n')).toHaveLength(2);
  expect(r.out).toContain('kind: Pod');
});

test('render --target harvester warns where v1.8 would patch the binding: a bridge VM on a DHCP subnet, until a phase makes it managedtap', async () => {
  const r = await runCli(['render', fixture, '--target', 'harvester', '--run-id', 'lim']);
  expect(r.code).toBe(0);
  expect(r.err.trim().split('\n')).toEqual([
    expect.stringMatching(/dhcp-render\.yaml:31:5: warning: vms\[1\]\.binding: VM br1 has binding bridge on subnet s1 \(enableDHCP true\): Harvester v1\.8's VM mutator patches it to managedtap \(harvester#9957\)/),
  ]);
  // tap1 (managedtap, DHCP) and br2 (bridge, no DHCP) are what v1.8 would set anyway.
  expect(r.err).not.toMatch(/VM (tap1|br2)/);
});

test('run --target kubeovn refuses managedtap VMs before it reaches a cluster', async () => {
  const r = await runCli(['run', fixture, '--target', 'kubeovn', '--kubeconfig', '/nonexistent/kubeconfig']);
  expect(r.code).toBe(2);
  for (const re of where('error')) expect(r.err).toMatch(re);
  expect(r.err).not.toContain('kubeconfig');
});
