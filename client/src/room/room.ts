import {
  CLOCK_AHEAD_MS,
  FILE_MAX_BYTES,
  RECONNECT_GRACE_MS,
  RELOAD_GRACE_MS,
  type LeaveReason,
  type PeerMessage,
  type Result,
  type Scope,
  type SignalData,
  type TextMessage,
} from '@meshchat/protocol';
import type { Link, LinkFactory, LinkFailure, RelayFrame } from '../net';
import { BackFill, type HistoryOptions, type SigningKeys } from './back-fill';
import { Call } from './call';
import { mark, type Unsequenced } from './delivery';
import { FileTransfers } from './files';
import { CALL_DEFAULTS, type CallSettings } from './governor';
import type { ChatLine, Log } from './log';
import type { Arrival, Notice } from './notices';
import { Peer, type PeerRoom, type PeerView } from './peer';
import { Reach } from './reach';
import { Standings } from './standing';
import { Typing } from './typing';

export interface RoomOptions {
  /** Our own nickname in the room. */
  me: string;
  /** A private room's proof key, derived from its secret; none in a public room. */
  proofKey?: CryptoKey | undefined;
  links: LinkFactory;
  /** Relay a signal to `to` through the signaling server; `answered` gets its verdict. */
  relay(to: string, data: SignalData, answered: (result: Result) => void): void;
  log: Log;
  /** A notice in words of the reader's language. */
  words(notice: Notice): string;
  /** Someone else's message or file offer was shown. */
  arrived(arrival: Arrival): void;
  /** A frame failed to parse and was dropped. */
  dropped(): void;
  /** A link stopped hearing its peer: our network may have changed, so the signaling connection is checked. */
  silent?(): void;
  /** How calls in this room are governed; the defaults if not given. */
  callSettings?: CallSettings | undefined;
  /** Our signing key pair (kept for the tab); none: our messages go unsigned and nobody's are checked. */
  signing?: Promise<SigningKeys | undefined> | undefined;
  /** The room's history: whether and how much of it is kept and given to people who join later; none: not at all. */
  history?: HistoryOptions | undefined;
  changed(): void;
}

type Route<T extends PeerMessage['type']> = (peer: Peer, message: Extract<PeerMessage, { type: T }>) => void;

/**
 * A message's time is its sender's clock: believed within `CLOCK_AHEAD_MS` ahead of ours (clocks
 * drift) and this far back (a message may wait for a link), else shown with the time it arrived.
 */
const TS_BEHIND_MS = 7 * 24 * 3600_000;


/**
 * The room we are in: one `Peer` per other person (joining is creating one, leaving is disposing
 * it), what we say to all or one of them, and the route each frame takes to the feature it is for.
 * Plain TypeScript: links come from the factory it is given, so tests run rooms on fake links.
 */
export class Room implements PeerRoom {
  readonly me: string;
  readonly proofKey: CryptoKey | undefined;
  readonly links: LinkFactory;
  readonly files: FileTransfers;
  readonly call: Call;
  /** The room's recent history: what we keep and give, and what the people here gave us. */
  readonly history: BackFill;
  holdingAcks = false;
  readonly #options: RoomOptions;
  readonly #log: Log;
  readonly #peers = new Map<string, Peer>();
  readonly #routes = new Map<PeerMessage['type'], (peer: Peer, message: PeerMessage) => void>();
  /** Who is typing to us, and when we last told each conversation we were. */
  readonly #typing = new Typing(() => this.changed());
  /** Who reaches whom, for pairs that cannot link directly. */
  readonly #reach = new Reach();
  /** The DTLS fingerprint each name's links have shown, to tell when someone else answers to it. */
  readonly #fingerprints = new Map<string, string>();
  /**
   * People the server no longer lists (after an outage, or it refused a signal for them) and we
   * have no open link to: gone for good unless they are back within the server's reconnect grace.
   */
  readonly #unlisted = new Map<string, ReturnType<typeof setTimeout>>();
  /** The log's account of each person's link, told from their standing. */
  readonly #standings: Standings;
  /**
   * The line saying whom we joined, while it may still change: the server lists seats kept for
   * people whose connection is down (or who just closed their page), and the line names only
   * those who turn out to be here.
   */
  #entered: Extract<Notice, { type: 'entered' }> | undefined;

