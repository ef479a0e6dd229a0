// One signaling server in a process of its own (pinned to a core by the parent), so its CPU time
// and heap are its own. Answers "stats" on its IPC channel after a full GC.
// BENCH_CPU_PROFILE=dir: a CPU profile of each stretch between two "stats" is written there
// (dir/<kind>-<pid>-<n>.cpuprofile): the bench kills its servers, so --cpu-prof would write nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PeerServer } from 'peer';
import { createSignalingServer } from '@meshchat/signaling';

const kind = process.argv[2];
const roomy = { points: 1e9, seconds: 1, perIp: 1 };

async function start(): Promise<string> {
  if (kind === 'ours') {
    // Limits lifted: the load generator is one address opening thousands of sockets on purpose.
    const server = await createSignalingServer({
      port: 0,
      logLevel: 'silent',
      maxSocketsPerIp: 1e9,
      maxConnections: 1e9,
      maxRooms: 1e9,
      rateLimits: { join: roomy, signal: roomy, other: roomy },
      redisUrl: process.env.BENCH_REDIS_URL,
      ...(process.env.BENCH_REDIS_PREFIX ? { redisPrefix: process.env.BENCH_REDIS_PREFIX } : {}),
    });
    return server.url;
  }
  if (kind === 'peerjs') {
    return new Promise((resolve) => {
      const server = PeerServer({ port: 0, host: '127.0.0.1', path: '/', concurrent_limit: 1e9, alive_timeout: 600_000 }, (http) => {
        const address = http.address();
        resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
      });
      void server;
    });
  }
  throw new Error(`unknown server kind ${kind}`);
}

/** Profiles the stretch since the last call and starts the next one; nothing without BENCH_CPU_PROFILE. */
const profiler = await (async () => {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return async () => undefined;
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  let stretch = 0;
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    stretch += 1;
    writeFileSync(`${dir}/${kind}-${process.pid}-${stretch}.cpuprofile`, JSON.stringify(profile));
    await session.post('Profiler.start');
  };
})();

const url = await start();
process.on('message', async (message) => {
  if (message !== 'stats') return;
  await profiler();
  globalThis.gc?.();
  globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  process.send?.({ cpu: process.cpuUsage(), heapUsed, rss });
});
process.send?.({ url });
