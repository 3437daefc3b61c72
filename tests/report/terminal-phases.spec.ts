// A phase that removed or added VMs is drawn with its own VMs, from the layout it recorded.
import { expect, test } from '@playwright/test';
import { renderRun } from '../../lib/report/terminal.ts';
import { summarize } from '../../lib/run/result.ts';
import { cell, LAYOUT, sampleResult } from './fixtures.ts';

test('each phase\'s grid has the VMs of that phase, not of the first', () => {
  const base = sampleResult();
  const [initial] = base.phases;
  // vm-b1 is gone, vm-a3 has come.
  const swapped = {
    ...initial!,
    name: 'b1 replaced',
    results: [cell('vm-a1', 'vm-a3', 'reachable', 'reachable'), cell('vm-a3', 'vm-a1', 'reachable', 'reachable')],
    layout: { ...LAYOUT, vms: [LAYOUT.vms[0]!, { name: 'vm-a3', ip: '10.1.0.4', subnet: 'sub-a', defaultRoute: true }] },
  };
  const phases = [initial!, swapped];
  const text = renderRun({ ...base, phases, summary: summarize(phases) }, { color: false, vms: ['vm-a1', 'vm-a2', 'vm-b1'], groupOf: () => 'sub-a' });
  const second = text.slice(text.indexOf('phase b1 replaced'));
  expect(second).toMatch(/^\s+1 vm-a1 - \.$/m);
  expect(second).toMatch(/^\s+2 vm-a3 \. -$/m);
  expect(second).not.toContain('vm-b1');
  expect(second).not.toContain('other probes');
  // The first phase keeps its three VMs.
  expect(text.slice(0, text.indexOf('phase b1 replaced'))).toMatch(/^\s+3 vm-b1 /m);
});
