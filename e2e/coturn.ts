import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './fixtures';
import { untilTestEnds, whenReady } from './processes';

/**
 * A real coturn on loopback with coturn's REST-API shared secret (`use-auth-secret`), as an
 * operator would run it, but listening and relaying on 127.0.0.1 only. It stops when the test ends.
 */
export async function startCoturn(secret: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'meshchat-coturn-'));
  const minPort = 40_000 + Math.floor(Math.random() * 100) * 200;
  const child = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
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
    url: `turn:127.0.0.1:${port}?transport=udp`,
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
