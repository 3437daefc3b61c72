// One run's topology on any Kubernetes with Kube-OVN: the shared cluster convergence
// (k8s-common) with Pods standing in for VMs, reached through the exec API.
import type { KubeClient } from '../../k8s/client.ts';
import type { KubeObject } from '../../k8s/resources.ts';
import { SessionError, type Session, type Transport } from '../../sessions/session.ts';
import type { TopologySpec } from '../../topology/types.ts';
import { isReady } from '../k8s-common/ready.ts';
import { prefixed } from '../k8s-common/names.ts';
import { ClusterRealized, type ClusterRunOptions, type Desired } from '../k8s-common/cluster-realized.ts';
import { checkTransport, type Logger } from '../target.ts';
import { PodExecSession } from './exec-session.ts';
import { ATTACHMENT_NIC, PRIMARY_NIC } from './render-pod.ts';
import { POD_APPLY_ORDER, podNamespace, renderPods, type PodRenderOptions } from './render.ts';

/**
 * A pod boots with a default route from its CNI, a VM on an overlay subnet without one (the
 * docs' starting point). Deleting it emulates the VM; the run then adds the docs' route where
 * the topology says `defaultRoute: true`.
 */
const DROP_DEFAULT_ROUTE = 'ip route del default 2>/dev/null; ip -4 route show default';

export type KubeOvnRunOptions = PodRenderOptions & ClusterRunOptions;

export class KubeOvnRealized extends ClusterRealized {
  protected readonly label = 'kube-ovn';
  protected readonly applyOrder = POD_APPLY_ORDER;
  protected readonly nic: string;
  private readonly podNamespace: string;

  constructor(client: KubeClient, private readonly options: KubeOvnRunOptions, log: Logger) {
    super(client, options, log);
    this.nic = options.primary ? PRIMARY_NIC : ATTACHMENT_NIC;
    this.podNamespace = podNamespace(options);
  }

  protected desired(next: TopologySpec): Desired {
    return renderPods(next, this.options);
  }

  protected async waitVm(o: KubeObject): Promise<void> {
    await this.wait('Pod', o.metadata.name, o.metadata.namespace, isReady, `Pod ${o.metadata.namespace}/${o.metadata.name} to run`);
  }

  async openSession(vm: string, transport: Transport): Promise<Session> {
    checkTransport('kubeovn', transport, 'pods have no console or sshd');
    this.vm(vm);
    const session = new PodExecSession(vm, this.client, this.podNamespace, prefixed(this.runId, vm));
    const r = await session.run(DROP_DEFAULT_ROUTE);
    if (r.output.trim()) throw new SessionError(`${vm}: the pod's default route could not be removed (the container needs NET_ADMIN): ${r.output.trim()}`);
    return session;
  }

  reach(vm: string): string {
    this.vm(vm);
    return `kubectl exec -it -n ${this.podNamespace} ${prefixed(this.runId, vm)} -- sh`;
  }

  protected async closeSessions(): Promise<void> {}
}
