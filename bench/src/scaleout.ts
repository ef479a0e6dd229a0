import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startRedis } from '@meshchat/testkit/redis-server';
import { ServerProcess, median, percentile, type BenchOptions } from './harness';
import { candidate } from './relay';
import { SocketIoWire } from './wire';

/** Where the two ends of each relay sit. */
export type RelayPath = 'one process, memory store' | 'one process, Redis store' | 'two processes, Redis store';

export interface ScaleOutRun {
  path: RelayPath;
  round: number;
  relays: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ScaleOutResults {
  runs: ScaleOutRun[];
  /** Median over rounds of each path's p50 and p99. */
  summary: { path: RelayPath; p50Ms: number; p99Ms: number }[];
  /** Two processes / one process, both on Redis: p50 and p99. */
  crossOverSame: { p50: number; p99: number };
}

const PATHS: RelayPath[] = ['one process, memory store', 'one process, Redis store', 'two processes, Redis store'];

/**
 * Signal relay latency (an ICE candidate, sender to receiver, closed loop: the next one is sent
 * once the previous arrived) through one process and across two processes sharing Redis, measured
 * in one run with the paths interleaved round by round.
 */
export async function scaleOutBench({ smoke }: BenchOptions, log: (line: string) => void): Promise<ScaleOutResults> {
  const pairs = smoke ? 4 : 20;
  const perPair = smoke ? 20 : 100;
  const rounds = smoke ? 1 : 3;
  const redis = await startRedis();
  const shared = { url: redis.url, prefix: `bench-${randomBytes(6).toString('hex')}:` };
  const [memory, a, b] = await Promise.all([ServerProcess.start('ours'), ServerProcess.start('ours', shared), ServerProcess.start('ours', shared)]);
  const ends: Record<RelayPath, [ServerProcess, ServerProcess]> = {
    'one process, memory store': [memory, memory],
    'one process, Redis store': [a, a],
    'two processes, Redis store': [a, b],
  };
  const runs: ScaleOutRun[] = [];
  try {
    // Warm every path up (JIT, Lua script cache) before anything is counted.
    for (const path of PATHS) await relayLatencies(ends[path][0].url, ends[path][1].url, pairs, Math.ceil(perPair / 5), `warm-${PATHS.indexOf(path)}`);
    for (let round = 0; round < rounds; round += 1) {
      for (const path of PATHS) {
        const [from, to] = ends[path];
        const latencies = await relayLatencies(from.url, to.url, pairs, perPair, `${round}-${PATHS.indexOf(path)}`);
        const sorted = latencies.sort((x, y) => x - y);
        const run = { path, round, relays: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
        runs.push(run);
        log(`scale-out round ${round + 1}: ${path}: ${run.relays} relays, p50 ${run.p50Ms.toFixed(2)} ms, p99 ${run.p99Ms.toFixed(2)} ms`);
      }
    }
  } finally {
    await Promise.all([memory, a, b].map((server) => server.stop()));
    await redis.stop();
  }
  const summary = PATHS.map((path) => {
    const mine = runs.filter((run) => run.path === path);
    return { path, p50Ms: median(mine.map((run) => run.p50Ms)), p99Ms: median(mine.map((run) => run.p99Ms)) };
  });
  const [, same, cross] = summary;
  return {
    runs,
    summary,
    crossOverSame: { p50: (cross?.p50Ms ?? Number.NaN) / (same?.p50Ms ?? Number.NaN), p99: (cross?.p99Ms ?? Number.NaN) / (same?.p99Ms ?? Number.NaN) },
  };
}

/** `pairs` pairs, sender on `fromUrl` and receiver on `toUrl`, each relaying `perPair` candidates one after another. */
async function relayLatencies(fromUrl: string, toUrl: string, pairs: number, perPair: number, tag: string): Promise<number[]> {
  const latencies: number[] = [];
  const wires: SocketIoWire[] = [];
  try {
    await Promise.all(
      Array.from({ length: pairs }, async (_, i) => {
        const room = `scale-${tag}-${i}`;
        const [sender, receiver] = await Promise.all([SocketIoWire.connect(fromUrl), SocketIoWire.connect(toUrl)]);
        wires.push(sender, receiver);
        await sender.join('s', room);
        await receiver.join('r', room);
        let arrived: (() => void) | undefined;
        receiver.on('signal', () => arrived?.());
        for (let n = 0; n < perPair; n += 1) {
          const sentAt = performance.now();
          await new Promise<void>((resolve) => {
            arrived = resolve;
            sender.emit('signal', { to: 'r', data: candidate(n) });
          });
          latencies.push(performance.now() - sentAt);
        }
      }),
    );
  } finally {
    for (const wire of wires) wire.close();
  }
  return latencies;
}
