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
}

export interface ChatOptions {
  signalingUrl: string;
  /** `relay` sends everything through TURN. */
  iceTransportPolicy?: RTCIceTransportPolicy;
}

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ACK_TIMEOUT_MS = 10_000;
/** How long Join waits for the signaling connection before saying it cannot reach the server. */
const CONNECT_WAIT_MS = 5_000;
/** Refresh TURN credentials this long before they expire, at the latest. */
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

  readonly #host: ReactiveControllerHost;
  readonly #options: ChatOptions;
  readonly #socket: ChatSocket;
  readonly #mesh: Mesh;
  #session = '';
  #ice: IceConfig = { iceServers: [], expiresAt: null };
  #iceRefresh: ReturnType<typeof setTimeout> | undefined;
  #seq = 0;
  #lineId = 0;

  constructor(host: ReactiveControllerHost, options: ChatOptions) {
    this.#host = host;
    this.#options = options;
    this.#socket = io(options.signalingUrl, { autoConnect: false, reconnectionDelayMax: 3_000 });
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

  /** Every nickname in the room, yours included. */
  get everyone(): string[] {
    return [this.nick, ...this.people.keys()];
  }

  async join(nick: string, room: string): Promise<void> {
    await this.#attempt(async () => {
      await this.#reachable();
      await this.#loadIce(nick);
      const result = await this.#timed().emitWithAck('join', { nick, room });
      if (result.ok) this.#enter(result);
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
    this.people.clear();
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

  #sayToAll(text: string): void {
    const message = this.#envelope('chat', text);
    const reached = this.#mesh.broadcast(message);
    this.#line({ kind: 'public', from: this.nick, text, ts: message.ts });
    if (reached.length === 0) this.notice('Nobody else is connected yet, so nobody received that.');
  }

  #sayTo(to: string, text: string): void {
    const message = this.#envelope('private', text);
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
      onMessage: (message) => this.#receive(nick, message),
      onDropped: () => {
        this.dropped += 1;
        this.#changed();
      },
      onRoute: (route) => {
        this.people.set(nick, { state: link.state, route });
        this.#changed();
      },
      onState: (state, reason) => {
        this.people.set(nick, { state });
        if (state === 'failed') {
          this.#mesh.forget(link);
          this.notice(`Lost the direct link to ${nick}${reason ? ` (${reason})` : ''}.`);
        }
        this.#changed();
      },
    });
    this.people.set(nick, { state: 'connecting' });
    return link;
  }

  #receive(from: string, message: PeerMessage): void {
    if (message.type === 'chat') this.#line({ kind: 'public', from, text: message.text, ts: message.ts });
    else if (message.type === 'private') this.#line({ kind: 'private', from, text: message.text, ts: message.ts });
  }

  #enter(joined: JoinedRoom): void {
    this.screen = 'room';
    this.error = '';
    this.nick = joined.nick;
    this.room = joined.room;
    this.capacity = joined.capacity;
    this.#session = joined.session;
    this.lines = [];
    this.notice(
      joined.peers.length === 0
        ? `You joined ${joined.room} as ${joined.nick}. Nobody else is here yet.`
        : `You joined ${joined.room} as ${joined.nick}, with ${joined.peers.join(', ')}.`,
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
