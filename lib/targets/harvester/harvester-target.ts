// The Harvester target: builds a topology as NADs, Kube-OVN Vpcs/Subnets/SecurityGroups and
// KubeVirt VMs through the Kubernetes API of a real cluster (kubeconfig, context or in-cluster),
// and removes exactly what carries vpcheck's run label.
import { KubeClient, KubeError, loadKubeConfig, type ConnectOptions } from '../../k8s/client.ts';
import { TargetError, type RunContext, type Target } from '../target.ts';
import { HarvesterRealized } from './realized.ts';
import { DEFAULT_IMAGE } from './render.ts';
import { runsOnCluster, teardownRun } from './teardown.ts';

export interface HarvesterOptions extends ConnectOptions {
  /** Namespace of the VMs and their cloud-init Secrets. */
  readonly namespace?: string;
  readonly image?: string;
  /** The address `to: internet` probes: 8.8.8.8 unless overridden. */
  readonly internetIP?: string;
  /** How long one object may take to become ready or to go. */
  readonly readyTimeoutMs?: number;
}

export const DEFAULT_INTERNET_IP = '8.8.8.8';
const DEFAULT_READY_TIMEOUT_MS = 300_000;

export class HarvesterTarget implements Target {
  readonly kind = 'harvester' as const;
  private clientValue?: KubeClient;

  constructor(private readonly options: HarvesterOptions = {}) {}

  private get client(): KubeClient {
    try {
      this.clientValue ??= new KubeClient(loadKubeConfig(this.options));
    } catch (e) {
      throw new TargetError(`harvester: cannot load the kubeconfig: ${(e as Error).message}`);
    }
    return this.clientValue;
  }

  private get readyTimeoutMs(): number {
    return this.options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  }

  async versions(): Promise<Record<string, string>> {
    const v = await this.unreachable(this.client.call<{ gitVersion: string }>({ method: 'GET', path: '/version' }));
    return { kubernetes: v.gitVersion };
  }

  async up(spec: Parameters<Target['up']>[0], run: RunContext): Promise<HarvesterRealized> {
    const realized = new HarvesterRealized(this.client, {
      runId: run.runId,
      namespace: this.options.namespace ?? 'default',
      image: this.options.image ?? DEFAULT_IMAGE,
      internetIP: this.options.internetIP ?? DEFAULT_INTERNET_IP,
      readyTimeoutMs: this.readyTimeoutMs,
    }, run.log);
    try {
      await this.unreachable(realized.update(spec));
    } catch (e) {
      await realized.down().catch((cleanup: Error) => run.log.warn(`harvester: cleanup after failed build: ${cleanup.message}`));
      throw e;
    }
    return realized;
  }

  async down(which: { runId: string } | { all: true }): Promise<string[]> {
    const ids = 'runId' in which ? [which.runId] : await this.unreachable(runsOnCluster(this.client));
    for (const id of ids) await this.unreachable(teardownRun(this.client, id, this.readyTimeoutMs));
    return ids;
  }

  /** Network and API failures that no retry fixed: the target could not be reached (exit 3). */
  private async unreachable<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      if (e instanceof KubeError) throw new TargetError(`harvester: ${e.message}`);
      throw e;
    }
  }
}
