// The kubeovn target: any Kubernetes cluster with Kube-OVN (e.g. kind + Kube-OVN). Builds the
// topology's NADs, Vpcs, Subnets and SecurityGroups like the Harvester target, with a Pod per VM,
// runs commands through the exec API, and removes exactly what carries vpcheck's run label.
import { KubeError, type KubeClient } from '../../k8s/client.ts';
import { getObject } from '../../k8s/objects.ts';
import { resourceOf } from '../../k8s/resources.ts';
import type { TopologySpec } from '../../topology/types.ts';
import type { ClusterRealized, ClusterRunOptions } from '../k8s-common/cluster-realized.ts';
import { ClusterTarget, type ClusterOptions } from '../k8s-common/cluster-target.ts';
import { TargetError, TRANSPORTS, type Logger, type RunContext } from '../target.ts';
import { podSecurityRefusal } from './pod-security.ts';
import { KubeOvnRealized } from './realized.ts';
import { DEFAULT_POD_IMAGE, POD_APPLY_ORDER } from './render.ts';

export interface KubeOvnOptions extends ClusterOptions {
  /** Namespace of the pods; default: one the run creates and deletes. */
  readonly namespace?: string;
  readonly image?: string;
  /** Kube-OVN is the primary CNI: pods attach with ovn.kubernetes.io/* annotations, no NADs. */
  readonly primary?: boolean;
  /** NAT gateways: the macvlan master of the external network, and the image for ovn-vpc-nat-config. */
  readonly externalNic?: string;
  readonly natGatewayImage?: string;
}

export class KubeOvnTarget extends ClusterTarget<KubeOvnOptions> {
  readonly kind = 'kubeovn' as const;
  readonly transports = TRANSPORTS.kubeovn;
  protected readonly applyOrder = POD_APPLY_ORDER;

  /** A namespace the user named must admit the pods' capabilities: checked before anything is applied. */
  override async up(spec: TopologySpec, run: RunContext): Promise<ClusterRealized> {
    if (this.options.namespace !== undefined) {
      const ns = await getObject(this.client, resourceOf('Namespace'), this.options.namespace).catch((e: unknown) => {
        throw e instanceof KubeError ? new TargetError(`${this.kind}: ${e.message}`) : e;
      });
      if (!ns) throw new TargetError(`${this.kind}: namespace ${this.options.namespace} does not exist`);
      const refusal = podSecurityRefusal(ns);
      if (refusal) throw new TargetError(`${this.kind}: ${refusal}`);
    }
    return super.up(spec, run);
  }

  protected realize(client: KubeClient, run: ClusterRunOptions, log: Logger): KubeOvnRealized {
    return new KubeOvnRealized(client, {
      ...run,
      ...(this.options.namespace !== undefined && { namespace: this.options.namespace }),
      image: this.options.image ?? DEFAULT_POD_IMAGE,
      ...(this.options.primary && { primary: true }),
      ...(this.options.externalNic !== undefined && { externalNic: this.options.externalNic }),
      ...(this.options.natGatewayImage !== undefined && { natGatewayImage: this.options.natGatewayImage }),
    }, log);
  }
}
