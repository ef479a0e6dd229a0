import type { LeaveReason, PeerMessage, Scope, SignalData } from '@meshchat/protocol';
import type { LinkFactory } from '../net';
import { BackFill, earlierLines } from './back-fill';
import { Call } from './call';
import { mark } from './delivery';
import type { FileTransfers } from './files';
import { CALL_DEFAULTS } from './governor';
import type { Log } from './log';
import type { Arrival, Notice } from './notices';
import { Peer, type PeerRoom, type PeerView } from './peer';
import { Reach } from './reach';
import { RoomFiles } from './room-files';
import { Seen } from './seen';
import { Speech } from './speech';
import { Standings } from './standing';
import { Typing } from './typing';
import { Unlisted } from './unlisted';
import type { RoomOptions } from './room-options';

export type { RoomOptions } from './room-options';

type Route<T extends PeerMessage['type']> = (peer: Peer, message: Extract<PeerMessage, { type: T }>) => void;

/**
 * The room we are in: one `Peer` per other person (joining is creating one, leaving is disposing
 * it), what we say to all or one of them, and the route each frame takes to the feature it is for.
 * Plain TypeScript: links come from the factory it is given, so tests run rooms on fake links.
 */
export class Room {
  readonly me: string;
  readonly proofKey: CryptoKey | undefined;
  readonly links: LinkFactory;
  readonly files: FileTransfers;
  readonly #files: RoomFiles;
  /** What is said: messages to everyone or to one person, and actions on them (`toAll`, `to`, `act`). */
  readonly speech: Speech;
  readonly call: Call;
  /** "Seen by": telling people we saw their messages, and hearing that they saw ours. */
  readonly seen: Seen;
  /** The room's recent history: what we keep and give, and what the people here gave us. */
  readonly history: BackFill;
  holdingAcks = false;
  readonly #options: RoomOptions;
  readonly #log: Log;
  readonly #peers = new Map<string, Peer>();
  readonly #routes = new Map<PeerMessage['type'], (peer: Peer, message: PeerMessage) => void>();
  /** Who is typing to us, and when we last told each conversation we were. */
  readonly #typing = new Typing(() => this.#review());
  /** Who reaches whom, for pairs that cannot link directly. */
  readonly #reach = new Reach(() => [...this.#peers.values()]);
  /** The DTLS fingerprint each name's links have shown, to tell when someone else answers to it. */
  readonly #fingerprints = new Map<string, string>();
  /** People the server no longer lists, and we have no open link to: they leave unless they are back in time. */
  readonly #unlisted = new Unlisted(
    (nick) => this.#peers.get(nick)?.listing,
    (nick, reason) => {
      this.left(nick, reason);
      this.#review();
    },
  );
  /** The log's account of each person's link, told from their standing. */
  readonly #standings: Standings;
  /** What each person is given of the room, made when the first one comes. */
  #forPeers: PeerRoom | undefined;

  constructor(options: RoomOptions) {
    this.#options = options;
    this.me = options.me;
    this.proofKey = options.proofKey;
    this.links = options.links;
    this.#log = options.log;
    options.log.mentionable = () => [this.me, ...this.#peers.keys()];
    this.#standings = new Standings(options.log, options.words);
    // What saying things and offering files need of the room.
    const said = {
      me: this.me,
      log: options.log,
      peer: (nick: string) => this.#peers.get(nick),
      audience: () => this.audience(),
      tell: (notice: Notice) => this.tell(notice),
      arrived: (arrival: Arrival) => options.arrived(arrival),
      stoppedTyping: (nick: string, scope?: Scope) => this.#typing.stopped(nick, scope),
      warn: (nick: string, notice: Notice) => this.#warn(nick, notice),
      dropped: () => options.dropped(),
    };
    this.#files = new RoomFiles(said);
    this.files = this.#files.transfers;
    this.#on('ack', (peer, { seq }) => peer.mail.acked(seq));
    this.#on('typing', (peer, { scope }) => this.#typing.heard(peer.nick, scope));
    this.seen = new Seen({ me: this.me, log: options.log, peer: (nick) => this.#peers.get(nick), telling: () => options.tellSeen?.() ?? true });
    this.#on('seen', (peer, frame) => this.seen.heard(peer, frame));
    this.#on('file-offer', (peer, offer) => this.#files.offered(peer, offer));
    this.call = new Call({
      linked: () => [...this.#peers.values()].flatMap((peer) => (peer.direct ? [{ nick: peer.nick, link: peer.direct }] : [])),
      sendDirect: (nick, message) => this.#peers.get(nick)?.sendDirect(message) ?? false,
      tell: (notice) => this.tell(notice),
      changed: () => this.#review(),
    }, options.callSettings ?? CALL_DEFAULTS);
    this.#on('call', (peer, { inCall, muted, camera, screen, scope }) => this.call.stated(peer.nick, { inCall, muted, camera, screen, private: scope === 'private' }));
    this.#on('call-decline', (peer) => this.call.declined(peer.nick));
    this.#on('watch', (peer, { video, screen }) => this.call.watched(peer.nick, { video, screen }));
    this.#on('reach', (peer, { nicks }) => this.#reach.heard(peer.nick, nicks));
    this.#on('relay', (peer, { to, session, n, box }) => {
      // We pass it on, unread (we cannot read it), only between two people we both have a working link to.
      const target = this.#peers.get(to);
      if (target && target !== peer) target.sendDirect({ type: 'relayed', from: peer.nick, session, n, box });
    });
    this.#on('relayed', (peer, { from, session, n, box }) => this.#peers.get(from)?.detour.frame(peer.nick, { session, n, box }));
    this.history = new BackFill(
      this.me,
      options.signing ?? Promise.resolve(undefined),
      options.history ?? { room: '', shared: false, limits: { count: 0, ms: 0 }, shareMine: () => false },
      () => {
        const { lines, acts } = earlierLines(this.history.earlier, options.words);
        this.#log.setEarlier(lines, acts);
      },
    );
    this.speech = new Speech({ ...said, history: this.history });
    void this.history.ready.then(() => {
      for (const peer of this.#peers.values()) peer.keyReady();
    });
    this.#on('signed', (peer, signature) => this.history.signed(peer, signature));
    this.#on('history-ask', (peer, ask) => void this.history.asked(peer, ask));
    this.#on('history', (peer, frame) => {
      if (!this.history.answered(peer, frame, () => this.history.presentKeys(this.#peers.values()))) peer.cutOff();
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
    return [...this.#peers.values()].reduce((count, peer) => count + peer.mail.unacknowledged, 0);
  }

  /** Our signing key, once made. */
  get ownKey(): BackFill['key'] {
    return this.history.key;
  }

  /** We came in: link up with everyone already here (the newcomer offers), and ask them for the room's history. */
  enter(room: string | undefined, peers: readonly string[]): void {
    this.#standings.entered({ type: 'entered', nick: this.me, room, peers, history: this.history.options.shared });
    this.history.entered(peers);
    for (const nick of peers) this.#add(nick).connect();
  }

  /** Someone joined: they offer us a link. */
  joined(nick: string): void {
    this.#unlisted.listed(nick);
    if (this.#peers.has(nick)) return;
    this.#add(nick);
    this.history.joined(nick);
    this.tell({ type: 'peer-joined', nick });
  }

  /** Someone left: everything about them goes, and we say what never reached them. */
  left(nick: string, reason: LeaveReason): void {
    this.#unlisted.listed(nick);
    const peer = this.#peers.get(nick);
    if (!peer) return;
    this.#peers.delete(nick);
    peer.dispose();
    this.call.gone(nick);
    for (const other of this.#peers.values()) other.detour.viaLost(nick);
    this.files.lost(nick, 'peer-left');
    const count = peer.mail.dropOutbox();
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
      this.#unlisted.listed(nick);
      if (!this.#peers.has(nick)) this.tell({ type: 'peer-here', nick });
      const peer = this.#peers.get(nick) ?? this.#add(nick);
      if (!peer.link?.open) peer.connect();
    }
  }

  /** A signal relayed from a member of the room. */
  signal(from: string, data: SignalData): void {
    if (from === this.me) return;
    this.#peers.get(from)?.signal(data);
    this.#review();
  }

  /** Who a message to the room is for: everyone here, except links that failed verification. */
  audience(): Peer[] {
    return [...this.#peers.values()].filter((peer) => peer.view.verification !== 'failed');
  }

  /** We are typing to the room (`to` undefined) or to one person: say so, at most once a second. */
  typed(to: string | undefined, now = Date.now()): void {
    const peer = to === undefined ? undefined : this.#peers.get(to);
    if ((to !== undefined && !peer) || !this.#typing.tell(to, now)) return;
    const scope = peer ? 'private' : 'room';
    for (const each of peer ? [peer] : this.#peers.values()) if (each.trusted) each.send({ type: 'typing', scope });
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
  sendFiles(files: readonly File[], view: string | undefined): Promise<void> {
    return this.#files.send(files, view);
  }

  /** Our page is going away (closed, reloaded, navigated elsewhere): everyone is told it is on purpose. */
  goodbye(): void {
    for (const peer of this.#peers.values()) peer.send({ type: 'bye' });
  }

  /** The page is being left (`true`), or stayed after all: then acknowledge what waited. */
  holdAcks(holding: boolean): void {
    this.holdingAcks = holding;
    if (!holding) for (const peer of this.#peers.values()) peer.mail.reacknowledge();
  }

  /** The server does not know `nick` in this room: they leave unless they are back in time (see `Unlisted`). */
  unlisted(nick: string): void {
    this.#unlisted.unlisted(nick);
  }

  /** We left: every link closes and no timer runs on; nobody is told of what they never got. */
  dispose(): void {
    this.#unlisted.dispose();
    this.call.leave();
    for (const peer of this.#peers.values()) peer.dispose();
    this.#peers.clear();
    this.#typing.dispose();
    this.seen.dispose();
    this.#reach.dispose();
    this.files.clear();
  }

  /** What each person needs from the room, in its five parts (see `PeerRoom`). */
  #peerRoom(): PeerRoom {
    const peers = this.#peers;
    const options = this.#options;
    const warn = (peer: Peer, notice: Notice) => this.#warn(peer.nick, notice);
    return {
      // The room is who we are: its name for us, its secret's key, our links, keys and acks.
      self: this,
      ways: {
        me: this.me,
        proofKey: this.proofKey,
        relay: (to, data, answered) => options.relay(to, data, answered),
        vias: (nick) => this.#reach.vias(nick),
        reaches: (via) => peers.get(via)?.direct !== undefined,
        carry: (via, to, frame) => peers.get(via)?.sendDirect({ type: 'relay', to, ...frame }) ?? false,
      },
      inbound: {
        // Everything but the messages themselves only counts from a person we trust.
        route: (peer, message) => (peer.trusted ? this.#routes.get(message.type)?.(peer, message) : undefined),
        show: (peer, message) => this.speech.heard(peer, message),
        chunk: (peer, id, data) => this.files.chunk(peer.nick, id, data),
        mediaArrived: (peer, track, stream) => this.call.track(peer.nick, track, stream),
        receipt: (messageId, list, nick) => this.#log.updateReceipt(messageId, (receipt) => mark(receipt, list, nick)),
      },
      linkEvents: {
        opened: (peer, link) => {
          const remote = link.fingerprints?.remote;
          if (!remote) return;
          const known = this.#fingerprints.get(peer.nick);
          this.#fingerprints.set(peer.nick, remote);
          // Said plainly, where their messages show, as Signal says "safety number changed".
          if (known !== undefined && known !== remote) warn(peer, { type: 'identity-changed', nick: peer.nick });
        },
        usable: (peer, link) => {
          this.#reach.linked(peer.nick);
          this.call.linked(peer.nick, link);
          this.history.linked(peer);
        },
        lost: (peer, reason) => {
          if (reason?.why === 'silent') options.silent?.();
          this.#typing.stopped(peer.nick);
          this.call.unlinked(peer.nick);
          this.files.lost(peer.nick, 'link-lost');
          for (const other of peers.values()) other.detour.viaLost(peer.nick);
        },
      },
      report: {
        tell: (notice) => this.tell(notice),
        warn,
        unlisted: (nick) => this.unlisted(nick),
        dropped: () => options.dropped(),
        changed: () => this.#review(),
      },
    };
  }

  /** A warning about `nick`, shown where their messages show. */
  #warn(nick: string, notice: Notice): void {
    this.#log.add({ kind: 'warning', from: nick, text: this.#options.words(notice), ts: Date.now() });
  }

  /** Say something in the log, in the reader's words. */
  tell(notice: Notice): void {
    this.#log.notice(this.#options.words(notice));
  }

  /**
   * Something about the people here changed: the log's lines on how each stands are reviewed,
   * our links are told (soon, once for many changes) whom we reach, and the page renders.
   */
  #review(): void {
    if (this.#peers.size > 0) this.#reach.soon();
    for (const peer of this.#peers.values()) this.#standings.review(peer.nick, peer.standing);
    this.#standings.reviewEntered((nick) => this.#peers.get(nick)?.standing);
    this.#options.changed();
  }

  #on<T extends PeerMessage['type']>(type: T, route: Route<T>): void {
    this.#routes.set(type, route as (peer: Peer, message: PeerMessage) => void);
  }

  #add(nick: string): Peer {
    const peer = new Peer(nick, (this.#forPeers ??= this.#peerRoom()));
    this.#peers.set(nick, peer);
    return peer;
  }
}
