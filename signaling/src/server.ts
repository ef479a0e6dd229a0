import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { Server } from 'socket.io';
import {
  DEFAULT_MAX_ROOM_SIZE,
  HANDSHAKE_DEADLINE_MS,
  LIVENESS_TTL_MS,
  MAX_CONNECTIONS,
  MAX_ROOMS,
  MAX_SOCKETS_PER_IP,
  MAX_SOCKET_PAYLOAD_BYTES,
  RATE_LIMITS,
  RECONNECT_GRACE_MS,
  RELOAD_GRACE_MS,
  SESSION_REISSUE_MS,
  SHUTDOWN_NOTICE_TIMEOUT_MS,
  TURN_CREDENTIAL_TTL_SECONDS,
  type RateLimits,
} from '@meshchat/protocol';
import { AdminGate } from './admin';
import { Dispatcher } from './dispatch';
import { ConnectionGuard, type EngineSocket } from './guard';
import { adminHandlers } from './handlers/admin';
import { pairingHandlers } from './handlers/pairing';
import { roomHandlers } from './handlers/rooms';
import { createHttpApp, isAllowedOrigin } from './http-app';
import { Hub, type ChatServer, type ChatSocket } from './hub';
import { MemoryStore } from './memory-store';
import { RedisStore } from './redis-store';
import { RoomRegistry } from './rooms';
import { SESSION_SECRET_MIN_BYTES, SessionTokens, WeakSecretError, randomSecret } from './sessions';
import type { ChatStore } from './store';
import { startStun, type StunService } from './stun';
import { Throttle } from './throttle';

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
  /** How long the seat of a page that said goodbye is kept, for a reload. Default 2 s. */
  reloadGraceMs?: number;
  /** Folder of the built web client to serve; `null` serves none. Default `client/dist`. */
  staticDir?: string | null | undefined;
  /** pino level; `silent` in tests. Default `info`. */
  logLevel?: string;
  /**
   * Answer STUN Binding requests on this UDP port (0 picks a free one), on `host`, and hand it out
   * in `GET /ice`. Default: none (the CLI's default is 3478).
   */
  stunPort?: number | undefined;
  /**
   * The interface STUN listens on. Default: every interface (IPv6 and IPv4), whatever `host` is, so a
   * server behind a reverse proxy on `127.0.0.1` still answers browsers' STUN from outside.
   */
  stunHost?: string | undefined;
  /** Whether failing to open `stunPort` stops the server (default) or only leaves STUN out, with a warning. */
  stunRequired?: boolean;
  /** The host name browsers reach this server's STUN port by. Default: the host the page asked `GET /ice` of. */
  publicHost?: string | undefined;
  /** Other `stun:` URLs for `GET /ice`. Default none: never a hidden public server. */
  stunUrls?: readonly string[];
  /** `turn:`/`turns:` URLs for `GET /ice`, given time-limited credentials from `turnSecret`. */
  turnUrls?: readonly string[];
  /** coturn's `static-auth-secret`. */
  turnSecret?: string | undefined;
  /** Lifetime of TURN credentials. Default 1 h. */
  turnTtlSeconds?: number;
  /** Connections one IP address may hold, counted from their first request. Default 32. */
  maxSocketsPerIp?: number;
  /** Connections the server holds at once; keep it below the descriptor limit. Default 16,000. */
  maxConnections?: number;
  /** A connection that has not joined socket.io's namespace by then is closed. Default 5 s. */
  handshakeDeadlineMs?: number;
  /** Rooms that may exist at once. Default 10,000. */
  maxRooms?: number;
  /** Request budgets; the defaults are `RATE_LIMITS`. */
  rateLimits?: RateLimits;
  /** Behind a reverse proxy: take the client's address from the first `X-Forwarded-For` hop. */
  trustProxy?: boolean;
  /** Other signaling servers the served page may connect to (`?signal=`), for its CSP. */
  cspConnect?: readonly string[];
  /**
   * Where seats, the pairing queue and rate limits live. Default: a `MemoryStore` of this process,
   * or a `RedisStore` on `redisUrl`. The server closes it when it closes.
   */
  store?: ChatStore;
  /**
   * Signs session tokens, so a restarted server can give members their seats back. Use the same
   * secret across restarts (the CLI keeps one in a file); with Redis, processes share the first one
   * set. Default: a random one, which does not survive a restart.
   */
  sessionSecret?: string | undefined;
  /** How often seated members get a fresh session token (see `RoomRegistryOptions`). Default 2 min. */
  sessionReissueMs?: number;
  /**
   * With the memory store: a file that keeps which seats were left or kicked, so a restarted server
   * refuses their old tokens. Default: none (the CLI keeps one beside the session secret).
   */
  revocationsFile?: string | undefined;
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
  /** The UDP port STUN is answered on, if it is. */
  stunPort: number | undefined;
  /**
   * Tell every client the server is going away, close all sockets and stop listening.
   * Every shutdown path (operator `q`, signals, admin) ends here; calling it twice is harmless.
   */
  close(message?: string): Promise<void>;
  /** Resolves once the server has closed, whoever closed it. */
  closed: Promise<void>;
}

