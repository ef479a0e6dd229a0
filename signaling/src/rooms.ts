import { randomBytes } from 'node:crypto';
import {
  fail,
  nickKey,
  normalizeNick,
  normalizeRoom,
  type JoinedRoom,
  type LeaveReason,
  type Result,
} from '@meshchat/protocol';

interface Member {
  nick: string;
  /** `null` while the member's socket is gone and its reconnect grace runs. */
  socketId: string | null;
  session: string;
  graceTimer: NodeJS.Timeout | undefined;
}

interface Room {
  name: string;
  capacity: number;
  /** Keyed by `nickKey(nick)`, so nicknames are unique case-insensitively. */
  members: Map<string, Member>;
}

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

export interface RoomRegistryOptions {
  maxRoomSize: number;
  /** Rooms that may exist at once; joining an existing room is always possible. */
  maxRooms: number;
  reconnectGraceMs: number;
  /** Called when a dropped member's grace runs out and its nickname is freed. */
  onExpire: (departure: Departure) => void;
}

/**
 * Rooms, nickname claims and session tokens of one signaling process. Everything is keyed by
 * socket id, room name or session token in instance-owned `Map`s, and removed when a member
 * leaves, is kicked or its reconnect grace runs out.
 */
export class RoomRegistry {
  readonly #rooms = new Map<string, Room>();
  readonly #seatBySocket = new Map<string, Seat>();
  readonly #seatBySession = new Map<string, Seat>();
  readonly #options: RoomRegistryOptions;

  constructor(options: RoomRegistryOptions) {
    this.#options = options;
  }

  get roomCount(): number {
    return this.#rooms.size;
  }

