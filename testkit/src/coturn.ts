import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './redis-server';
import { untilTestEnds, whenReady } from './processes';

/**
 * The test namespace's own address (see run-isolated.sh): Firefox will not use a TURN server on
 * loopback (`icecandidateerror` 701, no candidates) unless a preference says so; this address is
 * as local, and exists only inside the namespace.
 */
export const NAMESPACE_IP = '198.18.0.1';

/** Why a coturn cannot listen on NAMESPACE_IP here, or '' when it can. */
export const NO_NAMESPACE_IP =
  process.env.MESHCHAT_IN_NETNS === '1' ? '' : `not in the test network namespace (run through run-isolated.sh), so there is no ${NAMESPACE_IP} for coturn`;

/**
 * A real coturn with coturn's REST-API shared secret (`use-auth-secret`), as an operator would run
 * it, but listening and relaying on `ip` only (loopback by default), in network namespace `netns`
 * if given. It stops when the test ends.
 */
export async function startCoturn(secret: string, ip = '127.0.0.1', netns?: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'meshchat-coturn-'));
  const minPort = 40_000 + Math.floor(Math.random() * 100) * 200;
  const [program = '', ...prefix] = netns ? ['ip', 'netns', 'exec', netns, 'turnserver'] : ['turnserver'];
  const child = spawn(
    program,
    [
      ...prefix,
      '-n',
      `--listening-ip=${ip}`,
      `--relay-ip=${ip}`,
      `--listening-port=${port}`,
      `--min-port=${minPort}`,
      `--max-port=${minPort + 199}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=meshchat.test',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--fingerprint',
      '--allow-loopback-peers',
      '--no-software-attribute',
      '--log-file=stdout',
      '--simple-log',
      `--pidfile=${path.join(dir, 'turnserver.pid')}`,
      `--userdb=${path.join(dir, 'turndb')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  const turn = untilTestEnds({
    url: `turn:${ip}:${port}?transport=udp`,
    kill: () => void child.kill('SIGKILL'),
    log: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  });
  await whenReady(child, /Total General servers/, 'coturn');
  return turn;
}
