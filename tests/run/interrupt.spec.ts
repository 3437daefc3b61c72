// Ctrl-C during `vpcheck run`: the topology is torn down and the exit code is 130.
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { execa } from 'execa';

test('SIGINT mid-run tears everything down and exits 130', async () => {
  const child = spawn('node', ['bin/vpcheck.js', 'run', 'topologies/blog-hub-and-spoke.yaml'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const runId = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      // Interrupt once the lab has built the topology, while the VMs are being probed.
      const id = /\(run ([a-z0-9-]+)\)/.exec(err)?.[1];
      if (id && /NB commands/.test(err)) resolve(id);
    });
    child.once('exit', (code) => reject(new Error(`run exited ${code} before it built anything:\n${err}`)));
  });
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code, err).toBe(130);
  expect(err).toMatch(/interrupted: tearing down/);
  const { stdout: namespaces } = await execa('ip', ['netns', 'list']);
  expect(namespaces).not.toContain(runId);
  const { stdout: ps } = await execa('ps', ['-eo', 'args']);
  expect(ps.split('\n').filter((l) => l.includes(runId))).toEqual([]);
});
