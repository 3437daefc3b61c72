// The Harvester target: builds a topology as NADs, Kube-OVN Vpcs/Subnets/SecurityGroups and
// KubeVirt VMs through the Kubernetes API of a real cluster (kubeconfig, context or in-cluster),
// and removes exactly what carries vpcheck's run label.
import type { KubeClient } from '../../k8s/client.ts';
import { ClusterTarget, type ClusterOptions } from '../k8s-common/cluster-target.ts';
import type { RunContext } from '../target.ts';
import { harvesterVersions } from '../k8s-common/versions.ts';
import { HarvesterRealized, TEARDOWN_ORDER } from './realized.ts';
import { DEFAULT_IMAGE } from './render.ts';
import type { SshJumpOptions } from '../../sessions/ssh-jump.ts';

export interface HarvesterOptions extends ClusterOptions {
  /** Namespace of the VMs and their cloud-init Secrets. */
  readonly namespace?: string;
  readonly image?: string;
  /** --transport ssh through this jump host instead of KubeVirt's port-forward. */
  readonly sshJump?: SshJumpOptions;
}

export class HarvesterTarget extends ClusterTarget {
  readonly kind = 'harvester' as const;
  protected readonly teardownOrder = TEARDOWN_ORDER;

  constructor(protected override readonly options: HarvesterOptions = {}) {
    super(options);
  }

  override async versions(): Promise<Record<string, string>> {
    return { ...(await super.versions()), ...(await harvesterVersions(this.client)) };
  }

  protected realize(client: KubeClient, run: RunContext): HarvesterRealized {
    return new HarvesterRealized(client, {
      runId: run.runId,
      namespace: this.options.namespace ?? 'default',
      image: this.options.image ?? DEFAULT_IMAGE,
      internetIP: this.internetIP,
      readyTimeoutMs: this.readyTimeoutMs,
      ...(this.options.sshJump && { sshJump: this.options.sshJump }),
    }, run.log);
  }
}
