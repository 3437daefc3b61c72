// The lab side of sessions: exec, a serial console with a login prompt, and SSH to the VM's sshd.
import { test, expect } from '@playwright/test';
import { LabTarget, type LabRealized } from '../../lib/targets/lab/lab-target.ts';
import { context, expectNoLeak, subnet, topology, vm } from './support.ts';

const spec = topology({ subnets: [subnet('s0', '172.20.0.0/24')], vms: [vm('vm-1', 's0', { defaultRoute: false }), vm('vm-2', 's0')] });

/** Reads from a stream until `pattern` shows up. */
function until(stream: NodeJS.ReadableStream, pattern: RegExp, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${JSON.stringify(text)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      text += d.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        stream.off('data', onData);
        resolve(text);
      }
    };
    stream.on('data', onData);
  });
}

test('exec, console and ssh sessions reach the VM, and the password never shows', async () => {
  const ctx = context('sess');
  const lab: LabRealized = await new LabTarget().up(spec, ctx);
  try {
    const exec = await lab.openSession('vm-1', 'exec');
    const route = await exec.run('ip route; ip route get 192.0.2.1');
    expect(route.output).toContain('172.20.0.0/24 dev enp1s0');
    expect(route.output).toContain('Network is unreachable');
    expect(route.exitCode).not.toBe(0);

    // The raw console: banner, login prompt, wrong password refused, right one gives a shell.
    const raw = lab.consoleStream('vm-2');
    expect(await until(raw, /vm-2 login: $/)).toContain('Ubuntu');
    raw.write(`${lab.credentials.username}\n`);
    await until(raw, /Password: $/);
    raw.write('wrong\n');
    expect(await until(raw, /vm-2 login: $/)).toContain('Login incorrect');
    raw.write(`${lab.credentials.username}\n`);
    await until(raw, /Password: $/);
    raw.write(`${lab.credentials.password}\n`);
    const shell = await until(raw, /@vm-2:~# $/);
    expect(shell).not.toContain(lab.credentials.password);
    raw.destroy();

    const console = await lab.openSession('vm-1', 'console');
    const viaConsole = await console.run('ip -4 -o addr show enp1s0');
    expect(viaConsole.output).toContain('172.20.0.2/24');
    await console.close();

    const ssh = await lab.openSession('vm-2', 'ssh');
    const viaSsh = await ssh.run('ip -4 -o addr show enp1s0; exit 3');
    expect(viaSsh.output).toContain('172.20.0.3/24');
    expect(viaSsh.exitCode).toBe(3);
    await ssh.close();
  } finally {
    await lab.down();
  }
  await expectNoLeak(ctx.runId);
});
