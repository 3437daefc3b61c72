// A user's host for tests of --ssh-jump and --external-host: a real OpenSSH sshd on port 2222 of one
// of the run's VMs (a VM with a NIC on the VPC, as a user's bastion is) or of the lab's upstream
// host (a host on the external network), with its own host key and the test's authorized key,
// reached from this namespace through a loopback port that relays into that namespace (the host's
// "public address"). The sshd starts on the first connection, after the run has built the host; it
// goes with the host's namespace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAME_ANNOTATION } from '../../lib/k8s/labels.ts';
import { spawnStream } from '../../lib/sessions/child-stream.ts';
import { generateSshKeyPair, type SshKeyPair } from '../../lib/sessions/ssh-keys.ts';
import { RunNames, UPSTREAM_IP } from '../../lib/targets/lab/names.ts';
import { ensureSshd } from '../../lib/targets/lab/vm-streams.ts';
import type { FakeApiServer } from './fake-apiserver/index.ts';

const BASTION_PORT = 2222;
/** The Bastion that stands for a host on the external network: the lab's upstream host. */
export const EXTERNAL_HOST = '(external)';

export class Bastion {
  readonly dir = mkdtempSync(join(tmpdir(), 'vpcheck-bastion-'));
  readonly userKey: SshKeyPair = generateSshKeyPair('vpcheck-test-user');
  readonly hostKey: SshKeyPair = generateSshKeyPair('bastion');
  /** Files for --ssh-jump-identity and --ssh-jump-known-hosts. */
  readonly identityFile = join(this.dir, 'id_ed25519');
  readonly knownHostsFile = join(this.dir, 'known_hosts');
  private readonly hostKeyFile = join(this.dir, 'ssh_host_ed25519_key');
  private readonly authorizedKeysFile = join(this.dir, 'authorized_keys');
  /** Connections accepted on the loopback port so far. */
  accepted = 0;
  private readonly sockets = new Set<Socket>();
  /**
   * sshd starts under way, by VM namespace: connections at once must not start two. Not kept
   * once settled: a rebuilt VM's namespace lost its sshd, and ensureSshd's pid-file check starts it again.
   */
  private readonly starting = new Map<string, Promise<void>>();
  private server?: Server;
  private fake?: FakeApiServer;
  port = 0;

  /**
   * `vm` is the topology's name of the VM that serves as the bastion, or EXTERNAL_HOST for the lab's
   * upstream host of the fake's newest run.
   */
  constructor(private readonly vm: string) {
    writeFileSync(this.identityFile, this.userKey.privateKey, { mode: 0o600 });
    writeFileSync(this.hostKeyFile, this.hostKey.privateKey, { mode: 0o600 });
    writeFileSync(this.authorizedKeysFile, `${this.userKey.publicKey}\n`, { mode: 0o600 });
  }

  /** The fake whose run holds the bastion VM; needed before the first connection. */
  attach(fake: FakeApiServer): void {
    this.fake = fake;
  }

  /** Listens on loopback; returns the --ssh-jump spec. */
  async start(): Promise<string> {
    this.server = createServer((socket) => void this.relay(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    writeFileSync(this.knownHostsFile, `[127.0.0.1]:${this.port} ${this.hostKey.publicKey}\n`);
    return `root@127.0.0.1:${this.port}`;
  }

  /** Cuts every connection through the bastion, as a network blip would. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  private async relay(socket: Socket): Promise<void> {
    this.accepted++;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    try {
      const { namespace, ip } = this.host();
      await this.sshd(namespace, ip);
      // socat into the VM's namespace, as the lab's own SSH relay; one that cannot connect exits
      // with an error, which closes the client's connection below.
      const upstream = spawnStream('ip', ['netns', 'exec', namespace, 'socat', 'STDIO', `TCP:${ip}:${BASTION_PORT}`]).stream;
      socket.pipe(upstream).pipe(socket);
      socket.once('close', () => upstream.destroy());
      upstream.once('close', () => socket.destroy());
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    } catch {
      socket.destroy();
    }
  }

  /** The namespace and address the host's sshd serves on. */
  private host(): { namespace: string; ip: string } {
    const fake = this.fake!;
    if (this.vm === EXTERNAL_HOST) {
      const run = fake.reconciler.runs().at(-1);
      if (!run) throw new Error('no run built on the lab yet');
      return { namespace: new RunNames(run).upstreamNamespace(), ip: UPSTREAM_IP };
    }
    // The test knows the VM by its topology name, on the VirtualMachine; its VMI has the VM's name.
    const vm = fake.store.list({ kind: 'VirtualMachine' }).find((o) => o.metadata.annotations?.[NAME_ANNOTATION] === this.vm);
    const target = vm && fake.reconciler.vmTarget('VirtualMachineInstance', vm.metadata.namespace!, vm.metadata.name);
    if (!target) throw new Error(`no running VM ${this.vm}`);
    return { namespace: target.lab.namespace(target.vm), ip: target.lab.vm(target.vm).ip };
  }

  private sshd(namespace: string, ip: string): Promise<void> {
    const start = this.starting.get(namespace) ?? ensureSshd({ vm: `bastion ${this.vm}`, namespace, ip, port: BASTION_PORT, dir: join(this.dir, 'sshd', namespace), hostKey: this.hostKeyFile, authorizedKeys: this.authorizedKeysFile, user: 'root' }).finally(() => this.starting.delete(namespace));
    this.starting.set(namespace, start);
    return start;
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
