// On the lab: a cell passes only on evidence that both ends were alive. A destination whose NIC
// is down, or whose service stopped, makes the negative cells towards it `error` even though the
// network looked exactly as the model predicts; the JSON result shows every VM's control.
import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { guestText } from '../../lib/report/guest.ts';
import { resultJson } from '../../lib/report/json.ts';
import type { RunResult, VmControl } from '../../lib/run/result.ts';
import { DEFAULT_RUN_SETTINGS, Runner } from '../../lib/run/runner.ts';
import { LabTarget, type LabRealized } from '../../lib/targets/lab/lab-target.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import { quiet } from '../lab/support.ts';

/** Runs a seed topology on the lab, breaking something of the built topology before probing. */
async function runBroken(file: string, breakIt: (lab: LabRealized) => Promise<void>): Promise<RunResult> {
  const { topology } = await loadTopologyFile(file);
  const runner = await Runner.start(topology!, new LabTarget(), { ...DEFAULT_RUN_SETTINGS, retries: 0 }, quiet);
  const broken = (async () => {
    await breakIt(runner.realized as LabRealized);
    await runner.runAll();
  })();
  // Torn down whatever happened; a failure to break or to run is the test's error, not an empty result.
  const failure = await broken.then(() => undefined, (e: unknown) => e ?? new Error('failed'));
  // The result as written to disk, so the test reads what a user reads.
  const result = JSON.parse(resultJson([await runner.finish()])) as RunResult;
  if (failure) throw failure;
  return result;
}

const controlOf = (result: RunResult, vm: string): VmControl => result.phases[0]!.controls.find((c) => c.vm === vm)!;

test('a negative cell towards a VM whose NIC is down is error, not a pass; every VM has its control in the JSON', async () => {
  const result = await runBroken('topologies/same-vpc-subnets.yaml', async (lab) => {
    const r = await lab.exec('vm2-vswitch1', ['ip', 'link', 'set', lab.vm('vm2-vswitch1').nic, 'down']);
    expect(r.exitCode, r.stderr).toBe(0);
  });
  const [phase] = result.phases;
  expect(phase!.controls.map((c) => c.vm).sort()).toEqual(['vm1-vswitch1', 'vm1-vswitch2', 'vm2-vswitch1']);
  for (const c of phase!.controls) expect(c.checks.find((x) => x.check === 'session')).toMatchObject({ ok: true, detail: expect.stringMatching(/^answered nonce [0-9a-f]{8}$/) });
  // vm2-vswitch1 has no default route: its control is the on-link gateway the model says answers.
  expect(controlOf(result, 'vm2-vswitch1')).toMatchObject({ ok: false, reason: expect.stringMatching(/no reply from gateway 172\.20\.10\.1/) });
  expect(controlOf(result, 'vm2-vswitch1').checks.find((c) => c.check === 'gateway')).toMatchObject({ ok: false });
  // Its own view, read in the same command, shows why: the NIC is down.
  expect(guestText(controlOf(result, 'vm2-vswitch1').guest!)).toMatch(/^172\.20\.10\.\d+\/24 on enp1s0 mtu \d+ \(down\), no default route$/);
  expect(controlOf(result, 'vm1-vswitch1').checks.map((c) => [c.check, c.ok])).toEqual([['default-route', true], ['session', true], ['gateway', true]]);

  // The model says the reply from vm2-vswitch1 (no default route) cannot return: timeout. The
  // probe saw timeout, which would have passed with no evidence that vm2-vswitch1 was there.
  const negative = phase!.results.find((c) => c.from === 'vm1-vswitch2' && c.to === 'vm2-vswitch1')!;
  expect(negative.expected).toBe('timeout');
  expect(negative.tries.at(-1)!.outcome).toBe('timeout');
  expect(negative).toMatchObject({ observed: 'error', pass: false });
  expect(negative.detail.note).toMatch(/^observed timeout, but vm2-vswitch1 failed its positive control .*: inconclusive$/);
  // Nothing is probed from it; everything else is judged as usual.
  for (const c of phase!.results.filter((x) => x.from === 'vm2-vswitch1')) expect(c).toMatchObject({ observed: 'error', pass: false, tries: [] });
  const healthy = phase!.results.filter((c) => c.from !== 'vm2-vswitch1' && c.to !== 'vm2-vswitch1');
  expect(healthy.length).toBeGreaterThan(0);
  expect(healthy.filter((c) => !c.pass)).toEqual([]);
});

