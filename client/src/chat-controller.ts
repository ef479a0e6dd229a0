import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { msg, str } from '@lit/localize';
import { io, type Socket } from 'socket.io-client';
import {
  FILE_MAX_BYTES,
  TYPING_INTERVAL_MS,
  TYPING_SHOW_MS,
  nickKey,
  type ClientToServerEvents,
  type IceConfig,
  type JoinedRoom,
  type JoinResult,
  type PeerMessage,
  type Result,
  type Scope,
  type ServerToClientEvents,
  type TextMessage,
} from '@meshchat/protocol';
import { Attention } from './attention';
import { tabCertificate } from './identity';
import { InboundBudget } from './inbound-budget';
import { parseCommand } from './commands';
import { Inbox, Outbox, mark, receiptState, type Receipt, type Unsequenced } from './delivery';
import { FileTransfers, type Transfer } from './files';
import { Mesh, type Link } from './mesh';
import { PeerLink, type LinkRoute, type LinkState } from './peer-link';
import { linkProof, privateRoomId, proofKey, safetyCode, verifyLinkProof } from './private-room';
import { errorText, helpLines, refusedText, leaveText, linkFailureText, linkWords, sizeText, unreachableText } from './words';

export type Screen = 'join' | 'waiting' | 'room';
export type SignalingState = 'connecting' | 'online' | 'offline';

/** One line of the message log. Lines are replaced, never changed, so a line object renders once. */
export interface ChatLine {
  id: number;
  /** `warning`: about one person (their identity changed), shown in the room and in their conversation. */
  kind: 'public' | 'private' | 'notice' | 'file' | 'warning';
  /** Sender of a public, private or file line; the person a warning is about. */
  from?: string;
  /** The one recipient of a private line or file (you, when it was sent to you); none for the room. */
  to?: string;
  text: string;
  ts: number;
  /** Our own public and private messages: who has them so far. */
  receipt?: Receipt;
  /** A file line: one transfer per recipient, or the one coming to us. */
  transfers?: readonly Transfer[];
}

/** What People shows about one peer. */
export interface PeerView {
  /** The link's state, or `away`: their seat is held while their connection is down, so no link can form until they are back. */
  state: LinkState | 'away';
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
/**
 * A message's time is its sender's clock: believed within this much ahead of ours (clocks drift)
 * and this far back (a message may wait for a link), else shown with the time it arrived.
 */
const TS_AHEAD_MS = 5 * 60_000;
const TS_BEHIND_MS = 7 * 24 * 3600_000;
/**
 * A backlog (messages that waited for a link) goes out at most this many at a time, every this
 * often: well within what every receiver accepts from one person (`INBOUND_RATES.frame`).
 */
const FLUSH_SLICE = 50;
const FLUSH_SLICE_MS = 1_000;
/** Where a tab keeps its seat, so a reload resumes it. */
const SEAT_KEY = 'meshchat:seat';

/** What a tab keeps of its seat across a reload. */
interface KeptSeat {
  session: string;
  nick: string;
  room: string;
  secret?: string;
}
/** A lost link is tried again after 1 s, then 2, 4, 8, and every 10 s while the peer is in the room. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 10_000;
/**
 * How long a page that fired beforeunload withholds acknowledgements: a reload or a closed tab is
 * gone well within it; a page still here after it was not left after all (say, a download).
 */
const LEAVING_MS = 10_000;
/** What shows the user is back at a page that began to be left. */
const BACK_EVENTS = ['pointerdown', 'keydown'] as const;

/**
 * Owns the signaling socket, the mesh of peer links and everything the chat shows. Components
 * read its fields and call its methods; every change asks the host to render again.
 */
export class ChatController implements ReactiveController {
  screen: Screen = 'join';
  signaling: SignalingState = 'connecting';
  /** Why the last join or pairing failed, in words of the language shown when it renders. */
  error: (() => string) | undefined;
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
  /** The conversation on screen: the room (`undefined`), or the private one with a peer. */
  view: string | undefined;
  /** Private conversations, by peer, in the order they started. */
  conversations: string[] = [];
  /** Messages not yet seen, per private conversation. */
  readonly unread = new Map<string, number>();
  /** Public messages not yet seen. */
  roomUnread = 0;
  /** The newest message from someone else, for the screen reader's live region. */
  announcement = '';
  readonly files: FileTransfers;
  readonly attention = new Attention(() => (this.screen === 'room' ? `${this.#roomName()} · meshchat` : 'meshchat'));

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
  #lineId = 0;
  /** What we wrote to each peer that it has not acknowledged. */
  readonly #outboxes = new Map<string, Outbox>();
  /** Which message ids each peer has already shown us. */
  readonly #inboxes = new Map<string, Inbox>();
  /** The highest sequence number each link has carried, so a link sends each pending message once. */
  readonly #flushed = new WeakMap<object, number>();
  /** The highest sequence number each link has brought us, acknowledged again when the link opens. */
  readonly #received = new WeakMap<object, number>();
  /** Set while the page is being left: nothing is acknowledged until it turns out to stay. */
  #leaving: ReturnType<typeof setTimeout> | undefined;
  /** Our messages still waiting for someone, by message id: the log line that shows them. */
  readonly #receipts = new Map<string, number>();
  /** Who is typing, in the room or privately to us: the timer that ends the notice. */
  readonly #typing: Record<Scope, Map<string, ReturnType<typeof setTimeout>>> = { room: new Map(), private: new Map() };
  /** When we last said we were typing, per conversation. */
  readonly #typingSent = new Map<string, number>();
  /** Lost links being brought back: the attempt, its timer, and the notice last shown for it (shown once, not per attempt). */
  readonly #retries = new Map<string, { attempt: number; timer: ReturnType<typeof setTimeout> | undefined; told?: string }>();
  /** A backlog being sent in slices: the timer of its next slice, per person. */
  readonly #flushLater = new Map<string, ReturnType<typeof setTimeout>>();
  /** What each person may still send us, over their links and through the signaling server. */
  readonly #budgets = new Map<string, InboundBudget>();
  /** The DTLS fingerprint each person's links have shown, to tell when someone else answers to the name. */
  readonly #identities = new Map<string, string>();
  /** This tab's certificate, the same on every link; loaded before the first link is made. */
  #certificate: RTCCertificate | undefined;

