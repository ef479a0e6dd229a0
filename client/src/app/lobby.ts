import { normalizeNick, type ErrorCode, type JoinedRoom, type JoinResult } from '@meshchat/protocol';
import { SignalingSession, type KeptSeat, type SessionEvents } from '../net';
import { privateRoomId, proofKey, type Room } from '../room';

export type Screen = 'join' | 'waiting' | 'room';
export type SignalingState = 'connecting' | 'online' | 'offline';

/** What the server tells of the room's people, for the room we are in. */
export type RoomSide = Pick<Room, 'joined' | 'left' | 'signal' | 'present'>;

/** Why the last join or pairing failed: the server refused it, an admin removed us, or the server was out of reach. */
export type LobbyError = { kind: 'refused'; code: ErrorCode } | { kind: 'kicked'; room: string } | { kind: 'unreachable' };

/**
 * An outage of the signaling server while in a room, as one line changed in place: how it began
 * (the connection lost, or the server said it was shutting down), and once it is over, whether the
 * seat came back (after `ms`) or not (`code`).
 */
export interface Outage {
  /** `unreachable`: a room kept on this device was opened while the server could not be reached. */
  cause: 'lost' | 'shutdown' | 'unreachable';
  end?: { back: true; ms: number } | { back: false; code: ErrorCode };
}

/** What getting in (or out) means for the rest of the page. */
export interface LobbyHooks {
  /**
   * We are in a room: a new one, or the one a reload took back; or (`unseated`) a room kept on this
   * device, opened before the server gave us a seat in it.
   */
  entered(joined: JoinedRoom, proofKey: CryptoKey | undefined, unseated: boolean): void;
  /** The kept room we opened unseated has its seat now, with the people the server lists. */
  seated(joined: JoinedRoom): void;
  /** We are out of the room: forget it. */
  left(): void;
  /** Whether the page's address points at the room `seat` is in (a reload), not at another room (a link followed in this tab). */
  pointsAt(seat: KeptSeat): boolean;
  /** The server's word to everyone (an admin's announcement), and a request of ours it refused. */
  server: Pick<SessionEvents, 'announce' | 'refused'>;
  /** How the signaling server stands, as one line an outage, changed in place (`end` once it is over). */
  outage(outage: Outage): void;
  changed(): void;
}

/**
 * Getting into a room and staying there: joining by name or by a private room's secret, pairing
 * with a stranger, a reload taking its seat back, and reclaiming the seat when the signaling
 * connection returns. Owns which screen shows and why the last attempt failed.
 */
/** Which field of the join form a refusal is about. */
const FIELD_OF: Partial<Record<ErrorCode, 'nick' | 'room'>> = {
  NICK_INVALID: 'nick',
  NICK_TAKEN: 'nick',
  ROOM_INVALID: 'room',
};

export class Lobby {
  screen: Screen = 'join';
  signaling: SignalingState = 'connecting';
  /** Why the last join or pairing failed. */
  error: LobbyError | undefined;
  /** The join form's field the last refusal was about, so the form can mark and focus it. */
  errorField: 'nick' | 'room' | undefined;
  /** A free nickname the server offered in place of a taken one (checked to be a valid one). */
  suggestion: string | undefined;
  busy = false;
  nick = '';
  room = '';
  capacity = 0;
  /** The private room's secret (from the link's fragment) while in one. */
  secret: string | undefined;
  /**
   * The room this tab was in when a link to another room was opened in it: not taken back (a link
   * goes where it points), but offered on the join screen to go back to.
   */
  previous: KeptSeat | undefined;
  readonly session: SignalingSession;
  /** The room we are in: what the server says of its people goes straight to it. */
  seated: RoomSide | undefined;
  readonly #hooks: LobbyHooks;
  /** The seat's token, to take it back after the signaling connection drops. */
  #seat = '';
  /** In a room kept on this device, opened before the server gave us a seat in it. */
  #unseated = false;
  /** While the signaling server is away (or said it would go): since when, and how it began. */
  #outage: { since: number; cause: Outage['cause'] } | undefined;

