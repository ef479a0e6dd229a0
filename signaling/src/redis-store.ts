import { createHash, randomBytes } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { LUA, type ScriptName } from './redis-lua';
import { claimOutcome, departure, departures, redactUrl, type ScriptReply } from './redis-replies';
import { StallWatch } from './stall-watch';
import {
  StoreUnavailableError,
  type ChatStore,
  type ClaimOutcome,
  type Departure,
  type Limiter,
  type LimiterOptions,
  type RouteOutcome,
  type Seat,
  type SeatClaim,
  type Stranger,
} from './store';

export interface RedisStoreOptions {
  url: string;
  /** Prefix of every key and pub/sub channel, so several deployments (or tests) can share one Redis. */
  prefix: string;
  /** A process that has not heartbeaten for this long is dead and its seats are freed. */
  livenessTtlMs: number;
  log: Logger;
  /** How long to wait for Redis at start-up before giving up. */
  connectTimeoutMs?: number;
}

/**
 * Seats, the pairing queue and rate-limit counters in Redis, shared by every signaling process that
 * points at the same Redis and prefix. socket.io's Redis adapter carries emits between processes.
 *
 * Each process heartbeats a key with a TTL; seats remember which process holds their socket, so
 * when a process dies its seats are freed (by `sweep`, or by the next claim in the room) once its
 * heartbeat expires. While Redis is unreachable, calls throw `StoreUnavailableError` at once rather
 * than queueing, and the process comes back on its own when Redis does.
 */
/** How long a command waits for a stalled Redis before the request is answered UNAVAILABLE. */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

