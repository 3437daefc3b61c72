// Parsers on outputs captured from real ping, fping 5.1, bash /dev/tcp and OpenBSD nc runs in
// namespaces on this machine (10.99.7.2 answers, .5 is unused, 10.99.8.x has no route).
import { expect, test } from '@playwright/test';
import { classifyFping, classifyPing, classifyTcp } from '../../lib/probes/classify.ts';

const PING_REPLY = `PING 10.99.7.2 (10.99.7.2) 56(84) bytes of data.
64 bytes from 10.99.7.2: icmp_seq=1 ttl=64 time=0.393 ms

--- 10.99.7.2 ping statistics ---
1 packets transmitted, 1 received, 0% packet loss, time 0ms
rtt min/avg/max/mdev = 0.393/0.393/0.393/0.000 ms`;
const PING_LOSS = `PING 10.99.7.5 (10.99.7.5) 56(84) bytes of data.

--- 10.99.7.5 ping statistics ---
1 packets transmitted, 0 received, 100% packet loss, time 0ms
`;
const PING_HOST_UNREACHABLE = `PING 10.99.7.5 (10.99.7.5) 56(84) bytes of data.
From 10.99.7.1 icmp_seq=1 Destination Host Unreachable

--- 10.99.7.5 ping statistics ---
3 packets transmitted, 0 received, +1 errors, 100% packet loss, time 2030ms`;
const PING_PARTIAL = `--- 10.0.0.3 ping statistics ---
4 packets transmitted, 3 received, 25% packet loss, time 603ms
rtt min/avg/max/mdev = 0.041/0.052/0.061/0.008 ms`;
const FPING = `10.99.7.2 is alive (0.051 ms)
10.99.8.1: error while sending ping: Network is unreachable
10.99.7.5 is unreachable
10.99.8.1 is unreachable`;

test('ping: reply, loss, no route, ICMP error, missing tool, garbage', () => {
  expect(classifyPing(0, PING_REPLY)).toMatchObject({ outcome: 'reachable', loss: 0, rttMs: 0.393 });
  expect(classifyPing(0, PING_PARTIAL)).toMatchObject({ outcome: 'reachable', loss: 25, rttMs: 0.052 });
  expect(classifyPing(1, PING_LOSS)).toMatchObject({ outcome: 'timeout', loss: 100 });
  expect(classifyPing(1, PING_HOST_UNREACHABLE)).toMatchObject({ outcome: 'timeout', note: 'ICMP error: Destination Host Unreachable' });
  expect(classifyPing(2, 'ping: connect: Network is unreachable')).toMatchObject({ outcome: 'network-unreachable' });
  expect(classifyPing(127, 'bash: line 1: ping: command not found')).toMatchObject({ outcome: 'error', note: 'ping is not installed' });
  const odd = classifyPing(2, 'ping: socket: Operation not permitted');
  expect(odd).toMatchObject({ outcome: 'error', raw: 'ping: socket: Operation not permitted' });
  expect(classifyPing(0, '')).toMatchObject({ outcome: 'error' });
});

test('tcp over /dev/tcp and nc: open, refused, no route, timeout, ARP failure, no tool', () => {
  expect(classifyTcp(0, '')).toMatchObject({ outcome: 'reachable' });
  expect(classifyTcp(0, 'Connection to 10.99.7.2 22 port [tcp/ssh] succeeded!')).toMatchObject({ outcome: 'reachable' });
  expect(classifyTcp(1, '10.99.7.2: connect: Connection refused\n10.99.7.2: line 1: /dev/tcp/10.99.7.2/23: Connection refused')).toMatchObject({ outcome: 'refused' });
  expect(classifyTcp(1, 'nc: connect to 10.99.7.2 port 23 (tcp) failed: Connection refused')).toMatchObject({ outcome: 'refused' });
  expect(classifyTcp(1, '10.99.8.2: connect: Network is unreachable\n10.99.8.2: line 1: /dev/tcp/10.99.8.2/23: Network is unreachable')).toMatchObject({ outcome: 'network-unreachable' });
  expect(classifyTcp(124, '')).toMatchObject({ outcome: 'timeout' });
  expect(classifyTcp(1, 'nc: connect to 10.99.7.5 port 23 (tcp) timed out: Operation now in progress')).toMatchObject({ outcome: 'timeout' });
  expect(classifyTcp(1, '10.99.7.5: connect: No route to host')).toMatchObject({ outcome: 'timeout', note: 'No route to host' });
  expect(classifyTcp(127, 'vpcheck: no tcp probe tool: neither timeout nor nc is installed')).toMatchObject({ outcome: 'error' });
  expect(classifyTcp(1, 'something else')).toMatchObject({ outcome: 'error', raw: 'something else' });
});

test('fping: each destination reads only its own lines', () => {
  expect(classifyFping(1, FPING, '10.99.7.2')).toMatchObject({ outcome: 'reachable', rttMs: 0.051, raw: '10.99.7.2 is alive (0.051 ms)' });
  expect(classifyFping(1, FPING, '10.99.8.1')).toMatchObject({ outcome: 'network-unreachable' });
  expect(classifyFping(1, FPING, '10.99.7.5')).toMatchObject({ outcome: 'timeout', loss: 100 });
  // 10.99.7.25 must not borrow the lines of 10.99.7.2.
  expect(classifyFping(1, FPING, '10.99.7.25')).toMatchObject({ outcome: 'error', note: 'fping printed nothing for 10.99.7.25 (exit 1)' });
  expect(classifyFping(127, 'bash: line 1: fping: command not found', '10.99.7.2')).toMatchObject({ outcome: 'error', note: 'fping is not installed' });
  expect(classifyFping(4, 'fping: these options are too risky for mere mortals.', '10.99.7.2')).toMatchObject({ outcome: 'error' });
});