  constructor(signalingUrl: string, hooks: LobbyHooks) {
    this.#hooks = hooks;
    this.session = new SignalingSession(signalingUrl, this.#events());
  }

  join(nick: string, room: string): Promise<void> {
    return this.#joinRoom(nick, async () => ({ room }));
  }

  /** Join the private room a secret stands for; the server only ever sees the derived id. */
  joinPrivate(nick: string, secret: string): Promise<void> {
    return this.#joinRoom(nick, async () => {
      const [room, key] = await Promise.all([privateRoomId(secret), proofKey(secret)]);
      return { room, secret, key };
    });
  }

  async pair(nick: string): Promise<void> {
    await this.#attempt(async () => {
      await this.session.reachable();
      await this.session.prepare(nick);
      const result = await this.session.pair(nick);
      if (result.ok) this.screen = 'waiting';
      else this.#refuse(result.code);
    });
  }

  async cancelPairing(): Promise<void> {
    await this.#attempt(async () => {
      await this.session.cancelPairing();
      this.screen = 'join';
    });
  }

  /** Leave the room: the nickname is freed, back to the join screen. */
  leave(): void {
    this.session.leave();
    this.forget();
    this.screen = 'join';
  }

  /**
   * Open a room kept on this device as `nick`, before the server has answered: what was kept of it
   * shows at once (with no server at all), and the seat is asked for by name as soon as the server
   * is reachable. A refusal (the name taken meanwhile) goes back to the first screen with it.
   */
  async enterKept(nick: string, room: string, secret: string | undefined): Promise<void> {
    const key = secret === undefined ? undefined : await proofKey(secret);
    if (this.screen !== 'join' || this.busy) return;
    this.#unseated = true;
    this.#enter({ room, nick, peers: [], capacity: 0, session: '' }, secret, key);
    if (this.signaling === 'online') void this.#reclaim();
    else if (this.signaling === 'offline') this.#outageBegan('unreachable');
    this.#hooks.changed();
  }

  /** Out of the room, whoever ended it. */
  forget(): void {
    this.session.stopIce();
    this.secret = undefined;
    this.#seat = '';
    this.#unseated = false;
    this.#outage = undefined;
    this.#hooks.left();
  }

  async #joinRoom(nick: string, where: () => Promise<{ room: string; secret?: string; key?: CryptoKey }>): Promise<void> {
    await this.#attempt(async () => {
      await this.session.reachable();
      await this.session.prepare(nick);
      const { room, secret, key } = await where();
      const result = await this.session.join(nick, room);
      if (result.ok) this.#enter(result, secret, key);
      else this.#refuse(result.code, result.suggestion);
    });
  }

  #enter(joined: JoinedRoom, secret?: string, key?: CryptoKey): void {
    this.previous = undefined;
    this.secret = secret;
    this.screen = 'room';
    this.error = undefined;
    this.nick = joined.nick;
    this.room = joined.room;
    this.capacity = joined.capacity;
    this.#seat = joined.session;
    if (!this.#unseated) this.#keepSeat();
    this.#hooks.entered(joined, key, this.#unseated);
  }

  #keepSeat(): void {
    this.session.keepSeat({ session: this.#seat, nick: this.nick, room: this.room, ...(this.secret ? { secret: this.secret } : {}) });
  }

  /** Go back to the room this tab was in before a link to another one was opened in it. */
  back(): Promise<void> {
    const seat = this.previous;
    this.previous = undefined;
    return seat ? this.#resumeKept(seat) : Promise.resolve();
  }

  /** The page was reloaded in a room: take the seat back with its token (or the name again, if the server forgot it). */
  async #resumeKept(seat: KeptSeat): Promise<void> {
    await this.#attempt(async () => {
      await this.session.prepare(seat.nick);
      const key = seat.secret === undefined ? undefined : await proofKey(seat.secret);
      const result = await this.session.takeSeatBack(seat);
      if (result.ok) this.#enter(result, seat.secret, key);
      else {
        this.session.forgetSeat();
        this.#refuse(result.code);
      }
    });
  }

  /** After the signaling connection came back: reclaim the seat, or take it again on a new server (or for the first time, in a kept room). */
  async #reclaim(): Promise<void> {
    const unseated = this.#unseated;
    const result: JoinResult | undefined = await (unseated ? this.#seatKept() : this.session.takeSeatBack({ session: this.#seat, nick: this.nick, room: this.room })).catch(
      () => undefined,
    );
    if (!result || this.screen !== 'room' || unseated !== this.#unseated) return;
    const outage = this.#outage;
    this.#outage = undefined;
    if (!result.ok && unseated) {
      this.forget();
      this.screen = 'join';
      this.#refuse(result.code, result.suggestion);
    } else if (!result.ok) {
      this.#hooks.outage({ cause: outage?.cause ?? 'lost', end: { back: false, code: result.code } });
    } else {
      this.#unseated = false;
      this.#seat = result.session;
      this.capacity = result.capacity;
      this.#keepSeat();
      if (outage || !unseated) this.#hooks.outage({ cause: outage?.cause ?? 'lost', end: { back: true, ms: Date.now() - (outage?.since ?? Date.now()) } });
      if (unseated) this.#hooks.seated(result);
      else this.seated?.present(result.peers);
    }
    this.#hooks.changed();
  }

  /** A kept room's first seat: by name, as a join. */
  async #seatKept(): Promise<JoinResult> {
    await this.session.prepare(this.nick);
    return this.session.join(this.nick, this.room);
  }

  #events(): SessionEvents {
    const hooks = this.#hooks;
    return {
      online: () => {
        this.signaling = 'online';
        if (this.screen === 'room' && (this.#seat || this.#unseated)) void this.#reclaim();
        const kept = this.screen === 'join' && !this.busy ? this.session.keptSeat() : undefined;
        if (kept && hooks.pointsAt(kept)) void this.#resumeKept(kept);
        else if (kept) {
          this.previous = kept;
          this.nick = kept.nick;
          this.session.forgetSeat();
        }
        hooks.changed();
      },
      offline: () => {
        this.signaling = 'offline';
        if (this.screen === 'room' && this.#unseated) this.#outageBegan('unreachable');
        hooks.changed();
      },
      lost: () => {
        this.signaling = 'offline';
        if (this.screen === 'room') this.#outageBegan('lost');
        if (this.screen === 'waiting') this.screen = 'join';
        hooks.changed();
      },
      peerJoined: (nick) => this.seated?.joined(nick),
      peerLeft: (nick, reason) => this.seated?.left(nick, reason),
      // Links only with members of the room: the room drops signals from anyone else.
      signal: (from, data) => this.seated?.signal(from, data),
      paired: (joined) => {
        this.#enter(joined);
        hooks.changed();
      },
      announce: (text) => hooks.server.announce(text),
      kicked: (room) => {
        this.leave();
        this.error = { kind: 'kicked', room };
        hooks.changed();
      },
      reissued: (session) => {
        if (this.screen !== 'room') return;
        this.#seat = session;
        this.#keepSeat();
      },
      shutdown: () => {
        if (this.screen !== 'room') return;
        this.#outageBegan('shutdown');
      },
      refused: (event, code) => hooks.server.refused(event, code),
    };
  }

  /** The signaling server is away: one line, begun the first time (and kept as it began). */
  #outageBegan(cause: Outage['cause']): void {
    this.#outage ??= { since: Date.now(), cause };
    this.#hooks.outage({ cause: this.#outage.cause });
  }

  #refuse(code: ErrorCode, suggestion?: unknown): void {
    this.error = { kind: 'refused', code };
    this.errorField = FIELD_OF[code];
    // What the server sends is checked like anything else: a nickname, or nothing.
    this.suggestion = code === 'NICK_TAKEN' && typeof suggestion === 'string' && normalizeNick(suggestion) === suggestion ? suggestion : undefined;
  }

  async #attempt(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = undefined;
    this.errorField = undefined;
    this.suggestion = undefined;
    this.#hooks.changed();
    try {
      await work();
    } catch (error: unknown) {
      console.warn('meshchat: request failed', error);
      this.error = { kind: 'unreachable' };
    } finally {
      this.busy = false;
      this.#hooks.changed();
    }
  }
}
