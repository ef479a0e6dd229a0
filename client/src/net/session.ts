import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ErrorCode,
  IceConfig,
  JoinedRoom,
  JoinResult,
  LeaveReason,
  Result,
  ServerToClientEvents,
  SignalData,
} from '@meshchat/protocol';
import { SESSION_TOKEN_MAX_LENGTH } from '@meshchat/protocol';
import { tabCertificate } from './identity';
import { SEAT_KEY, forgetTabSetting, keepTabSetting, tabSetting } from './tab-settings';

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ACK_TIMEOUT_MS = 10_000;
/** A connection that does not answer `alive` within this time is dropped and made again. */
const ALIVE_TIMEOUT_MS = 2_000;
/** How long a request waits for the signaling connection before saying it cannot reach the server. */
const CONNECT_WAIT_MS = 5_000;
/** Refresh TURN credentials once this fraction of their lifetime is left. */
const ICE_REFRESH_MARGIN = 0.2;

/** What a tab keeps of its seat across a reload. */
export interface KeptSeat {
  session: string;
  nick: string;
  room: string;
  secret?: string;
}

/** What the signaling server tells us, unasked. */
export interface SessionEvents {
  online(): void;
  offline(): void;
  /** The connection dropped; `byServer` when the server closed it on purpose. */
  lost(byServer: boolean): void;
  peerJoined(nick: string): void;
  peerLeft(nick: string, reason: LeaveReason): void;
  signal(from: string, data: SignalData): void;
  paired(joined: JoinedRoom): void;
  announce(text: string): void;
  kicked(room: string): void;
  /** A fresh token for our seat (already checked to be a string of a token's size). */
  reissued(session: string): void;
  shutdown(): void;
  refused(event: string, code: ErrorCode): void;
}

/**
 * The signaling session: the socket, its requests with deadlines, the ICE servers and this tab's
 * certificate that links are made with, and the seat a reload takes back. Knows nothing of rooms'
 * contents: the server never sees a word of chat.
 */
export class SignalingSession {
  readonly #url: string;
  readonly #socket: ChatSocket;
  #ice: IceConfig = { iceServers: [], expiresAt: null };
  #iceRefresh: ReturnType<typeof setTimeout> | undefined;
  #certificate: RTCCertificate | undefined;

  constructor(url: string, events: SessionEvents) {
    this.#url = url;
    // WebSocket only: no long-polling, so signaling processes behind a load balancer need no sticky
    // sessions (see "Scaling out" in docs/deploying.md). Every browser with WebRTC has WebSocket.
    this.#socket = io(url, { autoConnect: false, reconnectionDelayMax: 3_000, transports: ['websocket'] });
    this.#listen(events);
  }

  get iceServers(): RTCIceServer[] {
    return this.#ice.iceServers;
  }

  get certificate(): RTCCertificate | undefined {
    return this.#certificate;
  }

  connect(): void {
    this.#socket.connect();
  }

  disconnect(): void {
    this.stopIce();
    this.#socket.disconnect();
  }

  /** The page is going away: the seat is kept only long enough for a reload to take it back. */
  goodbye(): void {
    // A beacon is sent even after the page has gone; the socket's last frames are not always (Firefox,
    // closing a tab, now and then drops them): the server hears one or both, and either will do.
    const session = this.keptSeat()?.session;
    if (session !== undefined) navigator.sendBeacon(new URL('/bye', this.#url), session);
    if (!this.#socket.connected) return;
    this.#socket.emit('bye');
    this.#socket.disconnect();
  }

  /** What links need before any is made: the ICE servers, and this tab's certificate. */
  async prepare(nick: string): Promise<void> {
    await this.#loadIce(nick);
    this.#certificate ??= await tabCertificate();
  }

  join(nick: string, room: string): Promise<JoinResult> {
    return this.#timed().emitWithAck('join', { nick, room });
  }

  pair(nick: string): Promise<Result> {
    return this.#timed().emitWithAck('pair', { nick });
  }

  cancelPairing(): Promise<Result> {
    return this.#timed().emitWithAck('pair-cancel');
  }

  leave(): void {
    this.#socket.emit('leave', () => undefined);
    this.forgetSeat();
    this.stopIce();
  }

  /** Relay a signal to `to`; `answered` gets the server's verdict. */
  signal(to: string, data: SignalData, answered: (result: Result) => void): void {
    this.#socket.emit('signal', { to, data }, answered);
  }

  /** Resume a seat with its token; if the server no longer knows the token, claim the same nickname and room again. */
  async takeSeatBack({ session, nick, room }: Omit<KeptSeat, 'secret'>): Promise<JoinResult> {
    const resumed = await this.#timed().emitWithAck('resume', { session });
    if (resumed.ok || resumed.code !== 'SESSION_INVALID') return resumed;
    return this.join(nick, room);
  }

  /** Keep the seat in this tab, so a reload takes it back at once instead of finding the name taken. */
  keepSeat(seat: KeptSeat): void {
    // Where storage is refused, a reload asks for the seat by name again.
    keepTabSetting(SEAT_KEY, JSON.stringify(seat));
  }

  forgetSeat(): void {
    forgetTabSetting(SEAT_KEY);
  }

  /** The seat this tab held before a reload, if it kept one. */
  keptSeat(): KeptSeat | undefined {
    try {
      const seat = JSON.parse(tabSetting(SEAT_KEY) ?? 'null') as Partial<KeptSeat> | null;
      const { session, nick, room, secret } = seat ?? {};
      if (typeof session !== 'string' || typeof nick !== 'string' || typeof room !== 'string') return undefined;
      return { session, nick, room, ...(typeof secret === 'string' ? { secret } : {}) };
    } catch {
      // Not ours, or damaged: start afresh.
      this.forgetSeat();
      return undefined;
    }
  }

  /** Resolves once the signaling socket is connected; rejects if that takes too long. */
  reachable(): Promise<void> {
    const socket = this.#socket;
    if (socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.off('connect', onConnect);
        reject(new Error('signaling server unreachable'));
      }, CONNECT_WAIT_MS);
      const onConnect = () => {
        clearTimeout(timer);
        resolve();
      };
      socket.once('connect', onConnect);
    });
  }

