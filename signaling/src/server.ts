import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import helmet from 'helmet';
import { pino, type Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import type * as z from 'zod/mini';
import {
  DEFAULT_MAX_ROOM_SIZE,
  LIVENESS_TTL_MS,
  MAX_ROOMS,
  MAX_SOCKETS_PER_IP,
  RATE_LIMITS,
  TURN_CREDENTIAL_TTL_SECONDS,
  MAX_SOCKET_PAYLOAD_BYTES,
  PAIR_ROOM_SIZE,
  RECONNECT_GRACE_MS,
  SHUTDOWN_NOTICE_TIMEOUT_MS,
  adminRequestSchema,
  cspDirectives,
  fail,
  joinRequestSchema,
  noPayloadSchema,
  nickKey,
  normalizeNick,
  pairRequestSchema,
  resumeRequestSchema,
  signalRequestSchema,
  type AdminRequest,
  type ClientToServerEvents,
  type JoinedRoom,
  type RateLimits,
  type Result,
  type ServerToClientEvents,
} from '@meshchat/protocol';
import { AdminGate } from './admin';
import { iceConfig, turnUser, type IceOptions } from './ice';
import { MemoryStore } from './memory-store';
import { RedisStore } from './redis-store';
import { RoomRegistry, pairRoomName, type Departure } from './rooms';
import { StoreUnavailableError, type ChatStore, type Stranger } from './store';
import { ConnectionCounter, Throttle, budgetOf } from './throttle';

export interface SignalingOptions {
  /** TCP port; 0 picks a free one. Default 9090. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Members per room. Default 16. */
  maxRoomSize?: number;
  /** Browser origins besides the server's own that may connect. */
  corsOrigins?: readonly string[];
  /** Enables admin commands for clients that present it. */
  adminToken?: string | undefined;
  /** How long a dropped socket keeps its seat. Default 30 s. */
  reconnectGraceMs?: number;
  /** Folder of the built web client to serve; `null` serves none. Default `client/dist`. */
  staticDir?: string | null | undefined;
  /** pino level; `silent` in tests. Default `info`. */
  logLevel?: string;
  /** `stun:` URLs for `GET /ice`. Default none: host candidates only, never a hidden public server. */
  stunUrls?: readonly string[];
  /** `turn:`/`turns:` URLs for `GET /ice`, given time-limited credentials from `turnSecret`. */
  turnUrls?: readonly string[];
  /** coturn's `static-auth-secret`. */
  turnSecret?: string | undefined;
  /** Lifetime of TURN credentials. Default 1 h. */
  turnTtlSeconds?: number;
  /** Connections one IP address may hold. Default 32. */
  maxSocketsPerIp?: number;
  /** Rooms that may exist at once. Default 10,000. */
  maxRooms?: number;
  /** Request budgets; the defaults are `RATE_LIMITS`. */
  rateLimits?: RateLimits;
  /** Behind a reverse proxy: take the client's address from the first `X-Forwarded-For` hop. */
  trustProxy?: boolean;
  /** Other signaling servers the served page may connect to (`?signal=`), for its CSP. */
  cspConnect?: readonly string[];
  /**
   * Share rooms, nicknames, the pairing queue and rate limits with every process using this Redis
   * (e.g. `redis://127.0.0.1:6379`). Default: none, everything in this process.
   */
  redisUrl?: string | undefined;
  /** Prefix of this deployment's Redis keys and channels. Default `meshchat:`. */
  redisPrefix?: string;
  /** With Redis: how soon the seats of a process that died are freed. Default 15 s. */
  livenessTtlMs?: number;
}

export interface SignalingServer {
  /** Where the server listens, e.g. `http://127.0.0.1:9090`. */
  url: string;
  port: number;
  /**
   * Tell every client the server is going away, close all sockets and stop listening.
   * Every shutdown path (operator `q`, signals, admin) ends here; calling it twice is harmless.
   */
  close(message?: string): Promise<void>;
  /** Resolves once the server has closed, whoever closed it. */
  closed: Promise<void>;
}

type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
// socket.io's SocketData has to be an object type; nothing is stored in it, state lives in the store.
type SocketData = Record<string, never>;

/** One inbound event: its schema and what it does with a parsed payload. */
interface Handler {
  handle(socket: ChatSocket, payload: unknown): Promise<Result<object>> | Result<object>;
}

function handler<S extends z.ZodMiniType>(
  schema: S,
  run: (socket: ChatSocket, payload: z.output<S>) => Promise<Result<object>> | Result<object>,
): Handler {
  return {
    handle(socket, payload) {
      const parsed = schema.safeParse(payload);
      return parsed.success ? run(socket, parsed.data) : fail('BAD_REQUEST', 'payload does not match the schema');
    },
  };
}

const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../client/dist', import.meta.url));
const SHUTDOWN_MESSAGE = 'The signaling server is shutting down. Chats you are in keep working.';
const roomChannel = (room: string): string => `room:${room}`;
const DEFAULT_REDIS_PREFIX = 'meshchat:';

export async function createSignalingServer(options: SignalingOptions = {}): Promise<SignalingServer> {
  const host = options.host ?? '127.0.0.1';
  const log: Logger = pino({ level: options.logLevel ?? 'info', base: { service: 'signaling' } });
  const corsOrigins = new Set(options.corsOrigins ?? []);
  const startedAt = Date.now();
  const store: ChatStore = options.redisUrl
    ? await RedisStore.connect({
        url: options.redisUrl,
        prefix: options.redisPrefix ?? DEFAULT_REDIS_PREFIX,
        livenessTtlMs: options.livenessTtlMs ?? LIVENESS_TTL_MS,
        log,
      })
    : new MemoryStore();
  const admin = new AdminGate(options.adminToken, store);
  const throttle = new Throttle(options.rateLimits ?? RATE_LIMITS, store);
  const connections = new ConnectionCounter(options.maxSocketsPerIp ?? MAX_SOCKETS_PER_IP);
  const addressOf = (socket: ChatSocket): string => clientAddress(socket, options.trustProxy ?? false);
  let closing: Promise<void> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));

  const app = express();
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(options.cspConnect ?? []) },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  const httpServer = createServer(app);
  const io: ChatServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
    pingInterval: 10_000,
    pingTimeout: 5_000,
    serveClient: false,
    ...(corsOrigins.size > 0 ? { cors: { origin: [...corsOrigins] } } : {}),
    allowRequest: (request, callback) => callback(null, isAllowedOrigin(request, corsOrigins)),
  });
  if (store instanceof RedisStore) io.adapter(store.adapter);

  const rooms = new RoomRegistry({
    store,
    maxRoomSize: options.maxRoomSize ?? DEFAULT_MAX_ROOM_SIZE,
    maxRooms: options.maxRooms ?? MAX_ROOMS,
    reconnectGraceMs: options.reconnectGraceMs ?? RECONNECT_GRACE_MS,
    onDepart: (departures) => departures.forEach(announceDeparture),
    log,
  });

  const ice: IceOptions = {
    stunUrls: options.stunUrls ?? [],
    turnUrls: options.turnUrls ?? [],
    turnSecret: options.turnSecret,
    turnTtlSeconds: options.turnTtlSeconds ?? TURN_CREDENTIAL_TTL_SECONDS,
  };
  app.get('/ice', async (request, response) => {
    // The static page lives on another origin: answer it by the same allow-list as the sockets.
    if (!isAllowedOrigin(request, corsOrigins)) {
      response.status(403).json({ ok: false, code: 'FORBIDDEN' });
      return;
    }
    // TURN credentials cost relay bandwidth: hand them out on the same budget as other requests.
    const address = requestAddress(request, options.trustProxy ?? false);
    if (!(await throttle.allow('other', `http:${address}`, address))) {
      response.status(429).json({ ok: false, code: 'RATE_LIMITED' });
      return;
    }
    const origin = request.headers.origin;
    if (origin !== undefined) response.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
    response.set('Cache-Control', 'no-store');
    response.json(iceConfig(ice, turnUser(request.query.user)));
  });

  // A load balancer takes a process out of rotation on 503: while its store is away it cannot seat anyone.
  app.get('/healthz', async (_request, response) => {
    const roomCount = store.healthy ? await rooms.roomCount().catch(() => null) : null;
    const healthy = roomCount !== null;
    response.status(healthy ? 200 : 503).json({
      status: closing ? 'closing' : healthy ? 'ok' : 'unhealthy',
      store: { kind: store.kind, reachable: healthy },
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      connections: io.engine.clientsCount,
      rooms: roomCount,
    });
  });
  serveClient(app, options.staticDir === undefined ? DEFAULT_STATIC_DIR : options.staticDir);

  /**
   * A socket by id, wherever it is: this process's own directly and at once, another process's
   * through the adapter (which applies even its own requests only when they come back from Redis).
   */
  function socketById(socketId: string) {
    const local = io.sockets.sockets.get(socketId);
    return {
      join: (channel: string) => (local ? void local.join(channel) : io.in(socketId).socketsJoin(channel)),
      leave: (channel: string) => (local ? void local.leave(channel) : io.in(socketId).socketsLeave(channel)),
      disconnect: () => (local ? void local.disconnect(true) : io.in(socketId).disconnectSockets(true)),
    };
  }

  /** Where to emit to one socket: straight to a local one (a broadcast costs more per relay), else through the adapter. */
  function emitterOf(socketId: string) {
    return io.sockets.sockets.get(socketId) ?? io.to(socketId);
  }

  function announceDeparture({ room, nick, reason, socketId }: Departure): void {
    if (socketId !== null) socketById(socketId).leave(roomChannel(room));
    io.to(roomChannel(room)).emit('peer-left', { nick, reason });
    log.info({ event: 'leave', reason, room, sid: socketId }, 'member left');
  }

  function seat(socketId: string, joined: JoinedRoom): void {
    socketById(socketId).join(roomChannel(joined.room));
    io.to(roomChannel(joined.room)).except(socketId).emit('peer-joined', { nick: joined.nick });
    log.info({ event: 'join', room: joined.room, sid: socketId, peers: joined.peers.length }, 'member joined');
  }

  /**
   * The socket may have dropped while its seat was being claimed, after its disconnect handler
   * found no seat to hold: hold it now, or it would stay taken by nobody.
   */
  function holdIfGone(socket: ChatSocket): void {
    if (socket.disconnected) rooms.disconnect(socket.id);
  }

  async function runAdmin(socket: ChatSocket, request: AdminRequest): Promise<Result> {
    const refused = await admin.check(request.token, [`sid:${socket.id}`, `ip:${addressOf(socket)}`]);
    if (refused) {
      log.warn({ event: 'admin-refused', code: refused.code, sid: socket.id }, 'admin request refused');
      return refused;
    }
    log.info({ event: 'admin', action: request.action, sid: socket.id }, 'admin request');
    switch (request.action) {
      case 'kick': {
        const departure = await rooms.kick(request.room, request.nick);
        if (!departure) return fail('PEER_NOT_FOUND');
        if (departure.socketId !== null) emitterOf(departure.socketId).emit('kicked', { room: departure.room });
        announceDeparture(departure);
        return { ok: true };
      }
      case 'announce':
        io.emit('announce', { text: request.text });
        return { ok: true };
      case 'shutdown':
        setImmediate(() => void close());
        return { ok: true };
    }
  }

  const handlers = new Map<string, Handler>([
    [
      'join',
      handler(joinRequestSchema, async (socket, { nick, room }) => {
        if (await store.isQueued(socket.id)) return fail('ALREADY_QUEUED');
        const joined = await rooms.join(socket.id, nick, room);
        if (joined.ok) {
          seat(socket.id, joined);
          holdIfGone(socket);
        }
        return joined;
      }),
    ],
    [
      'resume',
      handler(resumeRequestSchema, async (socket, { session }) => {
        if (await store.isQueued(socket.id)) return fail('ALREADY_QUEUED');
        const resumed = await rooms.resume(socket.id, session);
        if (!resumed.ok) return resumed;
        const { replaced, ok: _ok, ...joined } = resumed;
        if (replaced !== null) socketById(replaced).disconnect();
        void socket.join(roomChannel(joined.room));
        holdIfGone(socket);
        log.info({ event: 'resume', room: joined.room, sid: socket.id }, 'member resumed');
        return { ok: true, ...joined };
      }),
    ],
    [
      'leave',
      handler(noPayloadSchema, async (socket) => {
        const departure = await rooms.leave(socket.id);
        if (!departure) return fail('NOT_IN_ROOM');
        announceDeparture(departure);
        return { ok: true };
      }),
    ],
    [
      'signal',
      handler(signalRequestSchema, async (socket, { to, data }) => {
        const route = await rooms.route(socket.id, to);
        if (!route.ok) return route;
        emitterOf(route.socketId).emit('signal', { from: route.from, data });
        return { ok: true };
      }),
    ],
    [
      'pair',
      handler(pairRequestSchema, async (socket, request) => {
        const nick = normalizeNick(request.nick);
        if (nick === undefined) return fail('NICK_INVALID');
        if (await rooms.seatOf(socket.id)) return fail('ALREADY_IN_ROOM');
        const queued = await queueStranger({ socketId: socket.id, nick, key: nickKey(nick) });
        if (queued === 'already') return fail('ALREADY_QUEUED');
        if (socket.disconnected) await store.unqueue(socket.id);
        return { ok: true, queued: true };
      }),
    ],
    [
      'pair-cancel',
      handler(noPayloadSchema, async (socket) => ((await store.unqueue(socket.id)) ? { ok: true } : fail('NOT_QUEUED'))),
    ],
    ['admin', handler(adminRequestSchema, runAdmin)],
  ]);

  /** Pair a stranger with the longest-waiting other one, after its ack has gone out, or queue it. */
  async function queueStranger(stranger: Stranger): Promise<'queued' | 'already' | 'paired'> {
    const partner = await store.matchOrQueue(stranger);
    if (typeof partner === 'string') return partner;
    setImmediate(() => void pairUp(partner, stranger).catch((error: unknown) => pairingFailed(error, [partner, stranger])));
    return 'paired';
  }

  /** Seat two strangers in a fresh room of two; the one who waited longer is seated first. */
  async function pairUp(...strangers: Stranger[]): Promise<void> {
    const room = pairRoomName();
    const seated: { socketId: string; paired: JoinedRoom }[] = [];
    for (const { socketId, nick } of strangers) {
      const joined = await rooms.join(socketId, nick, room, PAIR_ROOM_SIZE);
      if (!joined.ok) continue;
      const { ok: _ok, ...paired } = joined;
      seated.push({ socketId, paired });
    }
    // Either may have left (on any process) while it waited; seats are claimed first, so a socket
    // that drops from here on has its seat held and freed like any other.
    const present = await Promise.all(strangers.map(async ({ socketId }) => (await io.in(socketId).fetchSockets()).length > 0));
    if (seated.length < strangers.length || present.includes(false)) {
      for (const { socketId } of strangers) await rooms.leave(socketId);
      // The one still here goes back to waiting.
      for (const [index, stranger] of strangers.entries()) if (present[index]) await queueStranger(stranger);
      return;
    }
    for (const { socketId, paired } of seated) {
      seat(socketId, paired);
      emitterOf(socketId).emit('paired', paired);
    }
  }

  /** The store went away mid-pairing: tell the strangers rather than leave them waiting. */
  function pairingFailed(error: unknown, strangers: Stranger[]): void {
    log.warn({ event: 'pairing-failed', err: String(error) }, 'pairing failed');
    for (const { socketId } of strangers) emitterOf(socketId).emit('protocol-error', { event: 'pair', code: 'UNAVAILABLE' });
  }

  // Cap connections per address before a socket exists; the client sees connect_error RATE_LIMITED.
  io.use((socket, next) => {
    const address = addressOf(socket);
    if (!connections.admit(address)) {
      log.warn({ event: 'refused-connection', code: 'RATE_LIMITED' }, 'too many connections from one address');
      next(Object.assign(new Error('RATE_LIMITED'), { data: { code: 'RATE_LIMITED' } }));
      return;
    }
    socket.once('disconnect', () => connections.release(address));
    next();
  });

  // The handshake's HTTP request is not needed once a socket is up; dropping it saves memory per
  // connection (socket.io's own advice). The address and headers live on socket.handshake.
  io.engine.on('connection', (rawSocket: { request: unknown }) => {
    rawSocket.request = null;
  });

  io.on('connection', (socket) => {
    if (closing) {
      socket.disconnect(true);
      return;
    }
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as (result: Result<object>) => void) : undefined;
      void dispatch(socket, event, args, ack);
    });
    socket.on('disconnect', (reason) => {
      store.unqueue(socket.id).catch(() => undefined);
      rooms.disconnect(socket.id);
      log.debug({ event: 'disconnect', reason, sid: socket.id }, 'socket disconnected');
    });
  });

  async function dispatch(
    socket: ChatSocket,
    event: string,
    args: unknown[],
    ack: ((result: Result<object>) => void) | undefined,
  ): Promise<void> {
    const found = handlers.get(event);
    let result: Result<object>;
    if (closing) result = fail('SHUTTING_DOWN');
    else if (!(await throttle.allow(budgetOf(event), socket.id, addressOf(socket)))) result = fail('RATE_LIMITED');
    else if (!found) result = fail('UNKNOWN_EVENT');
    else if (args.length > 1) result = fail('BAD_REQUEST', 'one payload per event');
    else if (!store.healthy) result = fail('UNAVAILABLE');
    else {
      try {
        result = await found.handle(socket, args[0]);
      } catch (error: unknown) {
        if (error instanceof StoreUnavailableError) result = fail('UNAVAILABLE');
        else {
          log.error({ event: 'handler-error', name: event, sid: socket.id, err: error }, 'handler failed');
          result = fail('BAD_REQUEST');
        }
      }
    }
    if (!result.ok) log.info({ event: 'refused', name: event.slice(0, 32), code: result.code, sid: socket.id }, 'event refused');
    if (ack) ack(result);
    else if (!result.ok) socket.emit('protocol-error', { event: event.slice(0, 64), code: result.code });
  }

  function close(message = SHUTDOWN_MESSAGE): Promise<void> {
    closing ??= (async () => {
      log.info({ event: 'shutdown', connections: io.engine.clientsCount }, 'shutting down');
      await Promise.all([...io.sockets.sockets.values()].map((socket) => deliverShutdownNotice(socket, message)));
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
        httpServer.closeAllConnections();
      });
      // After the sockets: their disconnects hold their seats, so a client can resume on another process.
      await rooms.close();
      await store.close();
      resolveClosed();
    })();
    return closing;
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 9090, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ event: 'listening', url }, 'signaling server listening');
  return { url, port, close, closed };
}

