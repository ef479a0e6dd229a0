import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  PAIR_ROOM_PREFIX,
  fail,
  isMemberId,
  normalizeNick,
  normalizeRoom,
  seatName,
  type JoinedRoom,
  type Result,
} from '@meshchat/protocol';
import { memberKey, namesLike } from './seat-key';
import { seatId, type SessionClaims, type SessionTokens } from './sessions';
import { StoreUnavailableError, type ChatStore, type ClaimOutcome, type Departure, type Seat } from './store';

export type { Departure, Seat } from './store';

export interface RoomRegistryOptions {
  store: ChatStore;
  sessions: SessionTokens;
  /** When this process started: tokens issued before it may win back seats its store forgot. */
  startedAt: number;
  maxRoomSize: number;
  /** Rooms that may exist at once; joining an existing room is always possible. */
  maxRooms: number;
  reconnectGraceMs: number;
  /** How long the seat of a page that said goodbye is kept: time for a reload to take it back. */
  reloadGraceMs: number;
  /**
   * How often a seated member gets a fresh session token. After a restart only tokens issued within
   * this plus the grace before the restart win a seat back: older ones belong to people long gone.
   */
  sessionReissueMs: number;
  /** Seats freed without a request of their own: grace over, or their process gone. */
  onDepart: (departures: Departure[]) => void;
  /** A fresh token for the member on `socketId`, to replace the one it holds. */
  onReissue: (socketId: string, session: string) => void;
  log: Logger;
}


/** A seat as this process holds it for a connected socket: enough to re-issue its token. */
interface LocalSeat {
  room: string;
  nick: string;
  seat: string;
  /** When this socket took the seat: a token issued before is a page that had it earlier (a reload's last goodbye). */
  since: number;
}
/** A seat taken back with a session token. */
type Resumed = JoinedRoom & { replaced: string | null; impostor: string | null; restored: boolean };

/**
 * The rules of rooms and nicknames, the same whichever store keeps them: names are validated and
 * normalised here, sessions minted here, and a dropped socket's grace is timed here by the process
 * that held the socket. The store does each step atomically, in this process or in Redis.
 */
export class RoomRegistry {
  readonly #store: ChatStore;
  readonly #options: RoomRegistryOptions;
  /** Seats held for sockets that dropped on this process, by socket id, with the timer that frees each: a late goodbye still shortens it. */
  readonly #held = new Map<string, { seat: Seat; seatId: string | undefined; holdId: string; timer: NodeJS.Timeout }>();
  /** Sockets whose page said goodbye before their seat was held. */
  readonly #goodbyes = new Set<string>();
  /** Sockets that dropped and whose seats the store is holding now (a goodbye may still come in between), with their seat's id. */
  readonly #holding = new Map<string, string | undefined>();
  /** Bookkeeping that failed while the store was away; run again when it is back. */
  #retries: (() => Promise<void>)[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #sweeper: NodeJS.Timeout | undefined;
  /**
   * Seats taken by a plain join within the reconnect grace after this process started, by room and
   * key: a forgotten member coming back with a signed token wins such a seat back.
   */
  readonly #provisional = new Map<string, string>();
  /** Seats of sockets connected to this process, by socket id. */
  readonly #local = new Map<string, LocalSeat>();
  readonly #reissuer: NodeJS.Timeout;