const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../client/dist', import.meta.url));
const SHUTDOWN_MESSAGE = 'The signaling server is shutting down. Chats you are in keep working.';
const DEFAULT_REDIS_PREFIX = 'meshchat:';

/** The store the options ask for: the one given, Redis at `redisUrl`, or this process's memory. */
async function openStore(options: SignalingOptions, log: Logger): Promise<ChatStore> {
  if (options.store) return options.store;
  if (!options.redisUrl) return new MemoryStore({ revocationsFile: options.revocationsFile });
  return RedisStore.connect({
    url: options.redisUrl,
    prefix: options.redisPrefix ?? DEFAULT_REDIS_PREFIX,
    livenessTtlMs: options.livenessTtlMs ?? LIVENESS_TTL_MS,
    log,
  });
}

export async function createSignalingServer(options: SignalingOptions = {}): Promise<SignalingServer> {
  const host = options.host ?? '127.0.0.1';
  const log: Logger = pino({ level: options.logLevel ?? 'info', base: { service: 'signaling' } });
  const corsOrigins = new Set(options.corsOrigins ?? []);
  const trustProxy = options.trustProxy ?? false;
  const startedAt = Date.now();
  if (options.sessionSecret !== undefined && Buffer.byteLength(options.sessionSecret) < SESSION_SECRET_MIN_BYTES) {
    throw new WeakSecretError(`a session secret needs at least ${SESSION_SECRET_MIN_BYTES} bytes`);
  }
  const store = await openStore(options, log);
  const throttle = new Throttle(options.rateLimits ?? RATE_LIMITS, store);
  const handshakeMs = options.handshakeDeadlineMs ?? HANDSHAKE_DEADLINE_MS;
  const guard = new ConnectionGuard({
    maxPerAddress: options.maxSocketsPerIp ?? MAX_SOCKETS_PER_IP,
    maxTotal: options.maxConnections ?? MAX_CONNECTIONS,
    trustProxy,
    handshakeMs,
    log,
  });
  // Read once from the handshake's request (behind a trusted proxy, its X-Forwarded-For), which
  // is dropped as soon as the connection is up.
  const addresses = new WeakMap<EngineSocket, string>();
  const addressOf = (socket: ChatSocket): string => addresses.get(socket.conn) ?? socket.handshake.address;
  let closing: Promise<void> | undefined;
  let stunService: StunService | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));

  const rooms = new RoomRegistry({
    store,
    sessions: new SessionTokens(await store.sharedSecret(options.sessionSecret ?? randomSecret())),
    startedAt,
    maxRoomSize: options.maxRoomSize ?? DEFAULT_MAX_ROOM_SIZE,
    maxRooms: options.maxRooms ?? MAX_ROOMS,
    reconnectGraceMs: options.reconnectGraceMs ?? RECONNECT_GRACE_MS,
    reloadGraceMs: options.reloadGraceMs ?? RELOAD_GRACE_MS,
    sessionReissueMs: options.sessionReissueMs ?? SESSION_REISSUE_MS,
    onDepart: (departures) => departures.forEach((departure) => hub.announceDeparture(departure)),
    onReissue: (socketId, session) => hub.emitterOf(socketId).emit('session', { session }),
    log,
  });

  const app = createHttpApp({
    corsOrigins,
    cspConnect: options.cspConnect ?? [],
    ice: {
      stunUrls: options.stunUrls ?? [],
      turnUrls: options.turnUrls ?? [],
      turnSecret: options.turnSecret,
      turnTtlSeconds: options.turnTtlSeconds ?? TURN_CREDENTIAL_TTL_SECONDS,
    },
    ownStun: () => (stunService ? { port: stunService.port, host: options.publicHost } : undefined),
    throttle,
    addressOf: (request) => guard.addressOf(request),
    goodbye: (token) => {
      if (rooms.goodbyeByToken(token) === 'elsewhere' && store.adapter) io.serverSideEmit('goodbye', token);
    },
    staticDir: options.staticDir === undefined ? DEFAULT_STATIC_DIR : options.staticDir,
    health: async () => {
      // A store that has just stalled is not waited for: an answer of 503 within HEALTH_DEADLINE_MS.
      const roomCount = store.healthy ? await withDeadline(rooms.roomCount(), HEALTH_DEADLINE_MS).catch(() => null) : null;
      const healthy = roomCount !== null;
      return {
        status: healthy ? 200 : 503,
        body: {
          status: closing ? 'closing' : healthy ? 'ok' : 'unhealthy',
          store: { kind: store.kind, reachable: healthy },
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          connections: io.engine.clientsCount,
          rooms: roomCount,
        },
      };
    },
  });
  const httpServer = createServer(app);
  // A connection that sends no complete request headers in time is dropped (slow-loris).
  httpServer.headersTimeout = 10_000;
  httpServer.requestTimeout = 30_000;
  guard.watchTcp(httpServer);
  const io: ChatServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
    pingInterval: 10_000,
    pingTimeout: 5_000,
    // A connection that never joins the namespace is closed after this, not socket.io's 45 s.
    connectTimeout: handshakeMs,
    serveClient: false,
    ...(corsOrigins.size > 0 ? { cors: { origin: [...corsOrigins] } } : {}),
    ...(store.adapter ? { adapter: store.adapter } : {}),
    allowRequest: (request, callback) => {
      if (!isAllowedOrigin(request, corsOrigins)) callback('FORBIDDEN', false);
      else if (!guard.admit(request)) callback('RATE_LIMITED', false);
      else callback(null, true);
    },
  });

  io.on('goodbye', (token) => typeof token === 'string' && rooms.goodbyeByToken(token));
  const hub = new Hub(io, rooms, store, log, addressOf, () => void close());
  const dispatcher = new Dispatcher(
    hub,
    [...roomHandlers(hub), ...pairingHandlers(hub), ...adminHandlers(hub, new AdminGate(options.adminToken, store))],
    throttle,
    () => closing !== undefined,
  );

  io.engine.on('connection', (rawSocket: EngineSocket) => {
    if (!guard.established(rawSocket)) rawSocket.close();
    const request = rawSocket.request;
    if (!request) return;
    addresses.set(rawSocket, guard.addressOf(request));
    // The handshake's HTTP request is not needed once a socket is up; dropping it saves memory per
    // connection (socket.io's own advice), and socket.io then keeps no headers either. engine.io
    // still holds the upgrade request for the connection's life (its response stand-in listens
    // for the TCP socket's close), so its headers go too: about 1 KB a connection.
    rawSocket.request = null;
    request.headers = {};
    request.rawHeaders = [];
  });

  io.on('connection', (socket) => {
    if (closing) {
      socket.disconnect(true);
      return;
    }
    dispatcher.attach(socket);
    socket.on('disconnect', (reason) => {
      store.unqueue(socket.id).catch(() => undefined);
      rooms.disconnect(socket.id);
      log.debug({ event: 'disconnect', reason, sid: socket.id }, 'socket disconnected');
    });
  });

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
      await stunService?.close();
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
  if (options.stunPort !== undefined) {
    try {
      stunService = await startStun({ port: options.stunPort, host: options.stunHost, log });
    } catch (error: unknown) {
      if (options.stunRequired ?? true) {
        await close();
        throw new Error(`cannot answer STUN on UDP port ${options.stunPort}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      log.warn({ event: 'stun-unavailable', port: options.stunPort, err: error }, 'STUN not started; GET /ice leaves it out');
    }
  }
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ event: 'listening', url }, 'signaling server listening');
  return { url, port, stunPort: stunService?.port, close, closed };
}

/** How long `/healthz` waits for the store before it answers 503. */
const HEALTH_DEADLINE_MS = 1_500;

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('deadline')), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
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
