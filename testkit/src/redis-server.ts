// A real redis-server for tests and benchmarks, on a free loopback port, started and stopped by the
// caller. Debian's `redis-server` (or REDIS_SERVER_PATH). Used by the integration suite's Redis pass,
// the scale-out tests, the e2e spec with two signaling processes and the scale-out benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RedisProcess {
  url: string;
  port: number;
  /** Stop it as a crash would (SIGKILL). With `persist`, data written so far survives a `start()`. */
  kill(): Promise<void>;
  /** Freeze it (SIGSTOP): connections stay open and nothing is answered, as with a stalled host. */
  pause(): void;
  /** Let a paused one go on (SIGCONT). */
  resume(): void;
  /** Start it again on the same port and data folder. */
  start(): Promise<void>;
  /** Stop it for good and remove its data folder. */
  stop(): Promise<void>;
}

export interface RedisProcessOptions {
  /** Keep every write in an append-only file, so a restart finds the data again. */
  persist?: boolean;
}

const READY = /Ready to accept connections/;

export async function startRedis(options: RedisProcessOptions = {}): Promise<RedisProcess> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'meshchat-redis-'));
  const binary = process.env.REDIS_SERVER_PATH ?? 'redis-server';
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', options.persist ? 'yes' : 'no',
    '--appendfsync', 'always',
    '--loglevel', 'notice',
  ];
  let child: ChildProcess | undefined;
  const killNow = () => child?.kill('SIGKILL');
  process.once('exit', killNow);
  // Killed by a signal (a test timeout, Ctrl-C): take the Redis along rather than orphan it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killNow();
      process.kill(process.pid, signal);
    });
  }

  async function start(): Promise<void> {
    const started = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (READY.test(output)) {
          started.stdout?.off('data', onData);
          resolve();
        }
      };
      started.stdout?.on('data', onData);
      started.once('error', (error) => reject(new Error(`cannot run ${binary}: ${error.message}`)));
      started.once('exit', (code) => reject(new Error(`${binary} exited with ${code}: ${output.slice(-500)}`)));
    });
    // Do not keep the test process alive: it is killed on exit.
    started.unref();
    for (const stream of [started.stdout, started.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }

  async function kill(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    // Unreferenced so it never holds the test process open, but its exit is awaited here.
    running.ref();
    running.kill('SIGKILL');
    await exited;
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    async stop() {
      await kill();
      process.off('exit', killNow);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP port nothing listens on right now (redis-server cannot be told to pick one itself). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}