export class RedisStore implements ChatStore {
  readonly kind = 'redis';
  readonly sweepIntervalMs: number;
  /** socket.io's Redis adapter for this store's Redis and prefix. */
  readonly adapter: ReturnType<typeof createAdapter>;
  readonly #client: Redis;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #options: RedisStoreOptions;
  readonly #proc = randomBytes(8).toString('hex');
  readonly #sha = new Map<ScriptName, string>();
  readonly #recoverListeners: (() => void)[] = [];
  readonly #heartbeat: NodeJS.Timeout;
  readonly #stall: StallWatch;
  /**
   * Until then, a process without a heartbeat is not taken for dead: after an outage every
   * heartbeat may have lapsed, and the others need one TTL to renew theirs.
   */
  #trustDeadAfter = 0;
  #wasDown = false;
  #closed = false;

  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const store = new RedisStore(options);
    try {
      await store.#ready(options.connectTimeoutMs ?? 5_000);
    } catch (error: unknown) {
      await store.close();
      throw error;
    }
    return store;
  }

  private constructor(options: RedisStoreOptions) {
    this.#options = options;
    this.sweepIntervalMs = Math.max(100, Math.round(options.livenessTtlMs / 3));
    const retryStrategy = (attempt: number) => Math.min(100 * attempt, 2_000);
    // Fail fast while Redis is away: a refused join is better than one that hangs. A Redis that is
    // connected but stalled (paused, swapping) answers no command: each gives up after 2 s.
    this.#client = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      retryStrategy,
      connectionName: `meshchat-${this.#proc}`,
      lazyConnect: true,
    });
    // The adapter publishes without handling errors, so its clients queue while Redis is away
    // instead of rejecting; little is published then, since joins and relays are refused.
    this.#pub = new Redis(options.url, { maxRetriesPerRequest: null, retryStrategy, lazyConnect: true });
    this.#sub = this.#pub.duplicate();
    for (const client of [this.#client, this.#pub, this.#sub]) {
      client.on('error', (error: Error) => this.#options.log.debug({ event: 'redis-error', err: error.message }, 'redis error'));
    }
    this.#client.on('close', () => {
      if (this.#closed || this.#wasDown) return;
      this.#wasDown = true;
      this.#options.log.warn({ event: 'store-down', store: 'redis' }, 'lost Redis; refusing joins until it is back');
    });
    this.#client.on('ready', () => {
      if (!this.#wasDown) return;
      this.#wasDown = false;
      this.#recovered();
    });
    this.#stall = new StallWatch(() => (this.#client.status === 'ready' ? this.#client.ping() : undefined), {
      stalled: () => this.#options.log.warn({ event: 'store-stalled', store: 'redis' }, 'Redis does not answer; refusing joins until it does'),
      answered: () => this.#recovered(),
    });
    this.adapter = createAdapter(this.#pub, this.#sub, { key: `${options.prefix}socket.io` });
    this.#heartbeat = setInterval(() => this.#beat(), this.sweepIntervalMs);
    this.#heartbeat.unref();
  }

  get healthy(): boolean {
    return !this.#closed && this.#client.status === 'ready' && !this.#stall.stalled;
  }

  /** Back after an outage or a stall: renew the heartbeat, trust no dead process yet, retry. */
  #recovered(): void {
    this.#beat();
    this.#trustDeadAfter = Date.now() + this.#options.livenessTtlMs;
    this.#options.log.warn({ event: 'store-recovered', store: 'redis' }, 'Redis is back');
    for (const listener of this.#recoverListeners) listener();
  }

  onRecover(listener: () => void): void {
    this.#recoverListeners.push(listener);
  }

  async claim(claim: SeatClaim): Promise<ClaimOutcome> {
    const { socketId, room, nick, key, session, capacity, maxRooms } = claim;
    const reply = await this.#run('claim', [this.#proc, this.#trustDead(), socketId, room, nick, key, session, capacity, maxRooms]);
    return claimOutcome(reply);
  }

  async resume(socketId: string, session: string): Promise<ClaimOutcome> {
    return claimOutcome(await this.#run('resume', [this.#proc, socketId, session]));
  }

  async seatOf(socketId: string): Promise<Seat | undefined> {
    return (await this.#run('seatOf', [socketId])).seat;
  }

  async route(socketId: string, toKey: string): Promise<RouteOutcome> {
    const reply = await this.#run('route', [socketId, toKey]);
    if (reply.code === 'OK' && reply.from !== undefined && reply.socketId !== undefined) {
      return { ok: true, from: reply.from, socketId: reply.socketId };
    }
    const known = ['NOT_IN_ROOM', 'PEER_AWAY'] as const;
    return { ok: false, code: known.find((code) => code === reply.code) ?? 'PEER_NOT_FOUND' };
  }

  async leave(socketId: string): Promise<Departure | undefined> {
    return departure((await this.#run('leave', [socketId])).departure);
  }

  async kick(room: string, key: string): Promise<Departure | undefined> {
    return departure((await this.#run('kick', [room, key])).departure);
  }

  async hold(socketId: string, graceMs: number, holdId: string): Promise<Seat | undefined> {
    return (await this.#run('hold', [socketId, graceMs, holdId])).seat;
  }

  async expire(room: string, key: string, holdId: string): Promise<Departure | undefined> {
    return departure((await this.#run('expire', [room, key, holdId])).departure);
  }

  async sweep(): Promise<Departure[]> {
    if (this.#trustDead() === '0') return [];
    return departures((await this.#run('sweep', [])).departures);
  }

  async taken(room: string, keys: readonly string[]): Promise<boolean[]> {
    if (keys.length === 0) return [];
    const held = await this.#call(() => this.#client.hmget(`${this.#options.prefix}room:${room}`, ...keys));
    return held.map((value) => value !== null);
  }

  async roomCount(): Promise<number> {
    return this.#call(() => this.#client.scard(`${this.#options.prefix}rooms`));
  }

  async matchOrQueue({ socketId, nick, key }: Stranger): Promise<Stranger | 'queued' | 'already'> {
    const reply = await this.#run('matchOrQueue', [this.#proc, this.#trustDead(), socketId, nick, key]);
    if (reply.status === 'match' && reply.stranger) return reply.stranger;
    return reply.status === 'already' ? 'already' : 'queued';
  }

  async unqueue(socketId: string): Promise<boolean> {
    return (await this.#run('unqueue', [socketId])).removed === true;
  }

  async revoke(seat: string, at: number, ttlMs: number): Promise<void> {
    await this.#call(() => this.#client.set(this.#revokedKey(seat), String(at), 'PX', Math.max(1, Math.round(ttlMs))));
  }

  async revokedAt(seat: string): Promise<number | undefined> {
    const at = await this.#call(() => this.#client.get(this.#revokedKey(seat)));
    return at === null ? undefined : Number(at);
  }

  #revokedKey(seat: string): string {
    return `${this.#options.prefix}revoked:${seat}`;
  }

  async sharedSecret(candidate: string): Promise<string> {
    const key = `${this.#options.prefix}session-secret`;
    await this.#call(() => this.#client.set(key, candidate, 'NX'));
    return (await this.#call(() => this.#client.get(key))) ?? candidate;
  }

  async isQueued(socketId: string): Promise<boolean> {
    return (await this.#call(() => this.#client.hexists(`${this.#options.prefix}pairq:info`, socketId))) === 1;
  }

  budget(options: LimiterOptions): Limiter {
    const limiter = this.limiter(options);
    // While Redis stalls, counted here at once rather than after a command timeout each.
    const stalled = new RateLimiterMemory(options);
    return {
      consume: (key) =>
        (this.#stall.stalled ? stalled : limiter).consume(key).then(
          () => true,
          (error: unknown) => {
            if (error instanceof RateLimiterRes) return false;
            throw error;
          },
        ),
    };
  }

  limiter({ keyPrefix, points, duration }: LimiterOptions): RateLimiterAbstract {
    return new RateLimiterRedis({
      storeClient: this.#client,
      keyPrefix: `${this.#options.prefix}rl:${keyPrefix}`,
      points,
      duration,
      rejectIfRedisNotReady: true,
      // While Redis is away, budgets are kept per process rather than not at all.
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    clearInterval(this.#heartbeat);
    this.#stall.stop();
    // Stop heartbeating at once: seats still connected here are freed after one sweep, while
    // seats held for a reconnect keep their grace.
    if (this.#client.status === 'ready') await this.#client.del(this.#aliveKey()).catch(() => 0);
    this.#closed = true;
    await Promise.all([this.#client, this.#pub, this.#sub].map(farewell));
  }

  async #ready(timeoutMs: number): Promise<void> {
    const redacted = redactUrl(this.#options.url);
    const timeout = new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error(`could not reach Redis at ${redacted} within ${timeoutMs} ms`)), timeoutMs).unref();
    });
    await Promise.race([Promise.all([this.#client.connect(), this.#pub.connect(), this.#sub.connect()]), timeout]);
    await this.#client.set(this.#aliveKey(), '1', 'PX', this.#options.livenessTtlMs);
  }

  #aliveKey(): string {
    return `${this.#options.prefix}proc:${this.#proc}:alive`;
  }

  #beat(): void {
    if (this.#client.status !== 'ready') return;
    this.#client.set(this.#aliveKey(), '1', 'PX', this.#options.livenessTtlMs).catch((error: unknown) => {
      this.#options.log.debug({ event: 'heartbeat-failed', err: String(error) }, 'heartbeat failed');
    });
  }

  #trustDead(): '1' | '0' {
    return Date.now() >= this.#trustDeadAfter ? '1' : '0';
  }

  /** Run a script by its hash, loading it on first use (or after Redis restarted without it). */
  async #run(name: ScriptName, args: (string | number)[]): Promise<ScriptReply> {
    const lua = LUA[name];
    let sha = this.#sha.get(name);
    if (sha === undefined) {
      sha = createHash('sha1').update(lua).digest('hex');
      this.#sha.set(name, sha);
    }
    const argv = [this.#options.prefix, ...args];
    const raw = await this.#call(async () => {
      try {
        return await this.#client.evalsha(sha, 0, ...argv);
      } catch (error: unknown) {
        if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return this.#client.eval(lua, 0, ...argv);
        throw error;
      }
    });
    return JSON.parse(String(raw)) as ScriptReply;
  }

  /** Any failure to talk to Redis becomes `StoreUnavailableError`; the caller answers UNAVAILABLE. */
  async #call<T>(command: () => Promise<T>): Promise<T> {
    if (!this.healthy) throw new StoreUnavailableError('Redis is not reachable');
    try {
      return await command();
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.startsWith('ERR') || message.startsWith('WRONGTYPE')) throw error;
      throw new StoreUnavailableError(message);
    }
  }
}

/** How long a closing store waits for Redis to acknowledge QUIT before it just drops the connection. */
const QUIT_WAIT_MS = 1_000;

/** Close one connection: politely when Redis answers, at once when it is gone or stalled (QUIT would wait forever). */
async function farewell(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIT_WAIT_MS)));
    await Promise.race([client.quit().catch(() => undefined), waited]);
    clearTimeout(timer);
  }
  client.disconnect();
}