  constructor(options: RoomOptions) {
    this.#options = options;
    this.me = options.me;
    this.proofKey = options.proofKey;
    this.links = options.links;
    this.#log = options.log;
    this.#standings = new Standings(options.log, options.words);
    this.files = new FileTransfers({
      // Files go on our own links only: a relayed link carries no file channel.
      send: (nick, message) => this.#peers.get(nick)?.sendDirect(message) ?? false,
      link: (nick) => this.#peers.get(nick)?.direct,
    });
    this.#on('ack', (peer, { seq }) => peer.acked(seq));
    this.#on('typing', (peer, { scope }) => this.#typing.heard(peer.nick, scope));
    this.#on('file-offer', (peer, offer) => this.#fileOffered(peer, offer));
    this.call = new Call({
      linked: () => [...this.#peers.values()].flatMap((peer) => (peer.direct ? [{ nick: peer.nick, link: peer.direct }] : [])),
      sendDirect: (nick, message) => this.#peers.get(nick)?.sendDirect(message) ?? false,
      tell: (notice) => this.tell(notice),
      changed: () => this.changed(),
    }, options.callSettings ?? CALL_DEFAULTS);
    this.#on('call', (peer, { inCall, muted, camera, screen }) => this.call.stated(peer.nick, { inCall, muted, camera, screen }));
    this.#on('watch', (peer, { video, screen }) => this.call.watched(peer.nick, { video, screen }));
    this.#on('reach', (peer, { nicks }) => this.#reached(peer, nicks));
    this.#on('relay', (peer, { to, session, n, box }) => {
      // We pass it on, unread (we cannot read it), only between two people we both have a working link to.
      const target = this.#peers.get(to);
      if (target && target !== peer) target.sendDirect({ type: 'relayed', from: peer.nick, session, n, box });
    });
    this.#on('relayed', (peer, { from, session, n, box }) => this.#peers.get(from)?.relayed(peer.nick, { session, n, box }));
    this.history = new BackFill(
      this.me,
      options.signing ?? Promise.resolve(undefined),
      options.history ?? { room: '', shared: false, limits: { count: 0, ms: 0 }, shareMine: () => false },
      () => this.#showEarlier(),
    );
    void this.history.ready.then(() => {
      for (const peer of this.#peers.values()) peer.keyReady();
    });
    this.#on('signed', (peer, signature) => this.history.signed(peer, signature));
    this.#on('history-ask', (peer, ask) => void this.history.asked(peer, ask));
    this.#on('history', (peer, frame) => {
      if (!this.history.answered(peer, frame, () => this.#presentKeys())) peer.cutOff();
    });
    for (const type of ['file-accept', 'file-decline', 'file-cancel', 'file-done'] as const) {
      this.#on(type, (peer, reply) => this.files.replied(peer.nick, reply));
    }
  }

