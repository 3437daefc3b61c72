// Security group rules as Kube-OVN's controller checks them (pkg/controller/security_group.go
// validateSgRule, v1.13-v1.15 as shipped with Harvester v1.6/v1.7): the API server accepts
// anything, the controller then refuses to program the group.
import type { SpecSource } from './normalize.ts';
import type { Report } from './validate.ts';

export const SG_PRIORITY_MIN = 1;
export const SG_PRIORITY_MAX = 200;

export function validateSecurity(src: SpecSource, report: Report): void {
  const { spec, at } = src;
  spec.securityGroups.forEach((g, i) =>
    (['ingressRules', 'egressRules'] as const).forEach((dir) =>
      g[dir].forEach((r, k) => {
        const path = (field: string) => at('securityGroups', i, dir, k, field);
        if (r.priority < SG_PRIORITY_MIN || r.priority > SG_PRIORITY_MAX) {
          report('error', path('priority'), `priority ${r.priority} is not in the range ${SG_PRIORITY_MIN} to ${SG_PRIORITY_MAX} (Kube-OVN v1.13-v1.15); the controller rejects the rule`);
        }
        if (r.remoteType === 'address' && r.remoteAddress === undefined) {
          report('error', at('securityGroups', i, dir, k), 'remoteType address needs remoteAddress (an IP or CIDR)');
        }
        if (r.remoteType === 'securityGroup' && r.remoteSecurityGroup === undefined) {
          report('error', at('securityGroups', i, dir, k), 'remoteType securityGroup needs remoteSecurityGroup');
        }
        if (r.protocol === 'tcp' || r.protocol === 'udp') {
          const { portRangeMin: lo, portRangeMax: hi } = r;
          if (lo === undefined || hi === undefined) {
            report('error', at('securityGroups', i, dir, k), `a ${r.protocol} rule needs portRangeMin and portRangeMax (1-65535)`);
          } else if (lo < 1 || hi > 65535 || lo > hi) {
            report('error', path(lo < 1 || lo > hi ? 'portRangeMin' : 'portRangeMax'), `port range ${lo}-${hi} is invalid; ports are 1-65535 and portRangeMin <= portRangeMax`);
          }
        } else if (r.portRangeMin !== undefined || r.portRangeMax !== undefined) {
          report('warning', path(r.portRangeMin !== undefined ? 'portRangeMin' : 'portRangeMax'), `ports are ignored for protocol ${r.protocol}`);
        }
      }),
    ),
  );
  spec.vms.forEach((vm, i) =>
    vm.listen.forEach((l, k) => {
      if (l.port < 1 || l.port > 65535) report('error', at('vms', i, 'listen', k), `port ${l.port} is not in 1-65535`);
    }),
  );
}
