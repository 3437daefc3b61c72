// The echo program a Harvester guest runs on each `listen:` port (cloud-init runcmd), run for
// real with python3 in a namespace of its own: bytes sent come back, the way bulk probes count
// them, and several clients are served at once.
import { spawn } from 'node:child_process';
import { expect } from '@playwright/test';
import { ECHO_SERVER } from '../../lib/targets/harvester/cloud-init.ts';
import { sh, test } from '../support/netns-fixture.ts';

test('the listen program echoes 10 MiB back to each of two clients at once', async ({ netns }) => {
  const server = spawn('ip', ['netns', 'exec', netns.b, 'python3', '-c', ECHO_SERVER, '5201'], { stdio: 'ignore' });
  expect(server.pid).toBeGreaterThan(0);
  for (let i = 0; i < 100 && !(await sh('ip', 'netns', 'exec', netns.b, 'ss', '-Hltn')).includes(':5201 '); i++) await new Promise((r) => setTimeout(r, 20));
  const size = 10 * 1048576;
  // The bulk probe's own shape: send in the background, count what comes back.
  const transfer = `exec 3<>/dev/tcp/${netns.ipB}/5201; head -c ${size} /dev/zero >&3 & head -c ${size} <&3 | wc -c`;
  const counts = await Promise.all([1, 2].map(() => sh('ip', 'netns', 'exec', netns.a, 'timeout', '30', 'bash', '-c', transfer)));
  expect(counts.map((c) => Number(c.trim()))).toEqual([size, size]);
});
