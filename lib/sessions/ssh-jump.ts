// SSH to VMs through a jump host (OpenSSH's ProxyJump): one SSH connection to the jump host,
// and per VM a direct-tcpip channel from it to the VM's address, on which the VM's own SSH session
// runs. The same connection to a user's host serves --external-host, whose shell runs the probes
// `from: external`. On a cluster this is how SSH reaches a custom VPC's overlay, which neither the runner nor
// virt-api can route to. The jump host is the user's: its key comes from their known_hosts
// (never added to it), their identity file or ssh-agent.
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, type ClientChannel } from 'ssh2';
import { checkHostKey, knownHostsName } from './known-hosts.ts';
import { SessionError, type Session } from './session.ts';
import { fingerprint, loginSsh, openShellSession } from './ssh.ts';

export interface JumpHost {
  readonly user: string;
  readonly host: string;
  readonly port: number;
}

/** "[user@]host[:port]", an IPv6 host in brackets ("[fd00::1]:2222"), as ssh -J takes it. */
export function parseJumpHost(spec: string, defaultUser: string): JumpHost {
  const m = /^(?:([^@\s]+)@)?(\[[0-9a-fA-F:.]+\]|[^@:\s[\]]+)(?::(\d+))?$/.exec(spec);
  const port = m?.[3] === undefined ? 22 : Number(m[3]);
  if (!m || !(port >= 1 && port <= 65535)) throw new Error(`"${spec}" is not [user@]host[:port] (an IPv6 host in brackets: [fd00::1]:22)`);
  return { user: m[1] ?? defaultUser, host: m[2]!.replace(/^\[(.*)\]$/, '$1'), port };
}

export interface SshJumpOptions {
  readonly jump: JumpHost;
  /** The identity file's contents; without it ssh-agent (`agent`) must hold the key. */
  readonly privateKey?: string | Buffer;
  /** SSH_AUTH_SOCK. */
  readonly agent?: string;
  /** The known_hosts file's contents, and its name for messages. */
  readonly knownHosts: string;
  readonly knownHostsFile: string;
  readonly readyTimeoutMs?: number;
  readonly keepaliveMs?: number;
  /** The flag that named the host (default --ssh-jump): messages name it and its -identity flag. */
  readonly flag?: string;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 2000;

function keyType(blob: Buffer): string {
  return blob.length > 4 ? blob.subarray(4, 4 + blob.readUInt32BE(0)).toString('latin1') : 'unknown';
}

export class SshJump {
  private client?: Promise<Client>;
  private closed = false;
  readonly name: string;
  /** "jump host" or "external host", for messages. */
  private readonly role: string;

  constructor(private readonly options: SshJumpOptions) {
    const { user, host, port } = options.jump;
    this.name = `${user}@${knownHostsName(host, port)}`;
    this.role = `${(options.flag ?? '--ssh-jump') === '--ssh-jump' ? 'jump' : 'external'} host`;
  }

  /** A shell on the host itself, framed like a console, named `name` in messages and results. */
  async shell(name: string, commandTimeoutMs?: number): Promise<Session> {
    const client = await this.connection().catch((err: unknown) => {
      throw err instanceof SessionError ? new SessionError(`${name}: ${err.message}`, err.transcript, err.refused) : err;
    });
    return openShellSession(client, name, commandTimeoutMs, { endClient: false });
  }

  /**
   * A stream to ip:port opened by the jump host. Refusals while the VM boots (no sshd yet, no ARP
   * answer yet) are retried until `timeoutMs`; a jump host that refuses vpcheck is not.
   */
  async tunnel(vm: string, ip: string, port: number, timeoutMs: number): Promise<Duplex> {
    const deadline = Date.now() + timeoutMs;
    for (let wait = FIRST_RETRY_MS; ; wait = Math.min(wait * 2, MAX_RETRY_MS)) {
      // One connection serves every VM: the VM asking is named here, not where it is made.
      const client = await this.connection().catch((err: unknown) => {
        throw err instanceof SessionError ? new SessionError(`${vm}: ${err.message}`, err.transcript, err.refused) : err;
      });
      const opened = await new Promise<ClientChannel | Error>((resolve) => {
        try {
          client.forwardOut('127.0.0.1', 0, ip, port, (err, channel) => resolve(err ?? channel));
        } catch (err) {
          // ssh2 throws when the connection closed under it; the next round reconnects.
          resolve(err as Error);
        }
      });
      if (!(opened instanceof Error)) return opened;
      if (Date.now() + wait > deadline) throw new SessionError(`${vm}: ${this.role} ${this.name} could not open a connection to ${ip}:${port} within ${Math.round(timeoutMs / 1000)} s: ${opened.message.replace(/^\(SSH\) /, '')}`);
      await sleep(wait);
    }
  }

  private connection(): Promise<Client> {
    if (this.closed) return Promise.reject(new SessionError(`${this.role} ${this.name}: closed`));
    if (this.client) return this.client;
    // A jump connection that fails or drops takes its tunnels with it; the next tunnel reconnects.
    const forget = (): void => {
      if (this.client === client) this.client = undefined;
    };
    const client = this.connect(forget);
    client.catch(forget);
    this.client = client;
    return client;
  }

  private async connect(onClose: () => void): Promise<Client> {
    const { jump, knownHosts, knownHostsFile } = this.options;
    const client = new Client();
    client.once('close', onClose);
    await loginSsh(client, {
      host: jump.host,
      port: jump.port,
      username: jump.user,
      ...(this.options.privateKey ? { privateKey: this.options.privateKey } : { agent: this.options.agent }),
      readyTimeout: this.options.readyTimeoutMs,
      keepaliveInterval: this.options.keepaliveMs,
    }, {
      prefix: `${this.role} ${this.name}: `,
      verifyHostKey: (key) => {
        const presented = `${keyType(key)} ${fingerprint(key)}`;
        const where = knownHostsName(jump.host, jump.port);
        const v = checkHostKey(knownHosts, jump.host, jump.port, key);
        if (v === 'known') return undefined;
        return v === 'unknown'
          ? `${where} is not in ${knownHostsFile} (it presented ${presented}); check that fingerprint, then add the host: ssh-keyscan -p ${jump.port} ${jump.host} >> ${knownHostsFile}`
          : v === 'revoked'
            ? `presented ${presented}, which ${knownHostsFile} marks @revoked`
            : `presented ${presented}, which ${knownHostsFile} does not list for ${where}: its host key changed, or someone is in between`;
      },
      keyRefused: `refused the key of user ${jump.user} (${this.options.flag ?? '--ssh-jump'}-identity, or a key in ssh-agent)`,
      failed: 'connection failed',
      closed: 'connection closed before login',
      unreadableKeyRefused: true,
    });
    return client;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.then((c) => c.end()).catch(() => undefined);
  }
}
