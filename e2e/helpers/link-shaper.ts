// Narrows one WebRTC link inside the test network namespace, with the kernel's traffic control:
// what is sent from each given port (every candidate of the link) goes through a class of its own
// at `kbps`, with a short queue (a narrow home uplink drops what it cannot carry; a deep queue
// would only delay it until ICE gave up).
// Every packet between two pages on this machine crosses `lo` once, so each port's class is
// one direction of the link; nothing else in the namespace is touched.
import { execFileSync } from 'node:child_process';

const DEVICE = 'lo';
/** Packets a narrowed direction may queue: about half a second at 300 kbps. */
const QUEUE_PACKETS = 16;

/** Why links cannot be narrowed here, or '' if they can. */
export const NO_SHAPER = ((): string => {
  if (process.env.MESHCHAT_IN_NETNS !== '1') return 'not in the test network namespace (run through run-isolated.sh): tc would narrow this machine\'s own loopback';
  try {
    execFileSync('tc', ['qdisc', 'show', 'dev', DEVICE], { stdio: 'pipe' });
    return '';
  } catch (error: unknown) {
    return `tc cannot read ${DEVICE}'s queues here (iproute2's tc, and the right to change the namespace's network): ${String(error)}`;
  }
})();

const tc = (...args: string[]) => execFileSync('tc', args, { stdio: 'pipe' });

/** Narrow UDP sent from each of `ports` to `kbps`; `free()` takes the limit away again (the classes stay, unused). */
export function narrow(ports: readonly number[], kbps: number): { free(): void; close(): void } {
  tc('qdisc', 'replace', 'dev', DEVICE, 'root', 'handle', '1:', 'htb', 'default', '1');
  tc('class', 'replace', 'dev', DEVICE, 'parent', '1:', 'classid', '1:1', 'htb', 'rate', '10gbit', 'quantum', '60000');
  ports.forEach((port, index) => {
    const id = `1:${index + 2}`;
    tc('class', 'replace', 'dev', DEVICE, 'parent', '1:', 'classid', id, 'htb', 'rate', `${kbps}kbit`, 'ceil', `${kbps}kbit`, 'quantum', '1514');
    tc('qdisc', 'replace', 'dev', DEVICE, 'parent', id, 'handle', `${index + 20}:`, 'pfifo', 'limit', String(QUEUE_PACKETS));
    // IPv4 and IPv6, UDP and TCP alike: ICE may move the link to another of its candidates (an IPv6
    // one, a TCP one) when the narrowed pair loses its checks, and must find that one narrow too.
    tc('filter', 'add', 'dev', DEVICE, 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'sport', String(port), '0xffff', 'flowid', id);
    tc('filter', 'add', 'dev', DEVICE, 'parent', '1:', 'protocol', 'ipv6', 'prio', '2', 'u32', 'match', 'ip6', 'sport', String(port), '0xffff', 'flowid', id);
  });
  return {
    free: () => {
      tc('filter', 'del', 'dev', DEVICE, 'parent', '1:', 'prio', '1');
      tc('filter', 'del', 'dev', DEVICE, 'parent', '1:', 'prio', '2');
    },
    close: () => void tc('qdisc', 'del', 'dev', DEVICE, 'root'),
  };
}
