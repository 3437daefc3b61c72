// A Session that survives its websocket closing: KubeVirt closes a console when another client
// connects, and a console or port-forward when virt-handler or virt-api restarts or a proxy drops
// the connection. The session reconnects, logs in again and re-runs the interrupted command
// (vpcheck's commands are probes and the idempotent default-route step, so running one twice is
// harmless). Bounded attempts.
import { SessionError, type CommandResult, type RunOptions, type Session, type Transport } from '../../sessions/session.ts';

const ATTEMPTS = 3;

export class ReconnectingSession implements Session {
  private current?: Promise<Session>;
  private closed = false;

  constructor(readonly vm: string, readonly transport: Transport, private readonly open: () => Promise<Session>, private readonly log: (message: string) => void) {}

  /** Logs in now, so that a VM that cannot be reached fails at open like other transports. */
  async connect(): Promise<this> {
    await this.retrying('login', (session) => Promise.resolve(session));
    return this;
  }

  run(command: string, options?: RunOptions): Promise<CommandResult> {
    return this.retrying(command, (session) => session.run(command, options));
  }

  /** Runs `f` on the current session; a console that dropped (SessionError) is reopened. */
  private async retrying<T>(what: string, f: (session: Session) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new SessionError(`${this.vm}: ${this.transport} session closed`);
      this.current ??= this.open();
      const current = this.current;
      try {
        return await f(await current);
      } catch (e) {
        if (!(e instanceof SessionError) || e.refused || attempt >= ATTEMPTS) throw e;
        this.log(`${this.vm}: ${this.transport} dropped during ${what === 'login' ? 'login' : 'a command'} (${e.message}); reconnecting (attempt ${attempt + 1} of ${ATTEMPTS})`);
        if (this.current === current) this.current = undefined;
        await current.then((s) => s.close()).catch(() => undefined);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const s = this.current;
    this.current = undefined;
    await s?.then((x) => x.close()).catch(() => undefined);
  }
}
