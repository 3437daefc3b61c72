// The exec protocol end to end: lib/k8s/pod-exec.ts against the fake API server's pods/exec
// websocket (v5/v4.channel.k8s.io), bridged to a Pod's lab VM namespace: exit codes from the
// status channel, stdout and stderr apart, output over 1 MB, a stream that closes before its
// status is a SessionError, and an exec the server refuses too. Plus the framing rules alone.
import { expect } from '@playwright/test';
import { test } from '../support/fake-cluster.ts';
import { KubeClient, loadKubeConfig } from '../../lib/k8s/client.ts';
import { CHANNEL, exitCodeOf, exitStatus, frame, unframe } from '../../lib/k8s/exec-frames.ts';
import { podExec } from '../../lib/k8s/pod-exec.ts';
import { prefixed } from '../../lib/targets/k8s-common/names.ts';
import { KubeOvnTarget } from '../../lib/targets/kubeovn/kubeovn-target.ts';
import { SessionError } from '../../lib/sessions/session.ts';
import { context, subnet, topology, vm } from '../lab/support.ts';

test('framing: channel byte first; Success is 0, NonZeroExitCode carries the code, other failures are errors', () => {
  expect(unframe(frame(CHANNEL.stderr, 'oops'))).toEqual({ channel: 2, data: Buffer.from('oops') });
  expect(unframe(Buffer.alloc(0))).toBeUndefined();
  expect(exitCodeOf(exitStatus(0))).toBe(0);
  expect(exitCodeOf(exitStatus(42))).toBe(42);
  // The kubelet's shape (metav1.StatusCause serializes its Type as "reason").
  expect(exitCodeOf({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '7' }] } })).toBe(7);
  const notStarted = exitCodeOf({ status: 'Failure', reason: 'InternalError', message: 'executable file not found in $PATH' });
  expect(notStarted).toBeInstanceOf(Error);
  expect((notStarted as Error).message).toContain('executable file not found');
});

test('exec through the fake: exit codes, stderr apart, 1.2 MB of output, a dropped stream and a refused exec', async ({ fakeCluster }) => {
  test.setTimeout(120_000);
  const spec = topology({ subnets: [subnet('s1', '10.77.0.0/24')], vms: [vm('vm1', 's1')] });
  const { fake, target } = await fakeCluster.start((connect) => new KubeOvnTarget(connect));
  const realized = await target.up(spec, context('exec'));
  try {
    const client = new KubeClient(loadKubeConfig({ kubeconfig: fake.kubeconfig }));
    const pod = fake.store.list({ kind: 'Pod', labelSelector: `vpcheck/run=${realized.runId}` })[0]!;
    expect(pod.metadata.name).toBe(prefixed(realized.runId, 'vm1'));
    const exec = (script: string) => podExec(client, { namespace: pod.metadata.namespace!, pod: pod.metadata.name, command: ['sh', '-c', script], timeoutMs: 20_000 });

    expect((await exec('exit 0')).exitCode).toBe(0);
    expect((await exec('exit 3')).exitCode).toBe(3);
    const both = await exec('echo out; echo err >&2; ip -4 -o addr show dev enp1s0; exit 1');
    expect(both.exitCode).toBe(1);
    expect(both.stderr).toBe('err\n');
    expect(both.stdout).toMatch(/^out\n.*inet 10\.77\.0\.2\/24/s);
    expect(both.output).toContain('err\n');

    const big = await exec('head -c 1200000 /dev/zero | tr "\\0" x');
    expect(big.exitCode).toBe(0);
    expect(big.stdout.length).toBe(1_200_000);
    expect(big.stdout).toMatch(/^x+$/);

    fake.execs.dropAfterBytes = 1000;
    const dropped = await exec('head -c 100000 /dev/zero | tr "\\0" y').catch((e: unknown) => e);
    fake.execs.dropAfterBytes = undefined;
    expect(dropped).toBeInstanceOf(SessionError);
    expect((dropped as SessionError).message).toContain('closed before the exit status');

    const refused = await podExec(client, { namespace: pod.metadata.namespace!, pod: 'no-such-pod', command: ['true'], timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SessionError);
    expect((refused as SessionError).message).toMatch(/400 .*not running/);

    // The Session the engine uses: the pod's own default route is gone before the first probe.
    const session = await realized.openSession('vm1', 'exec');
    const routes = await session.run('ip -4 route show default; echo done');
    expect(routes).toMatchObject({ exitCode: 0, output: 'done\n' });
    await expect(realized.openSession('vm1', 'console')).rejects.toThrow(/use --transport exec/);
    // Evidence for a differing cell: ovn-trace from the Pod's own logical switch port (an
    // attachment's: "<pod>.<namespace>.<provider>"), to the gateway's MAC, read in ovn-central.
    const evidence = await realized.diagnose({ from: 'vm1', toIp: '10.77.0.1', probe: 'icmp' });
    const trace = evidence.find((d) => d.title === 'ovn-trace from vm1')!;
    const provider = Object.keys(pod.metadata.annotations!).find((k) => k.endsWith('.kubernetes.io/ip_address'))!.replace('.kubernetes.io/ip_address', '');
    expect(trace.command).toContain(`'inport == "${pod.metadata.name}.${pod.metadata.namespace}.${provider}" && ip.ttl == 64 && icmp && `);
    expect(trace.output).toMatch(/^ingress\(dp="[^"]+", inport="[^"]+"\)$/m);
    expect(trace.output).toContain('ip4.dst == 10.77.0.1');
  } finally {
    await realized.down();
  }
});