  /** Everyone else here, with what People shows of them. */
  get people(): ReadonlyMap<string, PeerView> {
    return new Map([...this.#peers].map(([nick, peer]) => [nick, peer.view]));
  }

  get nicks(): string[] {
    return [...this.#peers.keys()];
  }

  /** Our messages someone has not acknowledged yet, counted once per recipient. */
  get unacknowledged(): number {
    let count = 0;
    for (const peer of this.#peers.values()) count += peer.unacknowledged;
    return count;
  }

  /** Our signing key, once made. */
  get ownKey(): BackFill['key'] {
    return this.history.key;
  }

  /** We came in: link up with everyone already here (the newcomer offers), and ask them for the room's history. */
  enter(room: string | undefined, peers: readonly string[]): void {
    this.#entered = { type: 'entered', nick: this.me, room, peers, history: this.history.options.shared };
    this.#log.put('entered', { kind: 'notice', text: this.#options.words(this.#entered), ts: Date.now() });
    if (peers.length === 0) this.#log.settle('entered');
    this.history.entered(peers);
    for (const nick of peers) this.#add(nick).connect();
  }

  /** Someone joined: they offer us a link. */
  joined(nick: string): void {
    this.#listed(nick);
    if (this.#peers.has(nick)) return;
    this.#add(nick);
    this.tell({ type: 'peer-joined', nick });
  }

  /** Someone left: everything about them goes, and we say what never reached them. */
  left(nick: string, reason: LeaveReason): void {
    this.#listed(nick);
    const peer = this.#peers.get(nick);
    if (!peer) return;
    this.#peers.delete(nick);
    peer.dispose();
    this.call.gone(nick);
    for (const other of this.#peers.values()) other.viaLost(nick);
    this.files.lost(nick, 'peer-left');
    const count = peer.dropOutbox();
    this.#standings.gone(nick);
    this.#typing.stopped(nick);
    this.#reach.forget(nick);
    if (count > 0) this.tell({ type: 'left-unreceived', nick, count });
    this.#log.add({ kind: 'notice', text: this.#options.words({ type: 'peer-left', nick, reason }), ts: Date.now(), about: { nick, is: 'left' } });
  }

  /**
   * The signaling connection is back and the server says who is here: link up with anyone we
   * lost; anyone it does not list and we have no link to leaves unless they are back in time.
   */
  present(nicks: readonly string[]): void {
    const listed = new Set(nicks);
    for (const nick of this.#peers.keys()) if (!listed.has(nick)) this.unlisted(nick);
    for (const nick of nicks) {
      this.#listed(nick);
      if (!this.#peers.has(nick)) this.tell({ type: 'peer-here', nick });
      const peer = this.#peers.get(nick) ?? this.#add(nick);
      if (!peer.link?.open) peer.connect();
    }
  }

  /** A signal relayed from a member of the room. */
  signal(from: string, data: SignalData): void {
    if (from === this.me) return;
    this.#peers.get(from)?.signal(data);
    this.changed();
  }

  /** Who a message to the room is for: everyone here, except links that failed verification. */
  audience(): Peer[] {
    return [...this.#peers.values()].filter((peer) => peer.view.verification !== 'failed');
  }

  /**
   * A message to everyone here: shown and sent at once; its signature (for the room's history)
   * follows it to each recipient once made. Resolves when the signature has gone (or there is none).
   */
  async sayToAll(text: string): Promise<void> {
    const message: Unsequenced = { type: 'chat', id: crypto.randomUUID(), ts: Date.now(), text };
    // Signed in the order written: the chain follows what we said.
    const signing = this.history.sign(message);
    const line = { kind: 'public', from: this.me, text, ts: message.ts } as const;
    const to = this.audience();
    if (to.length === 0) {
      this.#log.add(line);
      this.tell({ type: 'nobody-connected' });
    }
    const taken = to.length > 0 ? this.#post(message, to, line) : [];
    const signed = await signing;
    if (!signed) return;
    for (const peer of taken) peer.vouch({ type: 'signed', id: message.id, ...signed });
  }

  /** A private message to `to` (`echo`: typed in the room, and shown there too); `false` when it could not even be queued. */
  sayTo(to: string, text: string, echo = false): boolean {
    const peer = this.#peers.get(to);
    if (peer?.view.verification === 'failed') {
      this.tell({ type: 'private-unverified', to, text });
      return false;
    }
    if (!peer) {
      this.tell({ type: 'private-gone', to, text });
      return false;
    }
    const message: Unsequenced = { type: 'private', id: crypto.randomUUID(), ts: Date.now(), text };
    this.#post(message, [peer], { kind: 'private', from: this.me, to, text, ts: message.ts, ...(echo ? { echo } : {}) });
    return true;
  }

  /** We are typing to the room (`to` undefined) or to one person: say so, at most once a second. */
  typed(to: string | undefined, now = Date.now()): void {
    const peer = to === undefined ? undefined : this.#peers.get(to);
    if ((to !== undefined && !peer) || !this.#typing.tell(to, now)) return;
    if (peer) {
      if (peer.trusted) peer.send({ type: 'typing', scope: 'private' });
      return;
    }
    for (const each of this.#peers.values()) if (each.trusted) each.send({ type: 'typing', scope: 'room' });
  }

  /** A line went out: the next keystroke says we are typing again at once. */
  sent(): void {
    this.#typing.sent();
  }

  /** Who is typing in the room (`view` undefined), or privately to us. */
  typers(view: string | undefined): string[] {
    if (view !== undefined) return this.#peers.has(view) && this.#typing.is(view, 'private') ? [view] : [];
    return this.nicks.filter((nick) => this.#typing.is(nick, 'room'));
  }

  /** Offer files to everyone in the room (`view` undefined), or to one person. */
  async sendFiles(files: readonly File[], view: string | undefined): Promise<void> {
    const scope: Scope = view === undefined ? 'room' : 'private';
    const wanted = view === undefined ? this.audience() : [this.#trusted(view)].filter((peer) => peer !== undefined);
    // A file goes only on a link of our own; someone we reach through another person is told why not.
    const relayed = wanted.filter((peer) => !peer.direct && peer.view.via !== undefined);
    const to = wanted.filter((peer) => !relayed.includes(peer)).map(({ nick }) => nick);
    for (const file of files) {
      for (const peer of relayed) this.tell({ type: 'file-relayed', name: file.name, nick: peer.nick, via: peer.view.via ?? '' });
      if (to.length === 0 && relayed.length > 0) continue;
      if (file.size > FILE_MAX_BYTES) {
        this.tell({ type: 'file-too-large', name: file.name });
        continue;
      }
      if (to.length === 0) {
        this.tell({ type: 'file-nobody', name: file.name });
        continue;
      }
      try {
        const transfers = await this.files.offer(file, to, scope);
        this.#log.add({ kind: 'file', from: this.me, ...(view === undefined ? {} : { to: view }), text: file.name, ts: Date.now(), transfers });
      } catch (error: unknown) {
        console.warn('meshchat: could not read a file to send', error);
        this.tell({ type: 'file-unreadable', name: file.name });
      }
    }
  }

  /** Our page is going away (closed, reloaded, navigated elsewhere): everyone is told it is on purpose. */
  goodbye(): void {
    for (const peer of this.#peers.values()) peer.sayGoodbye();
  }

  /** The page is being left (`true`), or stayed after all: then acknowledge what waited. */
  holdAcks(holding: boolean): void {
    this.holdingAcks = holding;
    if (holding) return;
    for (const peer of this.#peers.values()) peer.reacknowledge();
  }

  /**
   * The server does not know `nick` in this room: unless our link to them is open, they have the
   * server's reconnect grace to come back in (a reload's, if their page said goodbye).
   */
  unlisted(nick: string): void {
    const peer = this.#peers.get(nick);
    // A page that said goodbye may not have closed its link yet: it counts as gone all the same.
    const leaving = peer?.standing.is === 'leaving';
    if (this.#unlisted.has(nick) || (peer?.link?.open && !leaving)) return;
    const grace = leaving ? RELOAD_GRACE_MS : RECONNECT_GRACE_MS;
    const timer = setTimeout(() => {
      this.#unlisted.delete(nick);
      const now = this.#peers.get(nick);
      if (now?.link?.open && now.standing.is !== 'leaving') return;
      this.left(nick, grace === RELOAD_GRACE_MS ? 'left' : 'disconnected');
      this.changed();
    }, grace);
    this.#unlisted.set(nick, timer);
  }

  #listed(nick: string): void {
    clearTimeout(this.#unlisted.get(nick));
    this.#unlisted.delete(nick);
  }

  /** We left: every link closes and no timer runs on; nobody is told of what they never got. */
  dispose(): void {
    for (const timer of this.#unlisted.values()) clearTimeout(timer);
    this.#unlisted.clear();
    this.call.leave();
    for (const peer of this.#peers.values()) peer.dispose();
    this.#peers.clear();
    this.#typing.dispose();
    this.#reach.dispose();
    this.files.clear();
  }

  // What each person needs from the room (PeerRoom).

  relay(to: string, data: SignalData, answered: (result: Result) => void): void {
    this.#options.relay(to, data, answered);
  }

  vias(nick: string): string[] {
    return [...this.#peers.values()].filter((peer) => peer.nick !== nick && peer.direct && this.#reach.reaches(peer.nick, nick)).map((peer) => peer.nick);
  }

  reaches(via: string): boolean {
    return this.#peers.get(via)?.direct !== undefined;
  }

  carry(via: string, to: string, frame: RelayFrame): boolean {
    return this.#peers.get(via)?.sendDirect({ type: 'relay', to, ...frame }) ?? false;
  }

  tell(notice: Notice): void {
    this.#log.notice(this.#options.words(notice));
  }

  warn(peer: Peer, notice: Notice): void {
    this.#log.add({ kind: 'warning', from: peer.nick, text: this.#options.words(notice), ts: Date.now() });
  }

  receipt(messageId: string, list: 'sent' | 'delivered' | 'lost', nick: string): void {
    this.#log.updateReceipt(messageId, (receipt) => mark(receipt, list, nick));
  }

  route(peer: Peer, message: PeerMessage): void {
    // Everything but the messages themselves only counts from a person we trust.
    if (peer.trusted) this.#routes.get(message.type)?.(peer, message);
  }

  show(peer: Peer, message: TextMessage): void {
    const isPrivate = message.type === 'private';
    if (message.type === 'chat') this.history.heard(peer, message);
    const now = Date.now();
    this.#log.add({
      kind: isPrivate ? 'private' : 'public',
      from: peer.nick,
      ...(isPrivate ? { to: this.me } : {}),
      text: message.text,
      ts: message.ts > now + CLOCK_AHEAD_MS || message.ts < now - TS_BEHIND_MS ? now : message.ts,
    });
    this.#typing.stopped(peer.nick, isPrivate ? 'private' : 'room');
    this.#options.arrived({ from: peer.nick, private: isPrivate, text: message.text, file: false });
  }

  chunk(peer: Peer, id: string, data: Uint8Array): void {
    this.files.chunk(peer.nick, id, data);
  }

  directUp(peer: Peer, link: Link): void {
    this.#reach.linked(peer.nick);
    this.call.linked(peer.nick, link);
    this.history.linked(peer);
  }

  mediaArrived(peer: Peer, track: MediaStreamTrack, stream: MediaStream): void {
    this.call.track(peer.nick, track, stream);
  }

  linkLost(peer: Peer, reason: LinkFailure | undefined): void {
    if (reason?.why === 'silent') this.#options.silent?.();
    this.#typing.stopped(peer.nick);
    this.call.gone(peer.nick);
    this.files.lost(peer.nick, 'link-lost');
    for (const other of this.#peers.values()) other.viaLost(peer.nick);
  }

  fingerprintOf(nick: string, fingerprint: string): string | undefined {
    const known = this.#fingerprints.get(nick);
    this.#fingerprints.set(nick, fingerprint);
    return known;
  }

  dropped(): void {
    this.#options.dropped();
  }

  changed(): void {
    this.#reachSoon();
    for (const peer of this.#peers.values()) this.#standings.review(peer.nick, peer.standing);
    this.#reviewEntered();
    this.#options.changed();
  }

  /** The join line names only who is here; it settles once nobody it names is still being linked to. */
  #reviewEntered(): void {
    const entered = this.#entered;
    if (!entered) return;
    const listed = entered.peers.map((nick) => this.#peers.get(nick)).filter((peer) => peer !== undefined);
    const here = listed.filter((peer) => !['away', 'leaving'].includes(peer.standing.is)).map(({ nick }) => nick);
    if (here.join('\n') !== entered.peers.join('\n')) {
      this.#entered = { ...entered, peers: here };
      this.#log.put('entered', { kind: 'notice', text: this.#options.words(this.#entered), ts: Date.now() });
    }
    if (listed.every((peer) => peer.standing.is !== 'new')) {
      this.#entered = undefined;
      this.#log.settle('entered');
    }
  }

  /** Tell everyone we have a working link to whom we have one to, when that changed since they last heard. */
  #reachSoon(): void {
    if (this.#peers.size > 0) this.#reach.soon(() => [...this.#peers.values()]);
  }

  /** `via` says whom it reaches: a relayed link through it to someone it no longer reaches ends; others may start. */
  #reached(via: Peer, nicks: readonly string[]): void {
    this.#reach.heard(via.nick, nicks);
    for (const peer of this.#peers.values()) {
      if (peer === via) continue;
      if (!this.#reach.reaches(via.nick, peer.nick)) peer.viaLost(via.nick);
      else peer.considerDetour(true);
    }
  }

  /** The key each person here showed us, and ours: what their earlier messages are verified against. */
  #presentKeys(): Map<string, string> {
    const keys = new Map<string, string>();
    for (const peer of this.#peers.values()) if (peer.signingKey) keys.set(peer.nick, peer.signingKey.key);
    const own = this.ownKey;
    if (own) keys.set(this.me, own.key);
    return keys;
  }

  /** What the people here gave us of the room's history, as lines above the live ones. */
  #showEarlier(): void {
    this.#log.setEarlier(
      this.history.earlier.map((entry) => {
        if (entry.kind === 'message') {
          const { by, text, ts } = entry.record;
          return { kind: 'public', from: by, text, ts, known: entry.known };
        }
        if (entry.kind === 'gap') return { kind: 'notice', text: this.#options.words({ type: 'history-gap', nick: entry.by, count: entry.count }), ts: entry.ts };
        return { kind: 'warning', from: entry.by, text: this.#options.words({ type: 'history-unverifiable', nick: entry.by, holders: entry.holders }), ts: entry.ts };
      }),
    );
  }

  #on<T extends PeerMessage['type']>(type: T, route: Route<T>): void {
    this.#routes.set(type, route as (peer: Peer, message: PeerMessage) => void);
  }

  #add(nick: string): Peer {
    const peer = new Peer(nick, this);
    this.#peers.set(nick, peer);
    return peer;
  }

  /** The person `nick`, if we may speak to them (in a private room: they proved the secret). */
  #trusted(nick: string): Peer | undefined {
    const peer = this.#peers.get(nick);
    return peer?.trusted ? peer : undefined;
  }

  /** Queue a message for each recipient, show it with its receipt, then send it on every open link. Returns who took it. */
  #post(message: Unsequenced, to: readonly Peer[], line: Omit<ChatLine, 'id'>): Peer[] {
    const taken = to.filter((peer) => peer.queue(message));
    for (const peer of to.filter((peer) => !taken.includes(peer))) this.tell({ type: 'outbox-full', nick: peer.nick });
    if (taken.length === 0) return taken;
    this.#log.post(message.id, { ...line, receipt: { to: taken.map(({ nick }) => nick), sent: [], delivered: [], lost: [] } });
    for (const peer of taken) peer.flush();
    return taken;
  }

  #fileOffered(peer: Peer, offer: Extract<PeerMessage, { type: 'file-offer' }>): void {
    const transfer = this.files.offered(peer.nick, offer);
    if (!transfer) return;
    const isPrivate = offer.scope === 'private';
    this.#log.add({ kind: 'file', from: peer.nick, ...(isPrivate ? { to: this.me } : {}), text: offer.name, ts: Date.now(), transfers: [transfer] });
    this.#typing.stopped(peer.nick);
    this.#options.arrived({ from: peer.nick, private: isPrivate, text: offer.name, file: true });
  }
}
