// What the cluster targets (Harvester, any Kubernetes with Kube-OVN) share: the kubeconfig
// client, component versions, building a run (removed again if the build fails), and removing
// runs by label. API failures no retry fixed mean the target could not be reached (exit 3).
import { KubeClient, KubeError, loadKubeConfig, type ConnectOptions } from '../../k8s/client.ts';
import type { SshJumpOptions } from '../../sessions/ssh-jump.ts';
import type { TopologySpec } from '../../topology/types.ts';
import { TargetError, type Logger, type RunContext, type Target, type TargetKind } from '../target.ts';
import { runsOnCluster, teardownOrder, teardownRun, teardownTimeoutMs } from './teardown.ts';
import { kubeOvnVersion } from './versions.ts';
import type { ClusterRealized, ClusterRunOptions } from './cluster-realized.ts';

export interface ClusterOptions extends ConnectOptions {
  /** The address `to: internet` probes: 8.8.8.8 unless overridden. */
  readonly internetIP?: string;
  /** How long one object may take to become ready or to go. */
  readonly readyTimeoutMs?: number;
  /** How long a VM's console or port-forward may keep refusing while it boots: the ready timeout unless set. */
  readonly sessionTimeoutMs?: number;
  /** Resolved --external-host: the user's host on the external network, for cells `from: external`. */
  readonly externalHost?: SshJumpOptions;
}

const DEFAULT_INTERNET_IP = '8.8.8.8';
const DEFAULT_READY_TIMEOUT_MS = 300_000;

export abstract class ClusterTarget<O extends ClusterOptions = ClusterOptions> implements Target {
  abstract readonly kind: TargetKind;
  abstract readonly transports: Target['transports'];
  private clientValue?: KubeClient;
  /** Kinds a run of this target creates, in the order its realization applies them. */
  protected abstract readonly applyOrder: readonly string[];
  protected abstract realize(client: KubeClient, run: ClusterRunOptions, log: Logger): ClusterRealized;

  // Every option has a default, so a target built with none reaches the kubeconfig's cluster.
  constructor(protected readonly options: O = {} as O) {}

  protected get client(): KubeClient {
    try {
      this.clientValue ??= new KubeClient(loadKubeConfig(this.options));
    } catch (e) {
      throw new TargetError(`${this.kind}: cannot load the kubeconfig: ${(e as Error).message}`);
    }
    return this.clientValue;
  }

  private get readyTimeoutMs(): number {
    return this.options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  }

  async versions(): Promise<Record<string, string>> {
    const v = await this.unreachable(this.client.call<{ gitVersion: string }>({ method: 'GET', path: '/version' }));
    const kubeOvn = await kubeOvnVersion(this.client);
    return { kubernetes: v.gitVersion, ...(kubeOvn && { 'kube-ovn': kubeOvn }) };
  }

  async up(spec: TopologySpec, run: RunContext): Promise<ClusterRealized> {
    const realized = this.realize(this.client, {
      runId: run.runId,
      internetIP: this.options.internetIP ?? DEFAULT_INTERNET_IP,
      readyTimeoutMs: this.readyTimeoutMs,
      sessionTimeoutMs: this.options.sessionTimeoutMs ?? this.readyTimeoutMs,
      ...(this.options.externalHost && { externalHost: this.options.externalHost }),
    }, run.log);
    try {
      await this.unreachable(realized.update(spec));
    } catch (e) {
      await realized.down().catch((cleanup: Error) => run.log.warn(`${this.kind}: cleanup after failed build: ${cleanup.message}`));
      throw e;
    }
    return realized;
  }

  async down(which: { runId: string } | { all: true }): Promise<string[]> {
    const order = teardownOrder(this.applyOrder);
    const ids = 'runId' in which ? [which.runId] : await this.unreachable(runsOnCluster(this.client, order));
    for (const id of ids) await this.unreachable(teardownRun(this.client, id, teardownTimeoutMs(this.readyTimeoutMs), order));
    return ids;
  }

  private async unreachable<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      if (e instanceof KubeError) throw new TargetError(`${this.kind}: ${e.message}`);
      throw e;
    }
  }
}
