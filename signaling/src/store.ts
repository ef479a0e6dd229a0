import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { ServerOptions } from 'socket.io';
import type { ErrorCode, LeaveReason } from '@meshchat/protocol';

type AdapterConstructor = NonNullable<ServerOptions['adapter']>;

/** Where a member sits: enough to address it and to tell its room about it. */
export interface Seat {
  room: string;
  nick: string;
}

export interface Departure extends Seat {
  /** The socket that held the seat, if it was still connected. */
  socketId: string | null;
  reason: LeaveReason;
}

/** A nickname claim, already validated and normalised by the caller. */
export interface SeatClaim {
  socketId: string;
  room: string;
  nick: string;
  /** `nickKey(nick)`: claims are unique on it, so "Alice" and "alice" cannot share a room. */
  key: string;
  session: string;
  /** Capacity of the room if this claim creates it. */
  capacity: number;
  /** Rooms that may exist at once; joining an existing room is always possible. */
  maxRooms: number;
}

export interface Claimed {
  room: string;
  nick: string;
  /** Members already there. */
  peers: string[];
  capacity: number;
  session: string;
  /** On resume: the socket that held the seat until now, which should be dropped. */
  replaced: string | null;
}

/**
 * The outcome of a claim or a resume. Seats the store found dead on the way (their grace over, or
 * their process gone) were freed; `evicted` names them so their rooms can be told.
 */
export type ClaimOutcome = { ok: true; claimed: Claimed; evicted: Departure[] } | { ok: false; code: ErrorCode; evicted: Departure[] };

export type RouteOutcome = { ok: true; from: string; socketId: string } | { ok: false; code: 'NOT_IN_ROOM' | 'PEER_NOT_FOUND' | 'PEER_AWAY' };

/** A stranger waiting to be paired. */
export interface Stranger {
  socketId: string;
  nick: string;
  key: string;
}

export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number;
}

/** A request budget: `consume` charges one request to a key, `false` once its window is used up. */
export interface Limiter {
  consume(key: string): boolean | Promise<boolean>;
}

/**
 * Everything one signaling process shares with the others: seats (room membership, nickname claims,
 * session tokens), the pairing queue and rate-limit counters. `MemoryStore` keeps them in this
 * process; `RedisStore` keeps them in Redis so several processes behind a load balancer act as one.
 *
 * Each method is one atomic step, so two claims of one nickname never both win, whichever process
 * they reach. Rules that do not need shared state (validating names, minting sessions, grace timers,
 * telling rooms) live above the store, in `RoomRegistry` and the server, once for both stores.
 *
 * A seat is live while its socket is connected and the process holding that socket is alive. A
 * dropped socket's seat is *held* for the reconnect grace; a held seat past its grace, or a live seat
 * whose process stopped heartbeating, is dead and freed by the next claim in its room or by `sweep`.
 */
export interface ChatStore {
  readonly kind: 'memory' | 'redis';
  /** `false` while the shared state cannot be reached; the server then refuses new joins. */
  readonly healthy: boolean;
  /** Called whenever the store becomes reachable again after an outage. */
  onRecover(listener: () => void): void;

  claim(claim: SeatClaim): Promise<ClaimOutcome>;
  /** Move the seat of `session` to `socketId`, ending its grace. */
  resume(socketId: string, session: string): Promise<ClaimOutcome>;
  seatOf(socketId: string): Promise<Seat | undefined>;
  /** The sender's nickname and the connected socket of `toKey` in the sender's room. */
  route(socketId: string, toKey: string): Promise<RouteOutcome>;
  /** Free the seat of `socketId` (it left on purpose). */
  leave(socketId: string): Promise<Departure | undefined>;
  /** Free the seat of `key` in `room`, connected or held. */
  kick(room: string, key: string): Promise<Departure | undefined>;
  /** The socket dropped: hold its seat for `graceMs` under `holdId`. */
  hold(socketId: string, graceMs: number, holdId: string): Promise<Seat | undefined>;
  /** The grace of hold `holdId` is over: free the seat unless it was resumed (or held again) since. */
  expire(room: string, key: string, holdId: string): Promise<Departure | undefined>;
  /** Free the seats of processes that stopped heartbeating. */
  sweep(): Promise<Departure[]>;
  /** How often `sweep` is worth calling; `undefined` when there is nothing to sweep. */
  readonly sweepIntervalMs: number | undefined;
  roomCount(): Promise<number>;
  /** For each seat key, whether someone holds it in `room` (present or within their grace). */
  taken(room: string, keys: readonly string[]): Promise<boolean[]>;

  /**
   * Take the longest-waiting stranger whose nickname differs from this one, or queue this one.
   * `'queued'` means it now waits; `'already'` that it was waiting before.
   */
  matchOrQueue(stranger: Stranger): Promise<Stranger | 'queued' | 'already'>;
  unqueue(socketId: string): Promise<boolean>;
  isQueued(socketId: string): Promise<boolean>;

  /**
   * Revoke the session tokens of `seat` (`room\nkey`) issued up to `at`, for `ttlMs`: a member who
   * left or was kicked cannot have the seat back with an old token, even from a restarted server.
   */
  revoke(seat: string, at: number, ttlMs: number): Promise<void>;
  /** When the tokens of `seat` were last revoked, if within its time to live. */
  revokedAt(seat: string): Promise<number | undefined>;

  /**
   * The secret session tokens are signed with: `candidate` unless the store already holds one
   * (with Redis, the first process to start sets it and every other process uses the same).
   */
  sharedSecret(candidate: string): Promise<string>;
  /** socket.io's adapter for carrying emits to the other processes on this store, if there are any. */
  readonly adapter?: AdapterConstructor;

  /** A request budget whose counters live in the store (rewards and lock-outs: admin tokens). */
  limiter(options: LimiterOptions): RateLimiterAbstract;
  /** A plain request budget on the hot path, counted in the store: synchronous where it can be. */
  budget(options: LimiterOptions): Limiter;
  close(): Promise<void>;
}

/** The store could not be reached; the request is refused with `UNAVAILABLE` and changes nothing. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}