  constructor(options: RoomRegistryOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#store.onRecover(() => {
      const retries = this.#retries;
      this.#retries = [];
      for (const task of retries) this.#background(task);
    });
    const interval = this.#store.sweepIntervalMs;
    if (interval !== undefined) {
      this.#sweeper = setInterval(() => {
        if (this.#store.healthy) this.#background(async () => this.#depart(await this.#store.sweep()), false);
      }, interval);
      this.#sweeper.unref();
    }
    this.#reissuer = setInterval(() => {
      for (const [socketId, { room, nick, seat }] of this.#local) options.onReissue(socketId, options.sessions.mint(room, nick, seat));
    }, options.sessionReissueMs);
    this.#reissuer.unref();
  }

  roomCount(): Promise<number> {
    return this.#store.roomCount();
  }

  seatOf(socketId: string): Promise<Seat | undefined> {
    return this.#store.seatOf(socketId);
  }

  /** Who `socketId` is, and the connected socket of `rawTo` in its room. */
  async route(socketId: string, rawTo: string): Promise<Result<{ from: string; socketId: string }>> {
    const to = isMemberId(rawTo) ? rawTo : normalizeNick(rawTo);
    const routed = await this.#store.route(socketId, to === undefined ? '' : memberKey(to));
    return routed.ok ? { ok: true, from: routed.from, socketId: routed.socketId } : fail(routed.code);
  }

  /**
   * Claim `rawNick` in `rawRoom` for a socket. Changes nothing unless it succeeds. In a private room
   * the name is an opaque id, and `alternatives` are the ids of the names the client would suggest
   * in its place (the server cannot make them): the first one free is the suggestion.
   */
  async join(socketId: string, rawNick: string, rawRoom: string | undefined, options: { capacity?: number; alternatives?: readonly string[] } = {}): Promise<Result<JoinedRoom>> {
    const room = normalizeRoom(rawRoom);
    const nick = seatName(rawNick, room ?? '');
    if (nick === undefined) return fail('NICK_INVALID');
    if (room === undefined) return fail('ROOM_INVALID');
    const claimed = await this.#claim(socketId, room, nick, options.capacity ?? this.#options.maxRoomSize, seatId());
    if (!claimed.ok && claimed.code === 'NICK_TAKEN') {
      const suggestion = await this.#freeNickLike(room, nick, options.alternatives ?? []);
      return suggestion === undefined ? claimed : { ...claimed, suggestion };
    }
    if (!claimed.ok) return claimed;
    if (this.#restarting()) this.#provisional.set(`${room}\n${memberKey(nick)}`, socketId);
    const { replaced: _replaced, ...joined } = claimed;
    return joined;
  }

  /**
   * Reclaim a seat with its session token. Works while the grace runs, and also when the old
   * socket is not yet known to be dead; `replaced` then names that socket so it can be dropped.
   * A store that forgot the seat (this process restarted) gives it back for a token this server's
   * secret signed before the restart, within the grace, even from someone who took the name since
   * with a plain join: `impostor` names that socket. A seat given back is `restored`: to the room
   * it is a new claim, and members who came after the restart have not heard of it.
   */
  async resume(socketId: string, session: string): Promise<Result<Resumed>> {
    const claims = this.#options.sessions.verify(session);
    if (!claims) return fail('SESSION_INVALID');
    const resumed = this.#settle(socketId, await this.#store.resume(socketId, claims.seat));
    if (resumed.ok) return { ...resumed, impostor: null, restored: false };
    if (resumed.code !== 'SESSION_INVALID' || !(await this.#restorable(claims))) return resumed;
    const room = normalizeRoom(claims.room);
    const nick = room === undefined ? undefined : seatName(claims.nick, room);
    if (room === undefined || nick === undefined) return resumed;
    const seat = `${room}\n${memberKey(nick)}`;
    const impostor = this.#provisional.get(seat) ?? null;
    let claimed = await this.#claim(socketId, room, nick, this.#options.maxRoomSize, claims.seat);
    if (!claimed.ok && claimed.code === 'NICK_TAKEN' && impostor !== null) {
      await this.#store.kick(room, memberKey(nick));
      this.#provisional.delete(seat);
      this.#local.delete(impostor);
      claimed = await this.#claim(socketId, room, nick, this.#options.maxRoomSize, claims.seat);
      return claimed.ok ? { ...claimed, impostor, restored: true } : claimed;
    }
    return claimed.ok ? { ...claimed, impostor: null, restored: true } : claimed;
  }

  /**
   * Whether a token this store does not know may win its seat back: only while this process has
   * just started, only for a token issued before the start and recently enough that its member was
   * still there (tokens are re-issued every `sessionReissueMs`), and never for a seat left or kicked.
   */
  async #restorable({ room, nick, issuedAt }: SessionClaims): Promise<boolean> {
    const { startedAt, sessionReissueMs, reconnectGraceMs } = this.#options;
    if (!this.#restarting() || issuedAt >= startedAt || issuedAt < startedAt - sessionReissueMs - reconnectGraceMs) return false;
    const revoked = await this.#store.revokedAt(`${room}\n${memberKey(nick)}`);
    return revoked === undefined || revoked < issuedAt;
  }

  /** A name like `nick` nobody in `room` holds (see `namesLike`), if one of the first few is free. */
  async #freeNickLike(room: string, nick: string, alternatives: readonly string[]): Promise<string | undefined> {
    const candidates = namesLike(nick, alternatives);
    if (candidates.length === 0) return undefined;
    // Without the store there is no knowing what is free: the refusal goes without a suggestion.
    const taken = await this.#store.taken(room, candidates.map(memberKey)).catch(() => candidates.map(() => true));
    return candidates.find((_, i) => !taken[i]);
  }

  /** Whether this process started less than one reconnect grace ago. */
  #restarting(): boolean {
    if (Date.now() < this.#options.startedAt + this.#options.reconnectGraceMs) return true;
    this.#provisional.clear();
    return false;
  }

  async #claim(socketId: string, room: string, nick: string, capacity: number, seat: string): Promise<Result<JoinedRoom & { replaced: string | null }>> {
    const outcome = await this.#store.claim({ socketId, room, nick, key: memberKey(nick), session: seat, capacity, maxRooms: this.#options.maxRooms });
    return this.#settle(socketId, outcome);
  }

  /** The socket left on purpose: free the nickname now, and with it every token for it. */
  async leave(socketId: string): Promise<Departure | undefined> {
    this.#local.delete(socketId);
    return this.#revoke(await this.#store.leave(socketId));
  }

  /** An admin removes `rawNick` from `rawRoom`, online or not; its tokens go with it. */
  async kick(rawRoom: string, rawNick: string): Promise<Departure | undefined> {
    const room = normalizeRoom(rawRoom);
    const nick = room === undefined ? undefined : seatName(rawNick, room);
    if (room === undefined || nick === undefined) return undefined;
    const departure = await this.#revoke(await this.#store.kick(room, memberKey(nick)));
    if (departure?.socketId) this.#local.delete(departure.socketId);
    return departure;
  }

  /**
   * A seat left on purpose: its tokens win nothing back, until they are too old to anyway. The seat
   * is free whether or not this is recorded (a store that fails here does not undo the leave).
   */
  async #revoke(departure: Departure | undefined): Promise<Departure | undefined> {
    if (!departure) return undefined;
    const { sessionReissueMs, reconnectGraceMs, log } = this.#options;
    await this.#store.revoke(`${departure.room}\n${memberKey(departure.nick)}`, Date.now(), sessionReissueMs + 2 * reconnectGraceMs).catch((error: unknown) => {
      log.warn({ event: 'revoke-failed', room: departure.room, err: String(error) }, 'could not record a seat as left; its tokens stay valid until they age out');
    });
    return departure;
  }

  /**
   * The page on `socketId` is going away (closed, reloaded, navigated elsewhere): its seat is held
   * only for a reload, whether the goodbye comes before its socket drops or just after.
   */
  goodbye(socketId: string, dropped: boolean): void {
    const held = this.#held.get(socketId);
    if (held) this.#expireAfter(socketId, held, this.#options.reloadGraceMs, 'left');
    // Before the drop, or while its hold is being made (a goodbye that waited on the store): the hold reads it.
    else if (!dropped || this.#holding.has(socketId)) this.#goodbyes.add(socketId);
  }

  /**
   * The socket dropped: hold its seat for the reconnect grace (a reload's, if its page said
   * goodbye), then free it. Never throws; while the store is away the hold waits for it to come back.
   */
  disconnect(socketId: string): void {
    const seatId = this.#local.get(socketId)?.seat;
    this.#local.delete(socketId);
    this.#holding.set(socketId, seatId);
    this.#background(async () => {
      const holdId = randomBytes(12).toString('base64url');
      let seat: Seat | undefined;
      let saidGoodbye: boolean;
      try {
        seat = await this.#store.hold(socketId, this.#options.reconnectGraceMs, holdId);
      } finally {
        // In the same turn as the hold is recorded below: a goodbye never falls between the two.
        this.#holding.delete(socketId);
        saidGoodbye = this.#goodbyes.delete(socketId);
      }
      if (!seat) return;
      const { reloadGraceMs, reconnectGraceMs } = this.#options;
      this.#expireAfter(socketId, { seat, seatId, holdId }, saidGoodbye ? reloadGraceMs : reconnectGraceMs, saidGoodbye ? 'left' : 'disconnected');
    });
  }

  /**
   * A closing page's goodbye by its session token: a beacon, which outlives the page where the
   * socket's last frame may not. `elsewhere`: no socket of this process holds that seat.
   */
  goodbyeByToken(token: string): 'said' | 'elsewhere' | 'invalid' {
    const claims = this.#options.sessions.verify(token);
    if (claims === undefined) return 'invalid';
    const seatId = claims.seat;
    for (const [socketId, local] of this.#local) {
      if (local.seat !== seatId) continue;
      // A reload's page has the seat again already: the old page's goodbye is not about it.
      if (claims.issuedAt < local.since) return 'said';
      this.goodbye(socketId, false);
      return 'said';
    }
    // A socket that dropped: its seat is being held, or is held.
    const dropped = [...this.#holding].find(([, id]) => id === seatId)?.[0] ?? [...this.#held].find(([, held]) => held.seatId === seatId)?.[0];
    if (dropped === undefined) return 'elsewhere';
    this.goodbye(dropped, true);
    return 'said';
  }

  /** Free the seat held as `holdId` after `ms`, unless it was resumed; those who stay are told it left for `reason`. */
  #expireAfter(socketId: string, { seat, seatId, holdId }: { seat: Seat; seatId: string | undefined; holdId: string }, ms: number, reason: Departure['reason']): void {
    clearTimeout(this.#held.get(socketId)?.timer);
    const timer = setTimeout(() => {
      this.#held.delete(socketId);
      this.#background(async () => {
        const departure = await this.#store.expire(seat.room, memberKey(seat.nick), holdId);
        this.#depart([departure && { ...departure, reason }]);
      });
    }, ms);
    timer.unref();
    this.#held.set(socketId, { seat, seatId, holdId, timer });
  }

  /** Stop timers and wait for bookkeeping under way; the registry is not used afterwards. */
  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    clearInterval(this.#reissuer);
    for (const { timer } of this.#held.values()) clearTimeout(timer);
    this.#held.clear();
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  /** The store's outcome as the client sees it: the seat's id becomes a freshly signed token. */
  #settle(socketId: string, outcome: ClaimOutcome): Result<JoinedRoom & { replaced: string | null }> {
    this.#depart(outcome.evicted);
    if (!outcome.ok) return fail(outcome.code);
    const { room, nick, session: seat } = outcome.claimed;
    this.#local.set(socketId, { room, nick, seat, since: Date.now() });
    return { ok: true, ...outcome.claimed, session: this.#options.sessions.mint(room, nick, seat) };
  }

  #depart(departures: (Departure | undefined)[]): void {
    const gone = departures.filter((departure) => departure !== undefined);
    for (const { socketId } of gone) if (socketId !== null) this.#local.delete(socketId);
    if (gone.length > 0) this.#options.onDepart(gone);
  }

  /** Run bookkeeping nobody awaits; if the store is away, run it again once it is back. */
  #background(task: () => Promise<void>, retry = true): void {
    const running = task()
      .catch((error: unknown) => {
        if (error instanceof StoreUnavailableError) {
          if (retry) this.#retries.push(task);
          return;
        }
        this.#options.log.error({ event: 'store-error', err: error }, 'store bookkeeping failed');
      })
      .finally(() => this.#inFlight.delete(running));
    this.#inFlight.add(running);
  }
}

/** An unguessable room name for a pair of strangers, valid under the room-name rules. */
export function pairRoomName(): string {
  return `${PAIR_ROOM_PREFIX}${randomBytes(16).toString('base64url')}`;
}
