import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type {
  ChatStore,
  ClaimOutcome,
  Departure,
  Limiter,
  LimiterOptions,
  RouteOutcome,
  Seat,
  SeatClaim,
  Stranger,
} from './store';
import { Revocations } from './revocations';
import { WindowCounter } from './window-counter';

interface Member {
  nick: string;
  /** `null` while the seat is held for a dropped socket. */
  socketId: string | null;
  session: string;
  /** The current hold, while the socket is away. */
  hold: string | null;
  /** When the hold's grace ends (ms since the epoch). */
  until: number;
}

interface Room {
  capacity: number;
  /** Keyed by `nickKey(nick)`. */
  members: Map<string, Member>;
}

interface SeatRef {
  room: string;
  key: string;
}

/**
 * The embedded default: one process's seats and queue in instance-owned `Map`s. Every method runs
 * to completion without awaiting, which is what makes each one atomic here.
 */
export class MemoryStore implements ChatStore {
  readonly kind = 'memory';
  readonly healthy = true;
  readonly sweepIntervalMs = undefined;
  readonly #rooms = new Map<string, Room>();
  readonly #bySocket = new Map<string, SeatRef>();
  readonly #bySession = new Map<string, SeatRef>();
  /** Socket id → stranger; a `Map` iterates oldest first. */
  readonly #waiting = new Map<string, Stranger>();
  readonly #revocations: Revocations;

  /** `revocationsFile` keeps revoked seats across restarts (the rest of this store is forgotten on purpose). */
  constructor(options: { revocationsFile?: string | undefined } = {}) {
    this.#revocations = new Revocations(options.revocationsFile);
  }

  onRecover(): void {
    // Memory is never unreachable.
  }

  async revoke(seat: string, at: number, ttlMs: number): Promise<void> {
    this.#revocations.revoke(seat, at, ttlMs);
  }

  async revokedAt(seat: string): Promise<number | undefined> {
    return this.#revocations.revokedAt(seat);
  }

