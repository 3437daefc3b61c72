// The Harvester target: builds a topology as NADs, Kube-OVN Vpcs/Subnets/SecurityGroups and
// KubeVirt VMs through the Kubernetes API of a real cluster (kubeconfig, context or in-cluster),
// and removes exactly what carries vpcheck's run label.
import type { KubeClient } from '../../k8s/client.ts';
import type { ClusterRunOptions } from '../k8s-common/cluster-realized.ts';
import { ClusterTarget, type ClusterOptions } from '../k8s-common/cluster-target.ts';
import { TRANSPORTS, type Logger } from '../target.ts';
import { harvesterVersions } from '../k8s-common/versions.ts';
import { HarvesterRealized } from './realized.ts';
import { APPLY_ORDER, DEFAULT_IMAGE } from './render.ts';
import type { SshJumpOptions } from '../../sessions/ssh-jump.ts';

export interface HarvesterOptions extends ClusterOptions {
  /** Namespace of the VMs and their cloud-init Secrets. */
  readonly namespace?: string;
  readonly image?: string;
  /** --transport ssh through this jump host instead of KubeVirt's port-forward. */
  readonly sshJump?: SshJumpOptions;
  /** NAT gateways: the node NIC and VLAN id of the external network's underlay. */
  readonly externalNic?: string;
  readonly externalVlan?: number;
}

export class HarvesterTarget extends ClusterTarget<HarvesterOptions> {
  readonly kind = 'harvester' as const;
  readonly transports = TRANSPORTS.harvester;
  protected readonly applyOrder = APPLY_ORDER;

  override async versions(): Promise<Record<string, string>> {
    return { ...(await super.versions()), ...(await harvesterVersions(this.client)) };
  }

  protected realize(client: KubeClient, run: ClusterRunOptions, log: Logger): HarvesterRealized {
    return new HarvesterRealized(client, {
      ...run,
      namespace: this.options.namespace ?? 'default',
      image: this.options.image ?? DEFAULT_IMAGE,
      ...(this.options.sshJump && { sshJump: this.options.sshJump }),
      ...(this.options.externalNic !== undefined && { externalNic: this.options.externalNic }),
      ...(this.options.externalVlan !== undefined && { externalVlan: this.options.externalVlan }),
    }, log);
  }
}
