import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { io, type Socket } from 'socket.io-client';
import {
  nickKey,
  type ClientToServerEvents,
  type IceConfig,
  type JoinedRoom,
  type JoinResult,
  type LeaveReason,
  type PeerMessage,
  type ServerToClientEvents,
  type TextMessage,
} from '@meshchat/protocol';
import { HELP_LINES, parseCommand } from './commands';
import { Mesh } from './mesh';
import { PeerLink, type LinkRoute, type LinkState } from './peer-link';
import { linkProof, privateRoomId, proofKey, safetyCode, verifyLinkProof } from './private-room';
import { UNREACHABLE, errorText } from './words';

export type Screen = 'join' | 'waiting' | 'room';
export type SignalingState = 'connecting' | 'online' | 'offline';

/** One line of the message log. */
export interface ChatLine {
  id: number;
  kind: 'public' | 'private' | 'notice';
  /** Sender of a public or private line. */
  from?: string;
  /** Recipient of a private line you sent. */
  to?: string;
  text: string;
  ts: number;
}

/** What People shows about one peer. */
export interface PeerView {
  state: LinkState;
  /** Known once the link is open. */
  route?: LinkRoute;
  /** A short code from both DTLS fingerprints, the same on both ends, to compare out of band. */
  safety?: string;
  /** In a private room: whether the peer proved, on this very link, that it holds the secret. */
  verification?: 'verifying' | 'verified' | 'failed';
}

export interface ChatOptions {
  signalingUrl: string;
  /** `relay` sends everything through TURN. */
  iceTransportPolicy?: RTCIceTransportPolicy;
}

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A private room's secret and the proof key derived from it. */
interface PrivateRoom {
  secret: string;
  key: CryptoKey;
}

const ACK_TIMEOUT_MS = 10_000;
/** How long Join waits for the signaling connection before saying it cannot reach the server. */
const CONNECT_WAIT_MS = 5_000;
/** In a private room, a link whose peer has not proved the secret by then is flagged (users are warned within 5 s). */
const PROOF_TIMEOUT_MS = 4_000;
/** Messages held per link while it is being verified. */
const MAX_HELD = 200;
/** Refresh TURN credentials once this fraction of their lifetime is left. */
const ICE_REFRESH_MARGIN = 0.2;
const MAX_LINES = 2_000;

const LEAVE_WORDS: Record<LeaveReason, string> = {
  left: 'left the room',
  disconnected: 'lost their connection and left',
  kicked: 'was removed by an admin',
};

/**
 * Owns the signaling socket, the mesh of peer links and everything the chat shows. Components
 * read its fields and call its methods; every change asks the host to render again.
 */
export class ChatController implements ReactiveController {
  screen: Screen = 'join';
  signaling: SignalingState = 'connecting';
  /** Why the last join or pairing failed, in words. */
  error = '';
  busy = false;
  nick = '';
  room = '';
  capacity = 0;
  /** Everyone else in the room, with the state of our link to them. */
  readonly people = new Map<string, PeerView>();
  lines: ChatLine[] = [];
  /** Frames that failed to parse and were dropped. */
  dropped = 0;
  /** The private room's secret (from the link's fragment) while in one. */
  secret: string | undefined;

  readonly #host: ReactiveControllerHost;
  readonly #options: ChatOptions;
  readonly #socket: ChatSocket;
  readonly #mesh: Mesh;
  #session = '';
  #proofKey: CryptoKey | undefined;
  /** Messages from links still being verified, shown once the proof checks out. */
  readonly #held = new Map<string, TextMessage[]>();
  readonly #proofTimers = new Map<string, ReturnType<typeof setTimeout>>();
  #ice: IceConfig = { iceServers: [], expiresAt: null };
  #iceRefresh: ReturnType<typeof setTimeout> | undefined;
  #seq = 0;
  #lineId = 0;

  constructor(host: ReactiveControllerHost, options: ChatOptions) {
    this.#host = host;
    this.#options = options;
    // WebSocket only: no long-polling, so signaling processes behind a load balancer need no sticky
    // sessions (see "Scaling out" in the README). Every browser with WebRTC has WebSocket.
    this.#socket = io(options.signalingUrl, { autoConnect: false, reconnectionDelayMax: 3_000, transports: ['websocket'] });
    this.#mesh = new Mesh((nick, initiator) => this.#createLink(nick, initiator));
    host.addController(this);
    this.#listen();
  }

  hostConnected(): void {
    this.#socket.connect();
  }