  get memberCount(): number {
    let count = 0;
    for (const room of this.#rooms.values()) count += room.members.size;
    return count;
  }

  seatOf(socketId: string): Seat | undefined {
    return this.#seatBySocket.get(socketId);
  }

  /** The connected socket of `nick` in `room`, if that member is there and online. */
  socketOf(room: string, nick: string): string | undefined {
    return this.#rooms.get(room)?.members.get(nickKey(nick))?.socketId ?? undefined;
  }

  /** Claim `rawNick` in `rawRoom` for a socket. Changes nothing unless it succeeds. */
  join(socketId: string, rawNick: string, rawRoom: string | undefined, capacity?: number): Result<JoinedRoom> {
    if (this.#seatBySocket.has(socketId)) return fail('ALREADY_IN_ROOM');
    const nick = normalizeNick(rawNick);
    if (nick === undefined) return fail('NICK_INVALID');
    const roomName = normalizeRoom(rawRoom);
    if (roomName === undefined) return fail('ROOM_INVALID');

    const existing = this.#rooms.get(roomName);
    const key = nickKey(nick);
    if (existing?.members.has(key)) return fail('NICK_TAKEN');
    if (existing && existing.members.size >= existing.capacity) return fail('ROOM_FULL');
    if (!existing && this.#rooms.size >= this.#options.maxRooms) return fail('TOO_MANY_ROOMS');

    const room = existing ?? { name: roomName, capacity: capacity ?? this.#options.maxRoomSize, members: new Map() };
    const peers = [...room.members.values()].map((member) => member.nick);
    const session = randomBytes(24).toString('base64url');
    room.members.set(key, { nick, socketId, session, graceTimer: undefined });
    this.#rooms.set(roomName, room);
    const seat = { room: roomName, nick };
    this.#seatBySocket.set(socketId, seat);
    this.#seatBySession.set(session, seat);
    return { ok: true, room: roomName, nick, peers, capacity: room.capacity, session };
  }

  /**
   * Reclaim a seat with its session token. Works while the grace runs, and also when the old
   * socket is not yet known to be dead; `replaced` then names that socket so it can be dropped.
   */
  resume(socketId: string, session: string): Result<JoinedRoom & { replaced: string | null }> {
    if (this.#seatBySocket.has(socketId)) return fail('ALREADY_IN_ROOM');
    const seat = this.#seatBySession.get(session);
    const room = seat && this.#rooms.get(seat.room);
    const member = seat && room?.members.get(nickKey(seat.nick));
    if (!seat || !room || !member) return fail('SESSION_INVALID');

    clearTimeout(member.graceTimer);
    member.graceTimer = undefined;
    const replaced = member.socketId;
    if (replaced !== null) this.#seatBySocket.delete(replaced);
    member.socketId = socketId;
    this.#seatBySocket.set(socketId, seat);
    const peers = [...room.members.values()].filter((other) => other !== member).map((other) => other.nick);
    return { ok: true, room: room.name, nick: member.nick, peers, capacity: room.capacity, session, replaced };
  }

  /** The socket left on purpose: free the nickname now. */
  leave(socketId: string): Departure | undefined {
    const seat = this.#seatBySocket.get(socketId);
    return seat && this.#remove(seat, 'left');
  }

  /** An admin removes `rawNick` from `rawRoom`, online or not. */
  kick(rawRoom: string, rawNick: string): Departure | undefined {
    const room = normalizeRoom(rawRoom);
    const nick = normalizeNick(rawNick);
    if (room === undefined || nick === undefined) return undefined;
    const member = this.#rooms.get(room)?.members.get(nickKey(nick));
    return member && this.#remove({ room, nick: member.nick }, 'kicked');
  }

  /** The socket dropped: hold its seat for the reconnect grace, then free it. */
  disconnect(socketId: string): void {
    const seat = this.#seatBySocket.get(socketId);
    if (!seat) return;
    this.#seatBySocket.delete(socketId);
    const member = this.#rooms.get(seat.room)?.members.get(nickKey(seat.nick));
    if (!member) return;
    member.socketId = null;
    member.graceTimer = setTimeout(() => {
      const departure = this.#remove(seat, 'disconnected');
      if (departure) this.#options.onExpire(departure);
    }, this.#options.reconnectGraceMs);
    member.graceTimer.unref();
  }

  /** Stop every grace timer; the registry is not used afterwards. */
  close(): void {
    for (const room of this.#rooms.values()) {
      for (const member of room.members.values()) clearTimeout(member.graceTimer);
    }
    this.#rooms.clear();
    this.#seatBySocket.clear();
    this.#seatBySession.clear();
  }

  #remove(seat: Seat, reason: LeaveReason): Departure | undefined {
    const room = this.#rooms.get(seat.room);
    const key = nickKey(seat.nick);
    const member = room?.members.get(key);
    if (!room || !member) return undefined;
    clearTimeout(member.graceTimer);
    room.members.delete(key);
    if (room.members.size === 0) this.#rooms.delete(room.name);
    this.#seatBySession.delete(member.session);
    if (member.socketId !== null) this.#seatBySocket.delete(member.socketId);
    return { room: room.name, nick: member.nick, socketId: member.socketId, reason };
  }
}

/** Strangers waiting to be paired, oldest first. */
export class PairingQueue {
  readonly #waiting = new Map<string, string>();

  has(socketId: string): boolean {
    return this.#waiting.has(socketId);
  }

  /**
   * Take the oldest waiting stranger whose nickname differs from `nick` (two "alice"s cannot
   * share a room), or queue this socket when there is none.
   */
  matchOrEnqueue(socketId: string, nick: string): { socketId: string; nick: string } | undefined {
    const key = nickKey(nick);
    for (const [otherId, otherNick] of this.#waiting) {
      if (nickKey(otherNick) === key) continue;
      this.#waiting.delete(otherId);
      return { socketId: otherId, nick: otherNick };
    }
    this.#waiting.set(socketId, nick);
    return undefined;
  }

  remove(socketId: string): boolean {
    return this.#waiting.delete(socketId);
  }
}

/** An unguessable room name for a pair of strangers, valid under the room-name rules. */
export function pairRoomName(): string {
  return `pair-${randomBytes(16).toString('base64url')}`;
}