  constructor(host: ReactiveControllerHost, options: ChatOptions) {
    this.#host = host;
    this.#options = options;
    // WebSocket only: no long-polling, so signaling processes behind a load balancer need no sticky
    // sessions (see "Scaling out" in the README). Every browser with WebRTC has WebSocket.
    this.#socket = io(options.signalingUrl, { autoConnect: false, reconnectionDelayMax: 3_000, transports: ['websocket'] });
    this.#mesh = new Mesh((nick, initiator) => this.#createLink(nick, initiator));
    this.files = new FileTransfers({
      send: (nick, message) => this.#trusted(nick) && this.#mesh.sendTo(nick, message),
      link: (nick) => (this.#trusted(nick) ? this.#mesh.get(nick) : undefined),
    });
    host.addController(this);
    this.#listen();
  }

  readonly #onVisibility = () => {
    if (document.hidden) return;
    this.#stay();
    this.attention.seen();
    this.#markSeen();
  };

  /**
   * The page is being left (a reload, a link followed, the tab closed). What arrives from now on
   * may never be seen, so it is not acknowledged: its senders keep it and give it to the page that
   * comes next (a reload resumes the seat) or to this one if it stays after all.
   */
  readonly #onLeaving = () => {
    clearTimeout(this.#leaving);
    this.#leaving = setTimeout(this.#stay, LEAVING_MS);
  };