  hostDisconnected(): void {
    clearTimeout(this.#iceRefresh);
    this.#mesh.closeAll();
    this.#socket.disconnect();
  }

  join(nick: string, room: string): Promise<void> {
    return this.#joinRoom(nick, async () => ({ room }));
  }

  /** Join the private room a secret stands for; the server only ever sees the derived id. */
  joinPrivate(nick: string, secret: string): Promise<void> {
    return this.#joinRoom(nick, async () => {
      const [room, key] = await Promise.all([privateRoomId(secret), proofKey(secret)]);
      return { room, privateRoom: { secret, key } };
    });
  }

  async #joinRoom(nick: string, where: () => Promise<{ room: string; privateRoom?: PrivateRoom }>): Promise<void> {
    await this.#attempt(async () => {
      await this.#reachable();
      await this.#loadIce(nick);
      const { room, privateRoom } = await where();
      const result = await this.#timed().emitWithAck('join', { nick, room });
      if (result.ok) this.#enter(result, privateRoom);
      else this.error = errorText(result.code);
    });
  }

  async pair(nick: string): Promise<void> {
    await this.#attempt(async () => {
      await this.#reachable();
      await this.#loadIce(nick);
      const result = await this.#timed().emitWithAck('pair', { nick });
      if (result.ok) this.screen = 'waiting';
      else this.error = errorText(result.code);
    });
  }

  async cancelPairing(): Promise<void> {
    await this.#attempt(async () => {
      await this.#timed().emitWithAck('pair-cancel');
      this.screen = 'join';
    });
  }

  /** Leave the room: links close, the nickname is freed, back to the join screen. */
  leave(): void {
    this.#socket.emit('leave', () => undefined);
    clearTimeout(this.#iceRefresh);
    this.#mesh.closeAll();
    for (const nick of this.people.keys()) this.#forgetProof(nick);
    this.people.clear();
    this.secret = undefined;
    this.#proofKey = undefined;
    this.#session = '';
    this.screen = 'join';
    this.#changed();
  }

  /** Handle one line from the composer: a message to everyone, or a slash command. */
  submit(input: string): void {
    const command = parseCommand(input, [...this.people.keys()]);
    switch (command.kind) {
      case 'say':
        if (command.text) this.#sayToAll(command.text);
        break;
      case 'msg':
        this.#sayTo(command.to, command.text);
        break;
      case 'users':
        this.notice(`In ${this.room} (${this.people.size + 1} of ${this.capacity}): ${this.#peopleSummary()}`);
        break;
      case 'help':
        for (const line of HELP_LINES) this.notice(line);
        break;
      case 'quit':
        this.leave();
        break;
      case 'usage':
        this.notice(command.message);
        break;
      case 'unknown-nick':
        this.notice(`Nobody called "${command.nick}" is in this room. Type /users to see who is.`);
        break;
      case 'unknown-command':
        this.notice(`Unknown command "/${command.name}". Type /help for the list.`);
        break;
    }
  }

  /** In a private room, only links whose peer proved the secret are spoken to. */
  #trusted(nick: string): boolean {
    return this.#proofKey === undefined || this.people.get(nick)?.verification === 'verified';
  }

  #sayToAll(text: string): void {
    const message = this.#envelope('chat', text);
    const reached = this.#mesh.broadcast(message, (nick) => this.#trusted(nick));
    this.#line({ kind: 'public', from: this.nick, text, ts: message.ts });
    if (reached.length === 0) this.notice('Nobody else is connected yet, so nobody received that.');
  }

  #sayTo(to: string, text: string): void {
    const message = this.#envelope('private', text);
    if (!this.#trusted(to)) {
      this.notice(`The link to ${to} is not verified, so the private message was not sent: ${text}`);
      return;
    }
    if (!this.#mesh.sendTo(to, message)) {
      this.notice(`Not connected to ${to} right now, so the private message was not sent: ${text}`);
      return;
    }
    this.#line({ kind: 'private', from: this.nick, to, text, ts: message.ts });
  }

  #envelope(type: TextMessage['type'], text: string): TextMessage {
    return { type, id: crypto.randomUUID(), seq: ++this.#seq, ts: Date.now(), text };
  }

  #peopleSummary(): string {
    const others = [...this.people].map(([nick, { state, route }]) => `${nick} (${route ? `${state}, ${route}` : state})`);
    return [`${this.nick} (you)`, ...others].join(', ');
  }

  #createLink(nick: string, initiator: boolean): PeerLink {
    const link: PeerLink = new PeerLink({
      nick,
      initiator,
      iceServers: this.#ice.iceServers,
      ...(this.#options.iceTransportPolicy ? { iceTransportPolicy: this.#options.iceTransportPolicy } : {}),
      onSignal: (data) => this.#socket.emit('signal', { to: nick, data }),
      onMessage: (message) => void this.#receive(link, message),
      onDropped: () => {
        this.dropped += 1;
        this.#changed();
      },
      onRoute: (route) => this.#updatePeer(nick, { route }),
      onState: (state, reason) => {
        this.#updatePeer(nick, { state });
        if (state === 'connected') void this.#secureLink(link);
        if (state === 'failed') {
          this.#mesh.forget(link);
          this.notice(`Lost the direct link to ${nick}${reason ? ` (${reason})` : ''}.`);
        }
        this.#changed();
      },
    });
    this.#forgetProof(nick);
    this.people.set(nick, { state: 'connecting' });
    return link;
  }

  #updatePeer(nick: string, change: Partial<PeerView>): void {
    const view = this.people.get(nick);
    if (view) this.people.set(nick, { ...view, ...change });
    this.#changed();
  }

  /** A link just opened: show its safety code and, in a private room, prove we hold the secret. */
  async #secureLink(link: PeerLink): Promise<void> {
    const fingerprints = link.fingerprints;
    const key = this.#proofKey;
    if (key && this.people.get(link.nick)?.verification === undefined) {
      this.#updatePeer(link.nick, { verification: 'verifying' });
      this.#proofTimers.set(
        link.nick,
        setTimeout(() => this.#settleProof(link.nick, false, 'no proof of the room secret arrived'), PROOF_TIMEOUT_MS),
      );
    }
    if (!fingerprints) return;
    this.#updatePeer(link.nick, { safety: await safetyCode(fingerprints.local, fingerprints.remote) });
    if (key) link.send({ type: 'proof', mac: await linkProof(key, fingerprints.local, fingerprints.remote) });
  }

  /** Record whether `nick` proved the secret; show what it sent meanwhile, or hide it for good. */
  #settleProof(nick: string, proved: boolean, reason: string): void {
    const view = this.people.get(nick);
    if (!view || view.verification === 'verified' || view.verification === 'failed') return;
    clearTimeout(this.#proofTimers.get(nick));
    this.#proofTimers.delete(nick);
    const held = this.#held.get(nick) ?? [];
    this.#held.delete(nick);
    this.#updatePeer(nick, { verification: proved ? 'verified' : 'failed' });
    if (proved) {
      for (const message of held) this.#show(nick, message);
      return;
    }
    this.notice(
      `Warning: the link to ${nick} could not be verified (${reason}). Someone may be intercepting it; ` +
        'nothing is sent to it and messages from it are hidden.',
    );
  }

  #forgetProof(nick: string): void {
    clearTimeout(this.#proofTimers.get(nick));
    this.#proofTimers.delete(nick);
    this.#held.delete(nick);
  }

  async #receive(link: PeerLink, message: PeerMessage): Promise<void> {
    const nick = link.nick;
    if (message.type === 'hello') return;
    if (message.type === 'proof') {
      const key = this.#proofKey;
      const fingerprints = link.fingerprints;
      if (!key) return;
      const proved = fingerprints !== undefined && (await verifyLinkProof(key, message.mac, fingerprints.local, fingerprints.remote));
      this.#settleProof(nick, proved, 'its proof of the room secret does not match this link');
      return;
    }
    if (this.#trusted(nick)) {
      this.#show(nick, message);
      return;
    }
    if (this.people.get(nick)?.verification === 'failed') return;
    const held = this.#held.get(nick) ?? [];
    if (held.length < MAX_HELD) held.push(message);
    this.#held.set(nick, held);
  }

  #show(from: string, message: TextMessage): void {
    this.#line({ kind: message.type === 'chat' ? 'public' : 'private', from, text: message.text, ts: message.ts });
  }

  #enter(joined: JoinedRoom, privateRoom?: PrivateRoom): void {
    this.secret = privateRoom?.secret;
    this.#proofKey = privateRoom?.key;
    this.screen = 'room';
    this.error = '';
    this.nick = joined.nick;
    this.room = joined.room;
    this.capacity = joined.capacity;
    this.#session = joined.session;
    this.lines = [];
    const where = privateRoom ? 'the private room' : joined.room;
    this.notice(
      joined.peers.length === 0
        ? `You joined ${where} as ${joined.nick}. Nobody else is here yet.`
        : `You joined ${where} as ${joined.nick}, with ${joined.peers.join(', ')}.`,
    );
    for (const peer of joined.peers) this.#mesh.connect(peer);
  }

  /** After the signaling connection came back: reclaim the seat, or take it again on a new server. */
  async #reclaim(): Promise<void> {
    let result: JoinResult | undefined = await this.#timed()
      .emitWithAck('resume', { session: this.#session })
      .catch(() => undefined);
    if (result && !result.ok && result.code === 'SESSION_INVALID') {
      // The server restarted and forgot us: take the same nickname and room again.
      result = await this.#timed()
        .emitWithAck('join', { nick: this.nick, room: this.room })
        .catch(() => undefined);
    }
    if (!result) return;
    if (!result.ok) {
      this.notice(`Could not get your seat back: ${errorText(result.code)}`);
      return;
    }
    this.#session = result.session;
    this.notice('Reconnected to the signaling server.');
    for (const peer of result.peers) {
      if (!this.people.has(peer)) this.notice(`${peer} is here.`);
      if (!this.#mesh.get(peer)?.open) this.#mesh.connect(peer);
    }
    this.#changed();
  }

  #listen(): void {
    const socket = this.#socket;
    socket.on('connect', () => {
      this.signaling = 'online';
      if (this.screen === 'room' && this.#session) void this.#reclaim();
      this.#changed();
    });
    socket.on('connect_error', () => {
      // Refused or unreachable; socket.io keeps retrying on its own.
      this.signaling = 'offline';
      this.#changed();
    });
    socket.on('disconnect', (reason) => {
      this.signaling = 'offline';
      if (this.screen === 'room') {
        this.notice('Lost the signaling server. Chats keep flowing over direct links; nobody new can join until it is back.');
      }
      if (this.screen === 'waiting') this.screen = 'join';
      // After a deliberate server-side disconnect socket.io does not retry on its own.
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1_000);
      this.#changed();
    });
    socket.on('peer-joined', ({ nick }) => {
      if (!this.people.has(nick)) {
        this.people.set(nick, { state: 'connecting' });
        this.notice(`${nick} joined.`);
      }
      this.#changed();
    });
    socket.on('peer-left', ({ nick, reason }) => {
      this.#mesh.remove(nick);
      this.#forgetProof(nick);
      if (this.people.delete(nick)) this.notice(`${nick} ${LEAVE_WORDS[reason]}.`);
      this.#changed();
    });
    socket.on('signal', ({ from, data }) => {
      if (this.screen !== 'room' || nickKey(from) === nickKey(this.nick)) return;
      this.#mesh.signal(from, data);
      this.#changed();
    });
    socket.on('paired', (joined) => {
      this.#enter(joined);
      this.#changed();
    });
    socket.on('announce', ({ text }) => this.notice(`Announcement: ${text}`));
    socket.on('kicked', ({ room }) => {
      this.leave();
      this.error = `An admin removed you from ${room}.`;
      this.#changed();
    });
    socket.on('server-shutdown', ({ message }, ack) => {
      ack();
      this.notice(message);
    });
    socket.on('protocol-error', ({ event, code }) => this.notice(`The server refused "${event}": ${errorText(code)}`));
  }

  /**
   * Fetch the ICE servers (and TURN credentials) the signaling server hands out, and fetch them
   * again before the credentials expire, so links made hours later still get a relay.
   */
  async #loadIce(nick: string): Promise<void> {
    clearTimeout(this.#iceRefresh);
    const url = new URL('/ice', this.#options.signalingUrl);
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
    this.#iceRefresh = setTimeout(() => void this.#loadIce(this.nick || nick), delay);
  }

  async #attempt(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = '';
    this.#changed();
    try {
      await work();
    } catch (error: unknown) {
      console.warn('meshchat: request failed', error);
      this.error = UNREACHABLE;
    } finally {
      this.busy = false;
      this.#changed();
    }
  }

  /** Resolves once the signaling socket is connected; rejects if that takes too long. */
  #reachable(): Promise<void> {
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

  /** The socket, with acks that reject when the server does not answer in time. */
  #timed() {
    return this.#socket.timeout(ACK_TIMEOUT_MS);
  }

  /** Show a line from the app itself (not from a person). */
  notice(text: string): void {
    this.#line({ kind: 'notice', text, ts: Date.now() });
  }

  #line(line: Omit<ChatLine, 'id'>): void {
    this.lines = [...this.lines.slice(-(MAX_LINES - 1)), { id: ++this.#lineId, ...line }];
    this.#changed();
  }

  #changed(): void {
    this.#host.requestUpdate();
  }
}
