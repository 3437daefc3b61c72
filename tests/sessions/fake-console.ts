// An in-memory serial console with a scripted VM behind it: a login prompt, a password check and
// a shell that answers the session's framed commands. Each knob reproduces one thing real consoles do.
import { Duplex } from 'node:stream';

export interface FakeVm {
  /** Print a login prompt when Enter is pressed (false: the console stays silent). */
  loginPrompt?: boolean;
  /** Start at a shell prompt, already logged in. */
  loggedIn?: boolean;
  password?: string;
  /** The terminal echoes every byte it receives (never turned off: stty is ignored). */
  echo?: boolean;
  /** Deliver output one byte per tick. */
  slow?: boolean;
  /** Decorate output with colour codes, a window-title OSC and bracketed-paste toggles. */
  ansi?: boolean;
  /** Interleave kernel printk lines, including in the middle of an output line. */
  kernelNoise?: boolean;
  /** Output and exit status per command; 'hang' never answers; 'drop' closes the console. */
  commands?: Record<string, { output: string; rc: number } | 'hang' | 'drop'>;
}

const FRAMED = /^printf '%s_%s_S__\\n' __VPC (\w+); \(eval (.*)\) <\/dev\/null; printf .*$/;
const PREP = /printf '%s_%s_R__\\n' __VPC (\w+)$/;
const KERNEL = '[   12.345678] virtio_net virtio0 enp1s0: link up\r\n';

export class FakeConsole {
  readonly stream: Duplex;
  /** Everything the session wrote, for assertions (e.g. the password was sent, and only once). */
  written = '';
  private state: 'silent' | 'login' | 'password' | 'shell';
  private line = '';
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly vm: FakeVm) {
    this.state = vm.loggedIn ? 'shell' : vm.loginPrompt === false ? 'silent' : 'login';
    this.stream = new Duplex({
      read() {},
      write: (chunk: Buffer, _enc, callback) => {
        this.receive(chunk.toString('utf8'));
        callback();
      },
      final: (callback) => callback(),
    });
  }

  /** What the VM shows, delivered as the knobs say. */
  show(text: string): void {
    const crlf = text.replace(/\r?\n/g, '\r\n');
    this.queue = this.queue.then(async () => {
      if (this.stream.destroyed) return;
      if (!this.vm.slow) return void this.stream.push(crlf);
      for (const byte of Buffer.from(crlf)) {
        if (this.stream.destroyed) return;
        this.stream.push(Buffer.from([byte]));
        await new Promise((r) => setImmediate(r));
      }
    });
  }

  drop(): void {
    this.queue = this.queue.then(() => void this.stream.destroy());
  }

  private prompt(): string {
    if (!this.vm.ansi) return 'root@vm:~# ';
    return '\x1b]0;root@vm: ~\x07\x1b[?2004h\x1b[01;32mroot@vm\x1b[00m:\x1b[01;34m~\x1b[00m# ';
  }

  private receive(data: string): void {
    this.written += data;
    for (const ch of data) {
      if (this.vm.echo && this.state !== 'password') this.show(ch === '\n' ? '\n' : ch);
      if (ch !== '\n' && ch !== '\r') this.line += ch;
      else if (ch === '\n') this.enter(this.line.trim() === '' ? '' : this.line.replace(/\r$/, '')), (this.line = '');
    }
  }

  private enter(line: string): void {
    switch (this.state) {
      case 'silent':
        return;
      case 'login':
        if (line === '') return this.show('\nvm login: ');
        this.state = 'password';
        return this.show('Password: ');
      case 'password':
        if (line === this.vm.password) {
          this.state = 'shell';
          return this.show(`\nWelcome to the fake VM\n${this.vm.kernelNoise ? KERNEL : ''}${this.prompt()}`);
        }
        this.state = 'login';
        return this.show('\nLogin incorrect\nvm login: ');
      case 'shell':
        return this.shell(line);
    }
  }

  private shell(line: string): void {
    const prep = PREP.exec(line);
    if (prep) return this.show(`__VPC_${prep[1]}_R__\n`);
    const framed = FRAMED.exec(line);
    if (!framed) return this.show(line === '' ? this.prompt() : `bash: ${line.split(' ')[0]}: command not found\n`);
    const [, id, quoted] = framed;
    const command = unquote(quoted!);
    const reply = this.vm.commands?.[command] ?? { output: '', rc: 0 };
    if (reply === 'hang') return this.show(`__VPC_${id}_S__\n`);
    if (reply === 'drop') return this.show(`__VPC_${id}_S__\npartial out`), this.drop();
    let output = reply.output;
    if (this.vm.ansi) output = `\x1b[?2004l\x1b[1m${output}\x1b[0m`;
    if (this.vm.kernelNoise) output = injectKernelNoise(output);
    this.show(`__VPC_${id}_S__\n${output}\n__VPC_${id}_E_${reply.rc}__\n`);
  }
}

function unquote(word: string): string {
  if (!word.startsWith("'")) return word;
  return word.slice(1, -1).replaceAll(`'\\''`, "'");
}

/** Puts a kernel line at the start and one in the middle of the first output line. */
function injectKernelNoise(output: string): string {
  const cut = Math.floor(Math.min(output.indexOf('\n') < 0 ? output.length : output.indexOf('\n'), output.length) / 2);
  return `${KERNEL}${output.slice(0, cut)}${KERNEL}${output.slice(cut)}`;
}