/**
 * Browsers always send `Origin` on cross-origin requests: accept the server's own origin and the
 * allow-list. Clients without one (not browsers) are accepted; they could forge any origin anyway.
 */
function clientAddress(socket: ChatSocket, trustProxy: boolean): string {
  return addressFrom(socket.handshake.headers['x-forwarded-for'], socket.handshake.address, trustProxy);
}

function requestAddress(request: IncomingMessage, trustProxy: boolean): string {
  return addressFrom(request.headers['x-forwarded-for'], request.socket.remoteAddress ?? 'unknown', trustProxy);
}

/** The client's address: the socket's peer, or behind a trusted proxy the first X-Forwarded-For hop. */
function addressFrom(forwarded: string | string[] | undefined, peer: string, trustProxy: boolean): string {
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined;
  return trustProxy && first ? first : peer;
}

/** Send the notice; done when the client acknowledges it, goes away, or takes too long. */
function deliverShutdownNotice(socket: ChatSocket, message: string): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, SHUTDOWN_NOTICE_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    socket.once('disconnect', done);
    socket.emit('server-shutdown', { message }, done);
  });
}

function isAllowedOrigin(request: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowed.has(origin)) return true;
  const hostHeader = request.headers.host;
  return hostHeader !== undefined && (origin === `http://${hostHeader}` || origin === `https://${hostHeader}`);
}

function serveClient(app: express.Express, dir: string | null): void {
  const index = dir === null ? undefined : path.join(dir, 'index.html');
  if (dir === null || index === undefined || !existsSync(index)) {
    app.get('/', (_request, response) => {
      response
        .type('text/plain')
        .send('meshchat signaling server. The web client is not built here: run `npm run build`, then restart.\n');
    });
    return;
  }
  // _headers is the static host's header file (Netlify); this server sends those headers itself.
  app.get('/_headers', (_request, response) => response.status(404).end());
  app.use(express.static(dir, { index: 'index.html' }));
  // Deep links and ?room= links land on the app.
  app.get('/{*rest}', (_request, response) => response.sendFile(index));
}