  /**
   * Check that the connection still reaches the server, and make a new one if it does not. A page
   * whose network changed (a new public address) keeps a connection that only times out 15 s
   * later; a link that went silent is the first sign, and the seat is then taken back at once.
   */
  checkAlive(): void {
    const socket = this.#socket;
    if (!socket.connected) return;
    socket.timeout(ALIVE_TIMEOUT_MS).emit('alive', (error: Error | null) => {
      if (error && socket.connected) socket.io.engine.close();
    });
  }

  stopIce(): void {
    clearTimeout(this.#iceRefresh);
  }

  /**
   * Fetch the ICE servers (and TURN credentials) the signaling server hands out, and fetch them
   * again before the credentials expire, so links made hours later still get a relay.
   */
  async #loadIce(nick: string): Promise<void> {
    clearTimeout(this.#iceRefresh);
    const url = new URL('/ice', this.#url);
    url.searchParams.set('user', nick);
    try {
      const response = await fetch(url, { cache: 'no-store' });
      if (!response.ok) throw new Error(`GET /ice answered ${response.status}`);
      this.#ice = (await response.json()) as IceConfig;
    } catch (error: unknown) {
      // Joining still works without it; links then use host candidates only.
      console.warn('meshchat: could not load ICE servers', error);
      return;
    }
    const { expiresAt } = this.#ice;
    if (expiresAt === null) return;
    const delay = Math.max(5_000, (expiresAt - Date.now()) * (1 - ICE_REFRESH_MARGIN));
    this.#iceRefresh = setTimeout(() => void this.#loadIce(nick), delay);
  }

  /** The socket, with acks that reject when the server does not answer in time. */
  #timed() {
    return this.#socket.timeout(ACK_TIMEOUT_MS);
  }

  #listen(events: SessionEvents): void {
    const socket = this.#socket;
    socket.on('connect', () => events.online());
    // Refused or unreachable; socket.io keeps retrying on its own.
    socket.on('connect_error', () => events.offline());
    socket.on('disconnect', (reason) => {
      const byServer = reason === 'io server disconnect';
      events.lost(byServer);
      // After a deliberate server-side disconnect socket.io does not retry on its own.
      if (byServer) setTimeout(() => socket.connect(), 1_000);
    });
    socket.on('peer-joined', ({ nick }) => events.peerJoined(nick));
    socket.on('peer-left', ({ nick, reason }) => events.peerLeft(nick, reason));
    socket.on('signal', ({ from, data }) => events.signal(from, data));
    socket.on('paired', (joined) => events.paired(joined));
    socket.on('announce', ({ text }) => events.announce(text));
    socket.on('kicked', ({ room }) => events.kicked(room));
    socket.on('session', (event: unknown) => {
      const session = (event as { session?: unknown } | null)?.session;
      if (typeof session === 'string' && session.length >= 16 && session.length <= SESSION_TOKEN_MAX_LENGTH) events.reissued(session);
    });
    // The event is the news; the server's own words are English, so the page says it in the reader's language.
    socket.on('server-shutdown', (_notice, ack) => {
      ack();
      events.shutdown();
    });
    socket.on('protocol-error', ({ event, code }) => events.refused(event, code));
  }
}
