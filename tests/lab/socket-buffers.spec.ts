// net.core.rmem_default while multi-chassis runs are up (lib/targets/lab/socket-buffers.ts): the
// sysctl is a file of the test's own (writing the machine's would change every other lab's), the
// saved value goes to a state dir that does not exist yet.
import { expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_RMEM_DEFAULT, raiseSocketBuffers, restoreSocketBuffers, type SocketBufferFiles } from '../../lib/targets/lab/socket-buffers.ts';

function machine(value: number): SocketBufferFiles & { read(): number } {
  const root = mkdtempSync(join(tmpdir(), 'vpcheck-rmem-'));
  writeFileSync(join(root, 'rmem_default'), `${value}\n`);
  return { sysctl: join(root, 'rmem_default'), saved: join(root, 'state', 'not-yet', 'rmem-default.json'), read: () => Number(readFileSync(join(root, 'rmem_default'), 'utf8')) };
}

test('raised for the first multi-chassis run, kept while one is left, restored after the last', async () => {
  const m = machine(212_992);
  expect(await raiseSocketBuffers(m)).toEqual([]);
  expect(m.read()).toBe(LAB_RMEM_DEFAULT);
  await raiseSocketBuffers(m);
  expect(JSON.parse(readFileSync(m.saved, 'utf8'))).toEqual({ rmem_default: 212_992 });
  await restoreSocketBuffers(async () => true, m);
  expect(m.read()).toBe(LAB_RMEM_DEFAULT);
  await restoreSocketBuffers(async () => false, m);
  expect(m.read()).toBe(212_992);
  expect(existsSync(m.saved)).toBe(false);
  // Nothing saved (a second `down`): nothing changes.
  await restoreSocketBuffers(async () => false, m);
  expect(m.read()).toBe(212_992);
});

test('a value already above the lab\'s stays as it is', async () => {
  const m = machine(8 * LAB_RMEM_DEFAULT);
  await raiseSocketBuffers(m);
  expect(m.read()).toBe(8 * LAB_RMEM_DEFAULT);
  await restoreSocketBuffers(async () => false, m);
  expect(m.read()).toBe(8 * LAB_RMEM_DEFAULT);
});