  async claim({ socketId, room, nick, key, session, capacity, maxRooms }: SeatClaim): Promise<ClaimOutcome> {
    if (this.#bySocket.has(socketId)) return { ok: false, code: 'ALREADY_IN_ROOM', evicted: [] };
    const evicted = this.#evictDead(room);
    const existing = this.#rooms.get(room);
    if (existing?.members.has(key)) return { ok: false, code: 'NICK_TAKEN', evicted };
    if (existing && existing.members.size >= existing.capacity) return { ok: false, code: 'ROOM_FULL', evicted };
    if (!existing && this.#rooms.size >= maxRooms) return { ok: false, code: 'TOO_MANY_ROOMS', evicted };

    const target = existing ?? { capacity, members: new Map<string, Member>() };
    const peers = [...target.members.values()].map((member) => member.nick);
    target.members.set(key, { nick, socketId, session, hold: null, until: 0 });
    this.#rooms.set(room, target);
    this.#bySocket.set(socketId, { room, key });
    this.#bySession.set(session, { room, key });
    return { ok: true, claimed: { room, nick, peers, capacity: target.capacity, session, replaced: null }, evicted };
  }

  async resume(socketId: string, session: string): Promise<ClaimOutcome> {
    if (this.#bySocket.has(socketId)) return { ok: false, code: 'ALREADY_IN_ROOM', evicted: [] };
    const ref = this.#bySession.get(session);
    const room = ref && this.#rooms.get(ref.room);
    const member = ref && room?.members.get(ref.key);
    if (!ref || !room || !member) return { ok: false, code: 'SESSION_INVALID', evicted: [] };
    if (!isLive(member)) {
      return { ok: false, code: 'SESSION_INVALID', evicted: [this.#remove(ref, 'disconnected')].filter((d) => d !== undefined) };
    }
    const replaced = member.socketId;
    if (replaced !== null) this.#bySocket.delete(replaced);
    Object.assign(member, { socketId, hold: null, until: 0 });
    this.#bySocket.set(socketId, ref);
    const peers = [...room.members.values()].filter((other) => other !== member).map((other) => other.nick);
    return { ok: true, claimed: { room: ref.room, nick: member.nick, peers, capacity: room.capacity, session, replaced }, evicted: [] };
  }

  async seatOf(socketId: string): Promise<Seat | undefined> {
    const ref = this.#bySocket.get(socketId);
    const member = ref && this.#member(ref);
    return ref && member && { room: ref.room, nick: member.nick };
  }

  async route(socketId: string, toKey: string): Promise<RouteOutcome> {
    const ref = this.#bySocket.get(socketId);
    const from = ref && this.#member(ref);
    if (!ref || !from) return { ok: false, code: 'NOT_IN_ROOM' };
    const target = this.#member({ room: ref.room, key: toKey });
    if (!target || target.socketId === socketId) return { ok: false, code: 'PEER_NOT_FOUND' };
    if (!target.socketId) return { ok: false, code: 'PEER_AWAY' };
    return { ok: true, from: from.nick, socketId: target.socketId };
  }

  async leave(socketId: string): Promise<Departure | undefined> {
    const ref = this.#bySocket.get(socketId);
    return ref && this.#remove(ref, 'left');
  }

  async kick(room: string, key: string): Promise<Departure | undefined> {
    return this.#remove({ room, key }, 'kicked');
  }

  async hold(socketId: string, graceMs: number, holdId: string): Promise<Seat | undefined> {
    const ref = this.#bySocket.get(socketId);
    const member = ref && this.#member(ref);
    if (!ref || !member) return undefined;
    this.#bySocket.delete(socketId);
    Object.assign(member, { socketId: null, hold: holdId, until: Date.now() + graceMs });
    return { room: ref.room, nick: member.nick };
  }

  async expire(room: string, key: string, holdId: string): Promise<Departure | undefined> {
    const member = this.#member({ room, key });
    return member?.hold === holdId ? this.#remove({ room, key }, 'disconnected') : undefined;
  }

  async sweep(): Promise<Departure[]> {
    // One process: no other process can die holding seats.
    return [];
  }

  async taken(room: string, keys: readonly string[]): Promise<boolean[]> {
    const members = this.#rooms.get(room)?.members;
    return keys.map((key) => members?.has(key) === true);
  }

  async roomCount(): Promise<number> {
    return this.#rooms.size;
  }

  async matchOrQueue(stranger: Stranger): Promise<Stranger | 'queued' | 'already'> {
    if (this.#waiting.has(stranger.socketId)) return 'already';
    for (const [socketId, other] of this.#waiting) {
      if (other.key === stranger.key) continue;
      this.#waiting.delete(socketId);
      return other;
    }
    this.#waiting.set(stranger.socketId, stranger);
    return 'queued';
  }

  async unqueue(socketId: string): Promise<boolean> {
    return this.#waiting.delete(socketId);
  }

  async isQueued(socketId: string): Promise<boolean> {
    return this.#waiting.has(socketId);
  }

  async sharedSecret(candidate: string): Promise<string> {
    return candidate;
  }

  limiter({ keyPrefix, points, duration }: LimiterOptions): RateLimiterAbstract {
    return new RateLimiterMemory({ keyPrefix, points, duration });
  }

  budget({ points, duration }: LimiterOptions): Limiter {
    return new WindowCounter(points, duration);
  }

  async close(): Promise<void> {
    this.#rooms.clear();
    this.#bySocket.clear();
    this.#bySession.clear();
    this.#waiting.clear();
  }

  #member({ room, key }: SeatRef): Member | undefined {
    return this.#rooms.get(room)?.members.get(key);
  }

  /** Free held seats in `room` whose grace is over (their timers normally get there first). */
  #evictDead(room: string): Departure[] {
    const members = this.#rooms.get(room)?.members ?? new Map<string, Member>();
    const dead = [...members].filter(([, member]) => !isLive(member));
    return dead.map(([key]) => this.#remove({ room, key }, 'disconnected')).filter((departure) => departure !== undefined);
  }

  #remove(ref: SeatRef, reason: Departure['reason']): Departure | undefined {
    const room = this.#rooms.get(ref.room);
    const member = room?.members.get(ref.key);
    if (!room || !member) return undefined;
    room.members.delete(ref.key);
    if (room.members.size === 0) this.#rooms.delete(ref.room);
    this.#bySession.delete(member.session);
    if (member.socketId !== null) this.#bySocket.delete(member.socketId);
    return { room: ref.room, nick: member.nick, socketId: member.socketId, reason };
  }
}

function isLive(member: Member): boolean {
  return member.hold === null || member.until > Date.now();
}
