import { expect, test } from '@playwright/test';
import { buildModel, predictMesh } from '../../lib/model/index.ts';
import { LAB_INTERNET } from './fixtures.ts';
import { synthetic } from './synthetic.ts';

test('the class-based mesh equals a per-pair walk for every pair', () => {
  const m = buildModel(synthetic(6, 14, 90), { internetIP: LAB_INTERNET });
  const mesh = predictMesh(m, { internet: true });
  expect(mesh.targets.at(-1)).toBe('internet');
  expect(mesh.classes).toBeLessThan(90);
  const seen = new Set<string>();
  const differ: string[] = [];
  mesh.vms.forEach((from, i) => {
    expect(mesh.outcome(i, i)).toBeUndefined();
    mesh.targets.forEach((to, j) => {
      if (i === j) return;
      const walked = m.predict({ from, to, probe: 'icmp' }).outcome;
      seen.add(walked);
      if (mesh.outcome(i, j) !== walked) differ.push(`${from} -> ${to}: mesh ${mesh.outcome(i, j)}, walk ${walked}`);
    });
  });
  expect(differ).toEqual([]);
  // The topology exercises every network outcome icmp can have, so the comparison means something.
  expect([...seen].sort()).toEqual(['network-unreachable', 'reachable', 'timeout']);
  // ... and every way out through its NAT gateway: SNAT by the Vpc route or the guest's lanIp
  // route, a FIP, and a subnet no rule covers.
  expect(['vm1', 'vm29', 'vm43', 'vm7'].map((vm) => m.predict({ from: vm, to: 'internet', probe: 'icmp' })).map((p) => p.seenAs ?? p.disposition))
    .toEqual(['192.0.2.100', '192.0.2.100', '192.0.2.101', 'NO_NAT']);
});

test('the mesh can be limited to some VMs and leave out the internet', () => {
  const m = buildModel(synthetic(3, 4, 12), { internetIP: LAB_INTERNET });
  const mesh = predictMesh(m, { vms: ['vm1', 'vm2', 'vm7'], internet: false });
  expect(mesh.targets).toEqual(['vm1', 'vm2', 'vm7']);
  expect(mesh.outcome(0, 2)).toBe(m.predict({ from: 'vm1', to: 'vm7', probe: 'icmp' }).outcome);
});
