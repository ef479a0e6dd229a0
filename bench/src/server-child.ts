// One signaling server in a process of its own (pinned to a core by the parent), so its CPU time
// and heap are its own. Answers "stats" on its IPC channel after a full GC.
// BENCH_CPU_PROFILE=dir: a CPU profile of each stretch between two "stats" is written there
// (dir/<kind>-<pid>-<n>.cpuprofile): the bench kills its servers, so --cpu-prof would write nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createServer } from 'node:http';
import { PeerServer } from 'peer';
import { Server } from 'socket.io';
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
  if (kind === 'socketio') {
    // socket.io alone, with the options ours runs with: what any server on it pays per connection.
    const http = createServer();
    const io = new Server(http, { serveClient: false, transports: ['websocket'], pingInterval: 10_000, pingTimeout: 5_000 });
    // Who is who, by room: enough to relay a signal to a nickname, and nothing checked.
    const rooms = new Map<string, Map<string, string>>();
    io.on('connection', (socket) => {
      let joined: { nick: string; room: string } | undefined;
      socket.on('join', ({ nick, room }: { nick: string; room: string }, ack: (result: unknown) => void) => {
        joined = { nick, room };
        const members = rooms.get(room) ?? new Map<string, string>();
        rooms.set(room, members.set(nick, socket.id));
        ack({ ok: true });
      });
      socket.on('signal', ({ to, data }: { to: string; data: unknown }) => {
        const target = joined && rooms.get(joined.room)?.get(to);
        if (target && joined) io.to(target).emit('signal', { from: joined.nick, data });
      });
      socket.on('disconnect', () => {
        if (joined) rooms.get(joined.room)?.delete(joined.nick);
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
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
