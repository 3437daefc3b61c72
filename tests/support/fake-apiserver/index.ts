// A FAKE Kubernetes API server with Harvester's kinds, for tests only: start() gives its URL, a
// kubeconfig file for it, its store, its fault switches and its controllers (which build on the
// lab). close() tears down every lab run it built.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConsoleBridge } from './console.ts';
import { GuestSshd } from './guest-ssh.ts';
import { EXEC_PATH, ExecBridge } from './exec.ts';
import { PORTFORWARD_PATH, PortForwardBridge } from './portforward.ts';
import { OVN_CENTRAL_POD, OVS_OVN_POD } from './ovn-central.ts';
import { FAKE_VERSIONS } from './versions.ts';
import { Reconciler } from './reconcile.ts';
import { FakeHttpServer } from './server.ts';

export interface FakeApiServerOptions {
  readonly tls?: { readonly key: string; readonly cert: string; readonly ca: string };
  /** Namespaces that exist besides default. */
  readonly namespaces?: readonly string[];
  /** Start each VM's sshd when it boots, not on the first port-forward to port 22. */
  readonly sshdAtBoot?: boolean;
  /** Harvester's kubeovn-operator Configuration enableNATGateway (default true, its sample's value). */
  readonly natGateway?: boolean;
}

export class FakeApiServer {
  private constructor(
    readonly http: FakeHttpServer,
    readonly reconciler: Reconciler,
    readonly consoles: ConsoleBridge,
    readonly execs: ExecBridge,
    readonly portForwards: PortForwardBridge,
    readonly url: string,
    readonly kubeconfig: string,
    private readonly dir: string,
  ) {}

  static async start(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
    const token = randomBytes(16).toString('hex');
    const http = new FakeHttpServer({ token, ...(options.tls && { tls: options.tls }) });
    for (const ns of ['default', 'kube-system', 'harvester-system', ...(options.namespaces ?? [])]) http.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, status: { phase: 'Active' } });
    // Every Kube-OVN cluster has the default VPC (kubeovn/kube-ovn:pkg/controller/init.go InitDefaultVpc).
    http.store.create({ apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name: 'ovn-cluster' }, spec: {}, status: { default: true, standby: true, router: 'ovn-cluster' } });
    // The kubeovn-operator's NAT ConfigMaps (harvester/kubeovn-operator internal/templates/configmaps.go
    // at v1.15.4-r2: image from registry docker.io/kubeovn, repository vpc-nat-gateway; enable-vpc-nat-gw
    // from components.enableNATGateway); the image is the one Harvester v1.8's page shows running.
    http.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ovn-vpc-nat-config', namespace: 'kube-system' }, data: { image: 'docker.io/kubeovn/vpc-nat-gateway:v1.15.0' } });
    http.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ovn-vpc-nat-gw-config', namespace: 'kube-system' }, data: { 'enable-vpc-nat-gw': String(options.natGateway ?? true) } });
    http.store.create(OVN_CENTRAL_POD);
    http.store.create(OVS_OVN_POD);
    http.store.create({ apiVersion: 'harvesterhci.io/v1beta1', kind: 'Setting', metadata: { name: 'server-version' }, default: 'dev', value: FAKE_VERSIONS.harvester });
    http.store.create({ apiVersion: 'kubevirt.io/v1', kind: 'KubeVirt', metadata: { name: 'kubevirt', namespace: 'harvester-system' }, spec: {}, status: { phase: 'Deployed', observedKubeVirtVersion: FAKE_VERSIONS.kubevirt } });
    const guests = new GuestSshd();
    const reconciler = new Reconciler(http.store, http.faults, options.sshdAtBoot ? guests : undefined);
    reconciler.start();
    const consoles = new ConsoleBridge(reconciler, http.faults);
    const execs = new ExecBridge(reconciler, http.store);
    const portForwards = new PortForwardBridge(http.store, reconciler, http.faults, guests);
    http.upgrade = (req, socket, head, url) => (EXEC_PATH.test(url.pathname) ? execs : PORTFORWARD_PATH.test(url.pathname) ? portForwards : consoles).upgrade(req, socket, head, url);
    const url = await http.listen();
    const dir = await mkdtemp(join(tmpdir(), 'vpcheck-fake-apiserver-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: url, ...(options.tls ? { 'certificate-authority-data': Buffer.from(options.tls.ca).toString('base64') } : { 'insecure-skip-tls-verify': true }) } }],
      users: [{ name: 'fake', user: { token } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
      'current-context': 'fake',
    }), { mode: 0o600 });
    return new FakeApiServer(http, reconciler, consoles, execs, portForwards, url, kubeconfig, dir);
  }

  get store() {
    return this.http.store;
  }

  get faults() {
    return this.http.faults;
  }

  async close(): Promise<void> {
    this.consoles.close();
    this.execs.close();
    this.portForwards.close();
    await this.reconciler.stop();
    await this.http.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}
