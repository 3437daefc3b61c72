// Which Target a kind names, built from the connection settings the command line (`run`, `down`)
// or the e2e suite's environment give: the one place that maps a TargetKind to its class.
import type { SshJumpOptions } from '../sessions/ssh-jump.ts';
import type { Target, TargetKind } from './target.ts';
import { LabTarget } from './lab/lab-target.ts';
import { HarvesterTarget } from './harvester/harvester-target.ts';
import { KubeOvnTarget } from './kubeovn/kubeovn-target.ts';

/** Where a run builds and cleans: the kind and its connection settings (run's --target and its flags). */
export interface TargetOptions {
  readonly target: TargetKind;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly image?: string;
  readonly internetIp?: string;
  readonly kubeOvnPrimary?: boolean;
  /** NAT gateways' external network: the node NIC, the VLAN (harvester), the gateway image (kubeovn). */
  readonly externalNic?: string;
  readonly externalVlan?: number;
  readonly natGatewayImage?: string;
  /** Resolved --ssh-jump (lib/sessions/ssh-jump-flags.ts). */
  readonly sshJumpOptions?: SshJumpOptions;
  /** Resolved --external-host (the same file). */
  readonly externalHostOptions?: SshJumpOptions;
}

export function targetOf(options: TargetOptions): Target {
  if (options.target === 'lab') return new LabTarget();
  const cluster = {
    ...(options.kubeconfig !== undefined && { kubeconfig: options.kubeconfig }),
    ...(options.context !== undefined && { context: options.context }),
    ...(options.namespace !== undefined && { namespace: options.namespace }),
    ...(options.image !== undefined && { image: options.image }),
    ...(options.internetIp !== undefined && { internetIP: options.internetIp }),
    ...(options.externalNic !== undefined && { externalNic: options.externalNic }),
    ...(options.externalHostOptions && { externalHost: options.externalHostOptions }),
  };
  return options.target === 'kubeovn'
    ? new KubeOvnTarget({ ...cluster, ...(options.kubeOvnPrimary && { primary: true }), ...(options.natGatewayImage !== undefined && { natGatewayImage: options.natGatewayImage }) })
    : new HarvesterTarget({ ...cluster, ...(options.sshJumpOptions && { sshJump: options.sshJumpOptions }), ...(options.externalVlan !== undefined && { externalVlan: options.externalVlan }) });
}
