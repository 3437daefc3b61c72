// `vpcheck run --keep`: the topology stays up, every VM's line is a command that really gets a
// person into it on that target, and the printed `down` finds the run on the same target.
import { execa } from 'execa';
import { expect } from '@playwright/test';
import { test } from '../support/fake-cluster.ts';
import { parse } from 'yaml';
import { KubeOvnTarget } from '../../lib/targets/kubeovn/kubeovn-target.ts';
import { LAB_INTERNET } from '../harvester/support.ts';
import { expectNoLeak } from '../lab/support.ts';
import { runCli, tempFile } from '../support/cli.ts';

const TWO_VMS = `apiVersion: vpcheck/v1
kind: Topology
name: kept
networks: [ { name: vswitch1 } ]
subnets: [ { name: subnet1, cidrBlock: 10.31.0.0/24, provider: vswitch1 } ]
vms: [ { name: vm1, network: vswitch1, ip: 10.31.0.11 }, { name: vm2, network: vswitch1 } ]
probes: { mesh: true, internet: false }
`;

/** The kept run's id, each VM's command, and the down command, from what --keep printed. */
function kept(err: string): { runId: string; reach: Map<string, string>; down: string[] } {
  const runId = /kept run (\S+) up/.exec(err)?.[1];
  expect(runId, err).toBeDefined();
  const reach = new Map([...err.matchAll(/^ {2}(\S+) \([\d.]+\): (.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  const down = /^remove it with: vpcheck (.*)$/m.exec(err)?.[1]?.split(' ');
  expect(down, err).toBeDefined();
  return { runId: runId!, reach, down: down! };
}

test('lab: each VM\'s line opens a shell in it; the printed down removes everything', async () => {
  const r = await runCli(['run', tempFile(TWO_VMS), '--keep']);
  expect(r.code, r.err).toBe(0);
  const { runId, reach, down } = kept(r.err);
  try {
    expect([...reach.keys()]).toEqual(['vm1', 'vm2']);
    const shell = reach.get('vm1')!;
    expect(shell).toMatch(/^ip netns exec \S+ bash$/);
    const inside = await execa('bash', ['-c', `${shell} -c 'ip -4 -o addr show dev enp1s0'`]);
    expect(inside.stdout).toContain('inet 10.31.0.11/24');
    expect(down).toEqual(['down', '--run', runId]);
  } finally {
    const removed = await runCli(down);
    expect(removed.code, removed.err).toBe(0);
  }
  await expectNoLeak(runId);
});

test('harvester: the virtctl console line names the VMI, and the Secret it points to holds the password', async ({ fakeCluster }) => {
  const { fake } = await fakeCluster.harvester();
  const r = await runCli(['run', tempFile(TWO_VMS), '--keep', '--target', 'harvester', '--kubeconfig', fake.kubeconfig, '--internet-ip', LAB_INTERNET]);
  expect(r.code, r.err).toBe(0);
  const { runId, reach, down } = kept(r.err);
  const line = reach.get('vm2')!;
  const m = /^virtctl console (\S+) -n (\S+) {3}# user vpcheck; password: kubectl get secret (\S+) -n (\S+) -o jsonpath='\{\.data\.userdata\}' \| base64 -d \| grep plain_text_passwd$/.exec(line);
  expect(m, line).not.toBeNull();
  const vmi = fake.store.get('VirtualMachineInstance', m![2], m![1]);
  expect(vmi, line).toBeDefined();
  const vmObject = fake.store.get('VirtualMachine', m![2], m![1]);
  expect(vmObject?.metadata.annotations?.['vpcheck/name']).toBe('vm2');
  const secret = fake.store.get('Secret', m![4], m![3])!;
  const userData = (secret.stringData as { userdata: string } | undefined)?.userdata ?? Buffer.from((secret.data as { userdata: string }).userdata, 'base64').toString();
  expect((parse(userData) as { users: { plain_text_passwd: string }[] }).users[0]!.plain_text_passwd).toMatch(/^\S{16}$/);
  // The password itself is never printed.
  expect(r.err).not.toContain((parse(userData) as { users: { plain_text_passwd: string }[] }).users[0]!.plain_text_passwd);
  expect(down).toEqual(['down', '--target', 'harvester', '--kubeconfig', fake.kubeconfig, '--run', runId]);
  const removed = await runCli(down);
  expect(removed.code, removed.err).toBe(0);
  expect(removed.out).toContain(runId);
});

test('kubeovn: the kubectl exec line names the run\'s pod and namespace', async ({ fakeCluster }) => {
  const { fake } = await fakeCluster.start((connect) => new KubeOvnTarget(connect));
  const r = await runCli(['run', tempFile(TWO_VMS), '--keep', '--target', 'kubeovn', '--kubeconfig', fake.kubeconfig, '--internet-ip', LAB_INTERNET]);
  expect(r.code, r.err).toBe(0);
  const { runId, reach, down } = kept(r.err);
  const m = /^kubectl exec -it -n (\S+) (\S+) -- sh$/.exec(reach.get('vm1')!);
  expect(m, reach.get('vm1')).not.toBeNull();
  expect(fake.store.get('Pod', m![1], m![2])?.metadata.annotations?.['vpcheck/name']).toBe('vm1');
  expect(down).toEqual(['down', '--target', 'kubeovn', '--kubeconfig', fake.kubeconfig, '--run', runId]);
  expect((await runCli(down)).code).toBe(0);
});
