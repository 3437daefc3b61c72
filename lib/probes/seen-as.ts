// Which source address the upstream saw (issue 18, "a user tells SNAT from FIP from a leak"):
// from the VM, one TCP connection to a service on the internet host that answers with the peer
// address it saw (lab: socat on the upstream host printing SOCAT_PEERADDR). bash's /dev/tcp, as
// the tcp probe uses, so no tool beyond the ones a probe needs.
import { isIPv4 } from '../net/ipv4.ts';
import { shellQuote } from '../sessions/quote.ts';

const WAIT_SEC = 3;
const MARK = 'VPCHECK-SEENAS';

export function seenAsCommand(ip: string, port: number, hasTimeout: boolean): string {
  if (!isIPv4(ip) || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`"${ip}:${port}" is not an address and port`);
  const script = `exec 3<>/dev/tcp/$0/$1 && read -r a <&3 && printf '${MARK} %s\\n' "$a"`;
  return `${hasTimeout ? `timeout ${WAIT_SEC} ` : ''}bash -c ${shellQuote(script)} ${ip} ${port} 2>&1`;
}

/** The address the service printed, or undefined when it did not answer. */
export function parseSeenAs(output: string): string | undefined {
  const m = new RegExp(`^${MARK} (\\S+)\\s*$`, 'm').exec(output);
  return m && isIPv4(m[1]!) ? m[1] : undefined;
}
