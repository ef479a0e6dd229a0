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
import { PairingQueue, RoomRegistry, pairRoomName, type Departure } from './rooms';
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
// socket.io's SocketData has to be an object type; nothing is stored in it, state lives in RoomRegistry.
type SocketData = Record<string, never>;
type Stranger = { socketId: string; nick: string };

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

export async function createSignalingServer(options: SignalingOptions = {}): Promise<SignalingServer> {
  const host = options.host ?? '127.0.0.1';
  const log: Logger = pino({ level: options.logLevel ?? 'info', base: { service: 'signaling' } });
  const corsOrigins = new Set(options.corsOrigins ?? []);
  const startedAt = Date.now();
  const admin = new AdminGate(options.adminToken);
  const pairing = new PairingQueue();
  const throttle = new Throttle(options.rateLimits ?? RATE_LIMITS);
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

  const rooms = new RoomRegistry({
    maxRoomSize: options.maxRoomSize ?? DEFAULT_MAX_ROOM_SIZE,
    maxRooms: options.maxRooms ?? MAX_ROOMS,
    reconnectGraceMs: options.reconnectGraceMs ?? RECONNECT_GRACE_MS,
    onExpire: (departure) => announceDeparture(departure),
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

  app.get('/healthz', (_request, response) => {
    response.json({
      status: closing ? 'closing' : 'ok',
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      connections: io.engine.clientsCount,
      rooms: rooms.roomCount,
    });
  });
  serveClient(app, options.staticDir === undefined ? DEFAULT_STATIC_DIR : options.staticDir);

  function announceDeparture({ room, nick, reason, socketId }: Departure): void {
    if (socketId !== null) io.sockets.sockets.get(socketId)?.leave(roomChannel(room));
    io.to(roomChannel(room)).emit('peer-left', { nick, reason });
    log.info({ event: 'leave', reason, room, sid: socketId }, 'member left');
  }

  function seat(socket: ChatSocket, joined: JoinedRoom): void {
    void socket.join(roomChannel(joined.room));
    socket.to(roomChannel(joined.room)).emit('peer-joined', { nick: joined.nick });
    log.info({ event: 'join', room: joined.room, sid: socket.id, peers: joined.peers.length }, 'member joined');
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
        const departure = rooms.kick(request.room, request.nick);
        if (!departure) return fail('PEER_NOT_FOUND');
        if (departure.socketId !== null) io.to(departure.socketId).emit('kicked', { room: departure.room });
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
      handler(joinRequestSchema, (socket, { nick, room }) => {
        if (pairing.has(socket.id)) return fail('ALREADY_QUEUED');
        const joined = rooms.join(socket.id, nick, room);
        if (joined.ok) seat(socket, joined);
        return joined;
      }),
    ],
    [
      'resume',
      handler(resumeRequestSchema, (socket, { session }) => {
        if (pairing.has(socket.id)) return fail('ALREADY_QUEUED');
        const resumed = rooms.resume(socket.id, session);
        if (!resumed.ok) return resumed;
        const { replaced, ok: _ok, ...joined } = resumed;
        if (replaced !== null) io.sockets.sockets.get(replaced)?.disconnect(true);
        void socket.join(roomChannel(joined.room));
        log.info({ event: 'resume', room: joined.room, sid: socket.id }, 'member resumed');
        return { ok: true, ...joined };
      }),
    ],
    [
      'leave',
      handler(noPayloadSchema, (socket) => {
        const departure = rooms.leave(socket.id);
        if (!departure) return fail('NOT_IN_ROOM');
        announceDeparture(departure);
        return { ok: true };
      }),
    ],
    [
      'signal',
      handler(signalRequestSchema, (socket, { to, data }) => {
        const from = rooms.seatOf(socket.id);
        if (!from) return fail('NOT_IN_ROOM');
        const toNick = normalizeNick(to);
        const targetSocket = toNick === undefined ? undefined : rooms.socketOf(from.room, toNick);
        const target = targetSocket === undefined || targetSocket === socket.id ? undefined : io.sockets.sockets.get(targetSocket);
        if (!target) return fail('PEER_NOT_FOUND');
        // Straight to the socket: a broadcast through io.to() costs more per relay for the same effect.
        target.emit('signal', { from: from.nick, data });
        return { ok: true };
      }),
    ],
    [
      'pair',
      handler(pairRequestSchema, (socket, request) => {
        const nick = normalizeNick(request.nick);
        if (nick === undefined) return fail('NICK_INVALID');
        if (rooms.seatOf(socket.id)) return fail('ALREADY_IN_ROOM');
        if (pairing.has(socket.id)) return fail('ALREADY_QUEUED');
        queueStranger({ socketId: socket.id, nick });
        return { ok: true, queued: true };
      }),
    ],
    [
      'pair-cancel',
      handler(noPayloadSchema, (socket) => (pairing.remove(socket.id) ? { ok: true } : fail('NOT_QUEUED'))),
    ],
    ['admin', handler(adminRequestSchema, runAdmin)],
  ]);

  /** Pair a stranger with the longest-waiting other one, after its ack has gone out, or queue it. */
  function queueStranger(stranger: Stranger): void {
    const partner = pairing.matchOrEnqueue(stranger.socketId, stranger.nick);
    if (partner) setImmediate(() => pairUp(partner, stranger));
  }

  /** Seat two strangers in a fresh room of two; the one who waited longer is seated first. */
  function pairUp(...strangers: Stranger[]): void {
    const present = strangers.filter(({ socketId }) => io.sockets.sockets.has(socketId));
    if (present.length < strangers.length) {
      // One left in the meantime: the other goes back to waiting.
      present.forEach(queueStranger);
      return;
    }
    const room = pairRoomName();
    for (const { socketId, nick } of strangers) {
      const socket = io.sockets.sockets.get(socketId);
      const joined = rooms.join(socketId, nick, room, PAIR_ROOM_SIZE);
      if (!socket || !joined.ok) continue;
      seat(socket, joined);
      const { ok: _ok, ...paired } = joined;
      socket.emit('paired', paired);
    }
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
      pairing.remove(socket.id);
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
    else {
      try {
        result = await found.handle(socket, args[0]);
      } catch (error: unknown) {
        log.error({ event: 'handler-error', name: event, sid: socket.id, err: error }, 'handler failed');
        result = fail('BAD_REQUEST');
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
      rooms.close();
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
        httpServer.closeAllConnections();
      });
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
