// The lab target with the sessions it opens passed through `open`, for tests of the run engine
// that replace or watch a VM's session.
import type { Session, Transport } from '../../lib/sessions/session.ts';
import { LabTarget, type LabRealized } from '../../lib/targets/lab/lab-target.ts';
import type { Realized, RunContext, Target } from '../../lib/targets/target.ts';
import type { TopologySpec } from '../../lib/topology/types.ts';

export function labWithSessions(open: (lab: LabRealized, vm: string, transport: Transport) => Promise<Session>): Target {
  const lab = new LabTarget();
  return {
    kind: 'lab',
    transports: lab.transports,
    versions: () => lab.versions(),
    down: (which) => lab.down(which),
    async up(spec: TopologySpec, ctx: RunContext): Promise<Realized> {
      const real = await lab.up(spec, ctx);
      return new Proxy(real, {
        get(target, prop, receiver) {
          if (prop === 'openSession') return (vm: string, transport: Transport) => open(real, vm, transport);
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  };
}