  /** The page stayed (the user is back at it, or it was a download): acknowledge what waited. */
  readonly #stay = () => {
    if (this.#leaving === undefined) return;
    clearTimeout(this.#leaving);
    this.#leaving = undefined;
    for (const nick of this.people.keys()) {
      const link = this.#mesh.get(nick);
      if (link?.open) this.#reacknowledge(link);
    }
  };

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#onVisibility);
    window.addEventListener('beforeunload', this.#onLeaving);
    for (const event of BACK_EVENTS) window.addEventListener(event, this.#stay, { capture: true });
    this.#socket.connect();
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility);
    window.removeEventListener('beforeunload', this.#onLeaving);
    for (const event of BACK_EVENTS) window.removeEventListener(event, this.#stay, { capture: true });
    this.#reset();
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
      await this.#prepare(nick);
      const { room, privateRoom } = await where();
      const result = await this.#timed().emitWithAck('join', { nick, room });
      if (result.ok) this.#enter(result, privateRoom);
      else this.error = () => errorText(result.code);
    });
  }

  async pair(nick: string): Promise<void> {
    await this.#attempt(async () => {
      await this.#reachable();
      await this.#prepare(nick);
      const result = await this.#timed().emitWithAck('pair', { nick });
      if (result.ok) this.screen = 'waiting';
      else this.error = () => errorText(result.code);
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
    sessionStorage.removeItem(SEAT_KEY);
    this.#reset();
    this.screen = 'join';
    this.attention.showTitle();
    this.#changed();
  }

  /** Forget the room: links, people, queues, timers, transfers and conversations. */
  #reset(): void {
    clearTimeout(this.#iceRefresh);
    this.#mesh.closeAll();
    // Not #forgetPeer: nobody left, we did; there is nothing to tell about what they never got.
    for (const nick of this.people.keys()) this.#stopTimers(nick);
    this.#outboxes.clear();
    this.#inboxes.clear();
    this.#budgets.clear();
    this.#identities.clear();
    this.#typingSent.clear();
    this.people.clear();
    this.files.clear();
    this.secret = undefined;
    this.#proofKey = undefined;
    this.#session = '';
    this.view = undefined;
    this.conversations = [];
    this.unread.clear();
    this.roomUnread = 0;
    this.#receipts.clear();
  }

  /** Handle one line from the composer: a message to the conversation on screen, or a slash command. */
  submit(input: string): void {
    const command = parseCommand(input, [...this.people.keys()]);
    switch (command.kind) {
      case 'say':
        if (!command.text) break;
        if (this.view === undefined) this.#sayToAll(command.text);
        else this.#sayTo(this.view, command.text);
        break;
      case 'msg':
        this.#sayTo(command.to, command.text);
        break;
      case 'users':
        this.notice(
          msg(str`In ${this.#roomName()} (${this.people.size + 1} of ${this.capacity}): ${this.#peopleSummary()}`),
        );
        break;
      case 'help':
        for (const line of helpLines()) this.notice(line);
        break;
      case 'quit':
        this.leave();
        break;
      case 'usage':
        this.notice(msg('Usage: /msg <nick> <text>'));
        break;
      case 'unknown-nick':
        this.notice(msg(str`Nobody called "${command.nick}" is in this room. Type /users to see who is.`));
        break;
      case 'unknown-command':
        this.notice(msg(str`Unknown command "/${command.name}". Type /help for the list.`));
        break;
    }
    this.#typingSent.clear();
  }

  /** Show the room (`undefined`) or the private conversation with `nick`; its unread count clears. */
  openView(nick: string | undefined): void {
    if (nick !== undefined) this.#converse(nick);
    this.view = nick;
    this.#markSeen();
    this.#changed();
  }

  /** The composer holds `draft`: tell whoever it is for that we are typing, at most once a second. */
  typed(draft: string): void {
    if (draft.trim() === '') return;
    // A draft may not have its text yet ("/msg bob "): stand in a word for it, to learn who it is for.
    const command = parseCommand(draft.replace(/\s*$/, ' x'), [...this.people.keys()]);
    if (command.kind !== 'msg' && command.kind !== 'say') return;
    const to = command.kind === 'msg' ? command.to : this.view;
    const key = to ?? '';
    const now = Date.now();
    if (now - (this.#typingSent.get(key) ?? -Infinity) < TYPING_INTERVAL_MS) return;
    this.#typingSent.set(key, now);
    if (to === undefined) this.#mesh.broadcast({ type: 'typing', scope: 'room' }, (nick) => this.#trusted(nick));
    else if (this.#trusted(to)) this.#mesh.sendTo(to, { type: 'typing', scope: 'private' });
  }

  /** Who is typing in the conversation on screen (or in `view`). */
  typers(view: string | undefined = this.view): string[] {
    if (view !== undefined) return this.#typing.private.has(view) ? [view] : [];
    return [...this.#typing.room.keys()];
  }

  /** Offer files to the conversation on screen: everyone in the room, or one peer. */
  async sendFiles(files: readonly File[]): Promise<void> {
    const view = this.view;
    const scope: Scope = view === undefined ? 'room' : 'private';
    const to = view === undefined ? this.#audience() : this.#trusted(view) ? [view] : [];
    for (const file of files) {
      if (file.size > FILE_MAX_BYTES) {
        this.notice(msg(str`${file.name} is too large to send: files go up to ${sizeText(FILE_MAX_BYTES)}.`));
        continue;
      }
      if (to.length === 0) {
        this.notice(msg(str`Nobody is connected to receive ${file.name}.`));
        continue;
      }
      try {
        const transfers = await this.files.offer(file, to, scope);
        this.#line({ kind: 'file', from: this.nick, ...(view === undefined ? {} : { to: view }), text: file.name, ts: Date.now(), transfers });
      } catch (error: unknown) {
        console.warn('meshchat: could not read a file to send', error);
        this.notice(msg(str`Could not read ${file.name}, so it was not offered.`));
      }
    }
  }

  /** Our messages someone has not acknowledged yet, counted once per recipient. */
  get unacknowledged(): number {
    let count = 0;
    for (const outbox of this.#outboxes.values()) count += outbox.pending.length;
    return count;
  }

  /** In a private room, only links whose peer proved the secret are spoken to. */
  #trusted(nick: string): boolean {
    return this.#proofKey === undefined || this.people.get(nick)?.verification === 'verified';
  }

  /** Who a message to the room is for: everyone here, except links that failed verification. */
  #audience(): string[] {
    return [...this.people].filter(([, view]) => view.verification !== 'failed').map(([nick]) => nick);
  }

  #sayToAll(text: string): void {
    const to = this.#audience();
    const message: Unsequenced = { type: 'chat', id: crypto.randomUUID(), ts: Date.now(), text };
    if (to.length === 0) {
      this.#line({ kind: 'public', from: this.nick, text, ts: message.ts });
      this.notice(msg('Nobody else is connected yet, so nobody received that.'));
      return;
    }
    this.#post(message, to, { kind: 'public', from: this.nick, text, ts: message.ts });
  }

  #sayTo(to: string, text: string): void {
    if (this.people.get(to)?.verification === 'failed') {
      this.notice(msg(str`The link to ${to} is not verified, so the private message was not sent: ${text}`));
      return;
    }
    if (!this.people.has(to)) {
      this.notice(msg(str`${to} is not in the room any more, so the private message was not sent: ${text}`));
      return;
    }
    const message: Unsequenced = { type: 'private', id: crypto.randomUUID(), ts: Date.now(), text };
    this.#post(message, [to], { kind: 'private', from: this.nick, to, text, ts: message.ts });
    this.#converse(to);
  }

  /** Queue a message for each recipient, show it with its receipt, and send it on every open link. */
  #post(message: Unsequenced, to: readonly string[], line: Omit<ChatLine, 'id'>): void {
    const taken = to.filter((nick) => this.#outbox(nick).add(message) !== undefined);
    for (const nick of to.filter((nick) => !taken.includes(nick))) {
      this.notice(msg(str`Too many messages are waiting for ${nick}'s link to come back; this one was not queued for them.`));
    }
    if (taken.length === 0) return;
    const id = this.#line({ ...line, receipt: { to: taken, sent: [], delivered: [], lost: [] } });
    this.#receipts.set(message.id, id);
    for (const nick of taken) this.#flush(nick);
  }

  #outbox(nick: string): Outbox {
    let outbox = this.#outboxes.get(nick);
    if (!outbox) this.#outboxes.set(nick, (outbox = new Outbox()));
    return outbox;
  }

  /** Send `nick` whatever is pending that its current link has not carried yet, oldest first. */
  #flush(nick: string): void {
    const link = this.#mesh.get(nick);
    const outbox = this.#outboxes.get(nick);
    if (!link?.open || !outbox || !this.#trusted(nick) || this.#flushLater.has(nick)) return;
    let flushed = this.#flushed.get(link) ?? 0;
    let sent = 0;
    for (const message of outbox.pending) {
      if (message.seq <= flushed) continue;
      // A long backlog goes out in slices, within the receiver's inbound budget for one person.
      if (sent === FLUSH_SLICE) {
        this.#flushLater.set(
          nick,
          setTimeout(() => {
            this.#flushLater.delete(nick);
            this.#flush(nick);
          }, FLUSH_SLICE_MS),
        );
        break;
      }
      if (!link.send(message)) break;
      sent += 1;
      flushed = message.seq;
      this.#updateReceipt(message.id, (receipt) => mark(receipt, 'sent', nick));
    }
    this.#flushed.set(link, flushed);
  }

