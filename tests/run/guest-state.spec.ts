// On the lab, over the console and over SSH: every VM's own view of its network is in the JSON
// result, read through its session by the control command: its address on its NIC with the
// NIC's MTU, the default route the docs' step added, and none on the VM left without one.
import { expect, test } from '@playwright/test';
import { resultJson } from '../../lib/report/json.ts';
import { renderRun } from '../../lib/report/terminal.ts';
import type { RunResult } from '../../lib/run/result.ts';
import { DEFAULT_RUN_SETTINGS, Runner } from '../../lib/run/runner.ts';
import { LabTarget, type LabRealized } from '../../lib/targets/lab/lab-target.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import type { Transport } from '../../lib/sessions/session.ts';
import { quiet } from '../lab/support.ts';

for (const transport of ['console', 'ssh'] as Transport[]) {
  test(`over ${transport}: each VM's address, MTU and routes as the guest sees them; the default route after the route step, none where defaultRoute is false`, async () => {
    const { topology } = await loadTopologyFile('topologies/same-vpc-subnets.yaml');
    const runner = await Runner.start(topology!, new LabTarget(), { ...DEFAULT_RUN_SETTINGS, transport, retries: 0 }, quiet);
    const lab = runner.realized as LabRealized;
    let result: RunResult | undefined;
    // The NIC's MTU as the namespace has it, read beside the session rather than through it.
    const mtus = new Map<string, number>();
    try {
      for (const vm of topology!.vms) {
        const r = await lab.exec(vm.name, ['cat', `/sys/class/net/${lab.vm(vm.name).nic}/mtu`]);
        mtus.set(vm.name, Number(r.stdout.trim()));
      }
      // A route the model does not know, added in vm1-vswitch2 behind vpcheck's back: its cells
      // with vm1-vswitch1 fail, and only the guest's own view shows why.
      const stray = await lab.exec('vm1-vswitch2', ['ip', 'route', 'add', '172.20.10.0/24', 'via', '172.20.20.99', 'dev', lab.vm('vm1-vswitch2').nic]);
      expect(stray.exitCode, stray.stderr).toBe(0);
      await runner.runAll();
    } finally {
      result = JSON.parse(resultJson([await runner.finish()])) as RunResult;
    }
    const [phase] = result.phases;
    expect(phase!.controls).toHaveLength(3);
    const view = (vm: string) => phase!.controls.find((c) => c.vm === vm)!.guest;
    for (const [vm, route] of [['vm1-vswitch1', '172.20.10.1'], ['vm2-vswitch1', undefined], ['vm1-vswitch2', '172.20.20.1']] as const) {
      const built = lab.vm(vm);
      const prefix = built.subnet === 'vswitch1-subnet' ? '172.20.10.0/24' : '172.20.20.0/24';
      expect(mtus.get(vm)).toBeGreaterThan(0);
      expect(view(vm), vm).toEqual({
        status: 'observed',
        interfaces: [{ name: built.nic, mtu: mtus.get(vm), state: 'UP', addresses: [{ cidr: `${built.ip}/24` }] }],
        routes: [
          ...(route ? [{ dst: 'default', gateway: route, dev: built.nic }] : []),
          ...(vm === 'vm1-vswitch2' ? [{ dst: '172.20.10.0/24', gateway: '172.20.20.99', dev: built.nic }] : []),
          { dst: prefix, dev: built.nic, protocol: 'kernel' },
        ],
      });
    }
    const failing = phase!.results.filter((c) => !c.pass).map((c) => `${c.from} -> ${c.to}`).sort();
    expect(failing).toEqual(['vm1-vswitch1 -> vm1-vswitch2', 'vm1-vswitch2 -> vm1-vswitch1']);
    // The terminal text puts each end's own view under the model's reason.
    const text = renderRun(result, { color: false, vms: topology!.vms.map((v) => v.name), groupOf: (vm) => lab.vm(vm).subnet }).split('\n');
    const at = text.findIndex((l) => l.startsWith('FAIL vm1-vswitch1 -> vm1-vswitch2 '));
    expect(text[at + 1]).toMatch(/^  model: /);
    expect(text.slice(at + 2, at + 4)).toEqual([
      `  vm1-vswitch1 guest: 172.20.10.6/24 on enp1s0 mtu ${mtus.get('vm1-vswitch1')}, default via 172.20.10.1`,
      `  vm1-vswitch2 guest: 172.20.20.3/24 on enp1s0 mtu ${mtus.get('vm1-vswitch2')}, default via 172.20.20.1, 172.20.10.0/24 via 172.20.20.99`,
    ]);
    expect(text.some((l) => /^  vm2-vswitch1 guest: /.test(l))).toBe(false);
  });
}