test('a tcp cell towards a declared port nobody listens on is error; where no gateway answers the control checks the address', async () => {
  const result = await runBroken('topologies/blog-security-group.yaml', async (lab) => {
    // The lab's listeners of vm-web (socat, started by this run), ended by pid.
    const { stdout } = await execa('ip', ['netns', 'pids', lab.namespace('vm-web')]);
    const pids = stdout.split('\n').filter(Boolean).map(Number);
    const socats = [];
    for (const pid of pids) if ((await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() === 'socat') socats.push(pid);
    expect(socats.length).toBeGreaterThan(0);
    for (const pid of socats) process.kill(pid);
  });
  // Security group web drops vm-web's own traffic to its gateway: the model says it does not answer.
  expect(controlOf(result, 'vm-web')).toMatchObject({ ok: true });
  expect(controlOf(result, 'vm-web').checks.map((c) => [c.check, c.ok])).toEqual([['default-route', true], ['session', true], ['address', true], ['listen', false]]);
  expect(controlOf(result, 'vm-app').checks.find((c) => c.check === 'listen')).toMatchObject({ ok: true, detail: 'listening on tcp/443' });

  const cells = result.phases[0]!.results;
  const dropped = cells.find((c) => c.from === 'vm-app' && c.to === 'vm-web' && c.port === 443)!;
  expect(dropped.expected).toBe('timeout');
  expect(dropped.tries.at(-1)!.outcome).toBe('timeout');
  expect(dropped).toMatchObject({ observed: 'error', pass: false, detail: { note: 'observed timeout, but nothing was seen listening on tcp/443 in vm-web: inconclusive' } });
  // icmp towards vm-web and tcp towards vm-app, whose listener runs, are judged as usual.
  expect(cells.find((c) => c.from === 'vm-peer' && c.to === 'vm-web' && c.probe === 'icmp')).toMatchObject({ expected: 'timeout', observed: 'timeout', pass: true });
  expect(cells.filter((c) => c.to === 'vm-app' && c.probe === 'tcp').map((c) => [c.port, c.observed, c.pass])).toEqual([[443, 'reachable', true], [8080, 'refused', true]]);
});

test('a managedtap VM whose DHCP lease never comes fails its control with the client\'s output; its cells are error', async () => {
  const result = await runBroken('topologies/dhcp-managedtap.yaml', async (lab) => {
    // The guest's DHCP client (started by this run) ended by pid, and whatever it had bound removed.
    const { stdout } = await execa('ip', ['netns', 'pids', lab.namespace('vm1-vswitch2')]);
    // Other processes of the namespace (a session's shell, its commands) may end meanwhile.
    for (const pid of stdout.split('\n').filter(Boolean).map(Number)) {
      if ((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('udhcpc')) process.kill(pid, 'SIGKILL');
    }
    const r = await lab.exec('vm1-vswitch2', ['ip', '-4', 'addr', 'flush', 'dev', lab.vm('vm1-vswitch2').nic]);
    expect(r.exitCode, r.stderr).toBe(0);
  });
  const control = controlOf(result, 'vm1-vswitch2');
  expect(control).toMatchObject({ ok: false, reason: expect.stringMatching(/^no DHCP lease on enp1s0 within 15 s; udhcpc said:\n/) });
  expect(control.checks.map((c) => [c.check, c.ok])).toEqual([['dhcp', false]]);
  expect(controlOf(result, 'vm1-vswitch1').checks[0]).toMatchObject({ check: 'dhcp', ok: true, detail: expect.stringMatching(/bound 172\.20\.10\.2\/24 router 172\.20\.10\.1 mtu 1400 lease 3600/) });
  const [phase] = result.phases;
  for (const c of phase!.results.filter((x) => x.from === 'vm1-vswitch2')) expect(c).toMatchObject({ observed: 'error', pass: false, tries: [] });
  expect(phase!.results.filter((c) => c.from !== 'vm1-vswitch2' && c.to !== 'vm1-vswitch2' && !c.pass)).toEqual([]);
});