  /** Replace the log line of our message `messageId` with one whose receipt `change` updated. */
  #updateReceipt(messageId: string, change: (receipt: Receipt) => Receipt): void {
    const lineId = this.#receipts.get(messageId);
    const index = lineId === undefined ? -1 : this.lines.findLastIndex((line) => line.id === lineId);
    const line = this.lines[index];
    if (!line?.receipt) {
      this.#receipts.delete(messageId);
      return;
    }
    const receipt = change(line.receipt);
    if (receipt === line.receipt) return;
    this.lines = this.lines.with(index, { ...line, receipt });
    const state = receiptState(receipt);
    if (state === 'delivered' || state === 'partial') this.#receipts.delete(messageId);
    this.#changed();
  }

  #peopleSummary(): string {
    const others = [...this.people].map(([nick, view]) => `${nick} (${linkWords(view)})`);
    return [msg(str`${this.nick} (you)`), ...others].join(', ');
  }

  #roomName(): string {
    return this.secret ? msg('Private room') : this.room;
  }

  #createLink(nick: string, initiator: boolean): PeerLink {
    const link: PeerLink = new PeerLink({
      nick,
      initiator,
      iceServers: this.#ice.iceServers,
      certificate: this.#certificate,
      budget: this.#budget(nick),
      ...(this.#options.iceTransportPolicy ? { iceTransportPolicy: this.#options.iceTransportPolicy } : {}),
      onSignal: (data) => this.#socket.emit('signal', { to: nick, data }, (result) => this.#signalled(nick, result)),
      onMessage: (message) => void this.#receive(link, message),
      onChunk: (id, data) => {
        if (this.#trusted(nick)) this.files.chunk(nick, id, data);
      },
      onDropped: () => {
        this.dropped += 1;
        this.#changed();
      },
      onRoute: (route) => this.#updatePeer(nick, { route }),
      onState: (state, reason) => {
        this.#updatePeer(nick, { state });
        if (state === 'connected') {
          const retry = this.#retries.get(nick);
          if (retry && retry.attempt > 0) this.notice(msg(str`The direct link to ${nick} is back.`));
          this.#retries.delete(nick);
          this.#checkIdentity(link);
          void this.#secureLink(link);
          this.#flush(nick);
          this.#reacknowledge(link);
        }
        if (state === 'failed') {
          this.#mesh.forget(link);
          this.files.lost(nick, 'link-lost');
          this.#stopTyping(nick);
          const why = reason ? ` (${linkFailureText(reason)})` : '';
          const lost = msg(str`Lost the direct link to ${nick}${why}. Messages to them wait until it is back.`);
          const told = this.#retries.get(nick)?.told;
          // Someone who flooded us gets a new link only after the longest back-off.
          if (reason?.why === 'flood') this.#retries.set(nick, { attempt: 8, timer: undefined });
          this.#retry(nick);
          // Each failed attempt to bring it back would say the same again.
          if (lost !== told) this.notice(lost);
          const retry = this.#retries.get(nick);
          if (retry) retry.told = lost;
        }
        this.#changed();
      },
    });
    this.#forgetProof(nick);
    this.people.set(nick, { state: 'connecting' });
    return link;
  }

  /**
   * Bring a lost link back while the peer is still in the room. One side only offers, so two
   * offers never cross: the one whose nickname sorts first. The other waits for that offer.
   */
  #retry(nick: string): void {
    const retry = this.#retries.get(nick) ?? { attempt: 0, timer: undefined };
    clearTimeout(retry.timer);
    this.#retries.set(nick, retry);
    if (nickKey(this.nick) > nickKey(nick)) {
      retry.attempt += 1;
      return;
    }
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** retry.attempt);
    retry.attempt += 1;
    retry.timer = setTimeout(() => {
      retry.timer = undefined;
      const link = this.#mesh.get(nick);
      if (this.screen !== 'room' || !this.people.has(nick) || link?.state === 'connecting' || link?.open) return;
      this.#mesh.connect(nick);
      this.#changed();
    }, delay);
  }

  /**
   * Messages can arrive on a link before it counts as open here, and their acknowledgements then
   * had no open link to go on: the sender, whose link did carry them, would never send them again
   * and their receipts would stay at ✓ for good. So when a link opens, acknowledge everything it
   * has brought so far, cumulatively (sound: a link is ordered, and a sender re-sends oldest first).
   */
  #reacknowledge(link: Link): void {
    const seq = this.#received.get(link);
    if (seq !== undefined && this.#trusted(link.nick)) this.#acknowledge(link, seq);
  }

  /** Acknowledge, cumulatively up to `seq`, what `link` brought; not while the page is being left (see #onLeaving). */
  #acknowledge(link: Link | undefined, seq: number): void {
    if (link?.open && this.#leaving === undefined) link.send({ type: 'ack', seq });
  }

  #budget(nick: string): InboundBudget {
    let budget = this.#budgets.get(nick);
    if (!budget) this.#budgets.set(nick, (budget = new InboundBudget()));
    return budget;
  }

  /**
   * A link opened: if the name's earlier links showed another DTLS fingerprint, someone else (another
   * browser) now answers to it. Say so plainly, where that person's messages show, as Signal says
   * "safety number changed".
   */
  #checkIdentity(link: PeerLink): void {
    const remote = link.fingerprints?.remote;
    if (!remote) return;
    const known = this.#identities.get(link.nick);
    this.#identities.set(link.nick, remote);
    if (known === undefined || known === remote) return;
    this.#line({
      kind: 'warning',
      from: link.nick,
      text: msg(
        str`${link.nick}'s safety code changed: this is a different browser than before. If ${link.nick} did not just switch devices or browsers, someone else may be using the name; compare the safety code in People.`,
      ),
      ts: Date.now(),
    });
  }

  /** The server's answer to a signal for `nick`: refused because they are away, or for a reason worth telling. */
  #signalled(nick: string, result: Result): void {
    if (result.ok) return;
    if (result.code === 'PEER_AWAY') this.#away(nick);
    else this.notice(refusedText('signal', result.code));
  }

  /**
   * `nick` keeps their seat but has no signaling connection (a closed tab, a lost network): no link
   * can form until they are back, and then they offer one themselves. Until then: no attempts, no
   * errors, shown as away. If they do not come back, the server says they left.
   */
  #away(nick: string): void {
    if (!this.people.has(nick) || this.#mesh.get(nick)?.open) return;
    this.#mesh.remove(nick);
    clearTimeout(this.#retries.get(nick)?.timer);
    this.#retries.delete(nick);
    this.#updatePeer(nick, { state: 'away' });
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
        setTimeout(() => this.#settleProof(link.nick, false, msg('no proof of the room secret arrived')), PROOF_TIMEOUT_MS),
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
      this.#flush(nick);
      return;
    }
    this.#dropOutbox(nick);
    this.notice(
      msg(
        str`Warning: the link to ${nick} could not be verified (${reason}). Someone may be intercepting it; nothing is sent to it and messages from it are hidden.`,
      ),
    );
  }

  #forgetProof(nick: string): void {
    clearTimeout(this.#proofTimers.get(nick));
    this.#proofTimers.delete(nick);
    this.#held.delete(nick);
  }

  /** `nick` left the room: everything kept for them goes, and we say what never reached them. */
  #forgetPeer(nick: string): void {
    this.#stopTimers(nick);
    this.files.lost(nick, 'peer-left');
    this.#inboxes.delete(nick);
    const lost = this.#dropOutbox(nick);
    if (lost > 0 && this.screen === 'room') this.notice(msg(str`${nick} left before receiving ${lost} of your messages.`));
  }

  /** Everything that would still happen about `nick` by itself: proof timeout, link retry, typing notice. */
  #stopTimers(nick: string): void {
    this.#forgetProof(nick);
    clearTimeout(this.#flushLater.get(nick));
    this.#flushLater.delete(nick);
    clearTimeout(this.#retries.get(nick)?.timer);
    this.#retries.delete(nick);
    this.#stopTyping(nick);
  }

  /** Nothing more will reach `nick`: what waits for them is marked lost. Returns how many. */
  #dropOutbox(nick: string): number {
    const pending = this.#outboxes.get(nick)?.pending ?? [];
    this.#outboxes.delete(nick);
    for (const message of pending) this.#updateReceipt(message.id, (receipt) => mark(receipt, 'lost', nick));
    return pending.length;
  }

  async #receive(link: PeerLink, message: PeerMessage): Promise<void> {
    const nick = link.nick;
    switch (message.type) {
      case 'hello':
      case 'ping':
      case 'pong':
        // The link answers these itself.
        return;
      case 'proof': {
        const key = this.#proofKey;
        const fingerprints = link.fingerprints;
        if (!key) return;
        const proved = fingerprints !== undefined && (await verifyLinkProof(key, message.mac, fingerprints.local, fingerprints.remote));
        this.#settleProof(nick, proved, msg('its proof of the room secret does not match this link'));
        return;
      }
      case 'chat':
      case 'private': {
        this.#received.set(link, Math.max(this.#received.get(link) ?? 0, message.seq));
        if (this.#trusted(nick)) {
          this.#show(nick, message);
          return;
        }
        if (this.people.get(nick)?.verification === 'failed') return;
        const held = this.#held.get(nick) ?? [];
        if (held.length < MAX_HELD) held.push(message);
        this.#held.set(nick, held);
        return;
      }
    }
    // Everything else only counts from a peer we trust.
    if (!this.#trusted(nick)) return;
    switch (message.type) {
      case 'ack':
        for (const acked of this.#outboxes.get(nick)?.ack(message.seq) ?? []) {
          this.#updateReceipt(acked.id, (receipt) => mark(receipt, 'delivered', nick));
        }
        return;
      case 'typing':
        this.#startTyping(nick, message.scope);
        return;
      case 'file-offer': {
        const transfer = this.files.offered(nick, message);
        if (!transfer) return;
        const to = message.scope === 'private' ? { to: this.nick } : {};
        this.#line({ kind: 'file', from: nick, ...to, text: message.name, ts: Date.now(), transfers: [transfer] });
        this.#stopTyping(nick);
        this.#arrived(nick, message.scope === 'private', msg(str`${nick} offers a file: ${message.name}`));
        return;
      }
      default:
        this.files.replied(nick, message);
    }
  }

  /** Show a message from `from` once, however often it arrives, and acknowledge it every time. */
  #show(from: string, message: TextMessage): void {
    let inbox = this.#inboxes.get(from);
    if (!inbox) this.#inboxes.set(from, (inbox = new Inbox()));
    const fresh = inbox.accept(message.id);
    this.#acknowledge(this.#mesh.get(from), message.seq);
    if (!fresh) return;
    const isPrivate = message.type === 'private';
    const now = Date.now();
    this.#line({
      kind: isPrivate ? 'private' : 'public',
      from,
      ...(isPrivate ? { to: this.nick } : {}),
      text: message.text,
      ts: message.ts > now + TS_AHEAD_MS || message.ts < now - TS_BEHIND_MS ? now : message.ts,
    });
    this.#stopTyping(from, isPrivate ? 'private' : 'room');
    this.#arrived(from, isPrivate, message.text);
  }

  /** Someone else's message arrived: count it unread where it is not on screen, and call for attention. */
  #arrived(from: string, isPrivate: boolean, text: string): void {
    if (isPrivate) this.#converse(from);
    // Unread counts what arrived while its own conversation was not on screen.
    const conversation = isPrivate ? from : undefined;
    if (document.hidden || this.view !== conversation) {
      if (conversation === undefined) this.roomUnread += 1;
      else this.unread.set(conversation, (this.unread.get(conversation) ?? 0) + 1);
    }
    this.announcement = isPrivate ? msg(str`Private message from ${from}: ${text}`) : msg(str`${from}: ${text}`);
    const heading = isPrivate ? msg(str`${from} (private)`) : msg(str`${from} in ${this.#roomName()}`);
    this.attention.arrived(heading, text, isPrivate ? `private:${from}` : 'room', () => this.openView(isPrivate ? from : undefined));
    this.#changed();
  }

  /** What is on screen counts as read. */
  #markSeen(): void {
    if (document.hidden) return;
    if (this.view === undefined) this.roomUnread = 0;
    else this.unread.delete(this.view);
  }

  /** Make sure there is a private conversation with `nick` to switch to. */
  #converse(nick: string): void {
    if (!this.conversations.includes(nick)) this.conversations = [...this.conversations, nick];
  }

  #startTyping(nick: string, scope: Scope): void {
    const typing = this.#typing[scope];
    clearTimeout(typing.get(nick));
    typing.set(
      nick,
      setTimeout(() => {
        typing.delete(nick);
        this.#changed();
      }, TYPING_SHOW_MS),
    );
    this.#changed();
  }

  #stopTyping(nick: string, scope?: Scope): void {
    for (const each of scope ? [scope] : (['room', 'private'] as const)) {
      clearTimeout(this.#typing[each].get(nick));
      this.#typing[each].delete(nick);
    }
    this.#changed();
  }

  #enter(joined: JoinedRoom, privateRoom?: PrivateRoom): void {
    this.secret = privateRoom?.secret;
    this.#proofKey = privateRoom?.key;
    this.screen = 'room';
    this.error = undefined;
    this.nick = joined.nick;
    this.room = joined.room;
    this.capacity = joined.capacity;
    this.#session = joined.session;
    this.#keepSeat();
    this.lines = [];
    const where = privateRoom ? msg('the private room') : joined.room;
    this.notice(
      joined.peers.length === 0
        ? msg(str`You joined ${where} as ${joined.nick}. Nobody else is here yet.`)
        : msg(str`You joined ${where} as ${joined.nick}, with ${joined.peers.join(', ')}.`),
    );
    for (const peer of joined.peers) this.#mesh.connect(peer);
    this.attention.showTitle();
  }

  /** Keep the seat in this tab, so a reload takes it back at once instead of finding the name taken. */
  #keepSeat(): void {
    const seat: KeptSeat = { session: this.#session, nick: this.nick, room: this.room, ...(this.secret ? { secret: this.secret } : {}) };
    sessionStorage.setItem(SEAT_KEY, JSON.stringify(seat));
  }

  /** The seat this tab held before a reload, if it kept one. */
  #keptSeat(): KeptSeat | undefined {
    try {
      const seat = JSON.parse(sessionStorage.getItem(SEAT_KEY) ?? 'null') as Partial<KeptSeat> | null;
      const { session, nick, room, secret } = seat ?? {};
      if (typeof session !== 'string' || typeof nick !== 'string' || typeof room !== 'string') return undefined;
      return { session, nick, room, ...(typeof secret === 'string' ? { secret } : {}) };
    } catch {
      // Not ours, or damaged: start afresh.
      sessionStorage.removeItem(SEAT_KEY);
      return undefined;
    }
  }

  /** The page was reloaded in a room: take the seat back with its token (or the name again, if the server forgot it). */
  async #resumeKept(seat: KeptSeat): Promise<void> {
    await this.#attempt(async () => {
      await this.#prepare(seat.nick);
      const privateRoom = seat.secret === undefined ? undefined : { secret: seat.secret, key: await proofKey(seat.secret) };
      const result = await this.#takeSeatBack(seat);
      if (result.ok) this.#enter(result, privateRoom);
      else {
        sessionStorage.removeItem(SEAT_KEY);
        this.error = () => errorText(result.code);
      }
    });
  }

  /** Resume a seat with its token; if the server no longer knows the token, claim the same nickname and room again. */
  async #takeSeatBack({ session, nick, room }: Omit<KeptSeat, 'secret'>): Promise<JoinResult> {
    const resumed = await this.#timed().emitWithAck('resume', { session });
    if (resumed.ok || resumed.code !== 'SESSION_INVALID') return resumed;
    return this.#timed().emitWithAck('join', { nick, room });
  }

  /** After the signaling connection came back: reclaim the seat, or take it again on a new server. */
  async #reclaim(): Promise<void> {
    const result = await this.#takeSeatBack({ session: this.#session, nick: this.nick, room: this.room }).catch(() => undefined);
    if (!result) return;
    if (!result.ok) {
      this.notice(msg(str`Could not get your seat back: ${errorText(result.code)}`));
      return;
    }
    this.#session = result.session;
    this.#keepSeat();
    this.notice(msg('Reconnected to the signaling server.'));
    for (const peer of result.peers) {
      if (!this.people.has(peer)) this.notice(msg(str`${peer} is here.`));
      if (!this.#mesh.get(peer)?.open) this.#mesh.connect(peer);
    }
    this.#changed();
  }

  #listen(): void {
    const socket = this.#socket;
    socket.on('connect', () => {
      this.signaling = 'online';
      if (this.screen === 'room' && this.#session) void this.#reclaim();
      const kept = this.screen === 'join' && !this.busy ? this.#keptSeat() : undefined;
      if (kept) void this.#resumeKept(kept);
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
        this.notice(msg('Lost the signaling server. Chats keep flowing over direct links; nobody new can join until it is back.'));
      }
      if (this.screen === 'waiting') this.screen = 'join';
      // After a deliberate server-side disconnect socket.io does not retry on its own.
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1_000);
      this.#changed();
    });
    socket.on('peer-joined', ({ nick }) => {
      if (!this.people.has(nick)) {
        this.people.set(nick, { state: 'connecting' });
        this.notice(msg(str`${nick} joined.`));
      }
      this.#changed();
    });
    socket.on('peer-left', ({ nick, reason }) => {
      this.#mesh.remove(nick);
      this.#forgetPeer(nick);
      if (this.people.delete(nick)) this.notice(leaveText(nick, reason));
      this.#changed();
    });
    socket.on('signal', ({ from, data }) => {
      // Links only with members of the room, and within what a person's negotiation takes.
      if (this.screen !== 'room' || from === this.nick || !this.people.has(from)) return;
      if (!this.#budget(from).take('signal', performance.now())) return;
      try {
        this.#mesh.signal(from, data);
      } catch (error: unknown) {
        // The browser refused another connection (too many): this person waits, nobody else is touched.
        console.warn('meshchat: could not answer a link', error);
        this.#mesh.remove(from);
        this.#updatePeer(from, { state: 'failed' });
      }
      this.#changed();
    });
    socket.on('paired', (joined) => {
      this.#enter(joined);
      this.#changed();
    });
    socket.on('announce', ({ text }) => this.notice(msg(str`Announcement: ${text}`)));
    socket.on('kicked', ({ room }) => {
      this.leave();
      this.error = () => msg(str`An admin removed you from ${room}.`);
      this.#changed();
    });
    // The event is the news; the server's own words are English, so the page says it in the reader's language.
    socket.on('server-shutdown', (_notice, ack) => {
      ack();
      this.notice(msg('The signaling server is shutting down. Chats you are in keep working.'));
    });
    socket.on('protocol-error', ({ event, code }) => this.notice(refusedText(event, code)));
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
    this.error = undefined;
    this.#changed();
    try {
      await work();
    } catch (error: unknown) {
      console.warn('meshchat: request failed', error);
      this.error = unreachableText;
    } finally {
      this.busy = false;
      this.#changed();
    }
  }

  /** What links need before any is made: the ICE servers, and this tab's certificate. */
  async #prepare(nick: string): Promise<void> {
    await this.#loadIce(nick);
    this.#certificate ??= await tabCertificate();
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

  #line(line: Omit<ChatLine, 'id'>): number {
    const id = ++this.#lineId;
    this.lines = [...this.lines.slice(-(MAX_LINES - 1)), { id, ...line }];
    this.#changed();
    return id;
  }

  #changed(): void {
    this.#host.requestUpdate();
  }
}
