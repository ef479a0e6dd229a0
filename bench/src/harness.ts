import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export type ServerKind = 'ours' | 'peerjs' | 'socketio';

export interface BenchOptions {
  /** Tiny sizes: exercises every code path in seconds, for the test suite. */
  smoke: boolean;
}

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));
export const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Run this process (the load generator) on core 1, away from the servers on core 0. */
export function pinSelf(): void {
  if (HAS_TASKSET) spawnSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
}

/** Back to every core: a browser started from here inherits this process's cores. */
export function unpinSelf(): void {
  if (HAS_TASKSET) spawnSync('taskset', ['-cp', `0-${os.cpus().length - 1}`, String(process.pid)], { stdio: 'ignore' });
}

export interface ServerStats {
  cpuMicros: number;
  heapUsed: number;
  rss: number;
}

/** A signaling server in its own process on core 0, with CPU and heap readings over IPC. */
export class ServerProcess {
  private constructor(
    readonly kind: ServerKind,
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  /** `redis` puts our server on the Redis store: its URL and the key prefix its processes share. */
  static async start(kind: ServerKind, redis?: { url: string; prefix: string }): Promise<ServerProcess> {
    const node = [process.execPath, '--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', CHILD, kind];
    const [command, ...args] = HAS_TASKSET ? ['taskset', '-c', '0', ...node] : node;
    const env = redis ? { ...process.env, BENCH_REDIS_URL: redis.url, BENCH_REDIS_PREFIX: redis.prefix } : process.env;
    const child = spawn(command as string, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env });
    const [ready] = (await once(child, 'message')) as [{ url: string }];
    return new ServerProcess(kind, ready.url, child);
  }

  async stats(): Promise<ServerStats> {
    this.child.send('stats');
    const [reply] = (await once(this.child, 'message')) as [{ cpu: { user: number; system: number }; heapUsed: number; rss: number }];
    return { cpuMicros: reply.cpu.user + reply.cpu.system, heapUsed: reply.heapUsed, rss: reply.rss };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Loopback source addresses, so one machine can open more connections than one address has
 * ephemeral ports. Each part of the bench uses its own `block` (127.block.0.x), so sockets still in
 * TIME_WAIT from an earlier part never collide with a later one.
 */
export function sourceAddress(index: number, block: number): string {
  return `127.${block}.0.${2 + Math.floor(index / 4_000)}`;
}

/** Open `count` connections, `batch` at a time. */
export async function openMany<T>(count: number, open: (index: number) => Promise<T>, batch = 500): Promise<T[]> {
  const opened: T[] = [];
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    opened.push(...(await Promise.all(Array.from({ length: size }, (_, i) => open(start + i)))));
  }
  return opened;
}
