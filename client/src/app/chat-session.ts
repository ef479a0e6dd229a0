import { isPairRoom, type ErrorCode, type JoinedRoom } from '@meshchat/protocol';
import { peerLinks, type KeptSeat, type LinkFactory } from '../net';
import {
  Conversations,
  Log,
  tabSigningKeys,
  type Arrival,
  type CallPeer,
  type CallSettings,
  type CallState,
  type ChatLine,
  type Command,
  type FileTransfers,
  type Notice,
  type PeerView,
  type Room,
  type SigningKeys,
} from '../room';
import { CallDevices } from './call-devices';
import { Composing } from './composing';
import { Lobby, type Outage, type Screen } from './lobby';
import { openRoom } from './open-room';
import { PageLife } from './page-life';
import { Choices } from './choices';
import { Keeping } from './keeping';

/** What the session writes into the log, in the reader's language: the interface gives the words. */
export interface SessionWords {
  notice(notice: Notice): string;
  outage(outage: Outage): string;
  /** A request of ours the server refused. */
  refused(event: string, code: ErrorCode): string;
  /** An admin's announcement to everyone. */
  announcement(text: string): string;
}

export interface SessionOptions {
  signalingUrl: string;
  words: SessionWords;
  /** Whether the page's address points at the room `seat` is in (a reload), not at another room. */
  pointsAt(seat: KeptSeat): boolean;
  /** Whether the room's history is shared (the page's address says), and how much of it is kept. */
  history(): { shared: boolean; limits: { count: number; ms: number } };
  /** How links are made; WebRTC (`RTCPeerConnection`) unless given. */
  links?: LinkFactory;
  /** `relay` sends everything through TURN. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** How calls are governed. */
  callSettings?: CallSettings;
}

/** Whether the page is in front of its reader (always, where there is no page: tests in Node). */
const shown = () => globalThis.document?.hidden !== true;

/**
 * A chat session, beneath any interface: getting in (the lobby and its signaling session), the
 * room we are in, its log and conversations, a call's devices, this tab's settings, and the
 * page's own life. Signals go from the signaling session to the room and back without passing
 * through an interface. An interface reads the fields, calls the methods, and is told of changes
 * by overriding the protected hooks at the end.
 */
export class ChatSession {
  /** A call's devices and timers: joining, muting, the camera and screen, the devices chosen. */
  readonly calls = new CallDevices(() => this.#room, () => this.changed());
  readonly conversations = new Conversations();
  /** What the composer does: messages, replies, edits, commands, typing; and the actions on a message. */
  readonly composing = new Composing({
    room: () => this.#room,
    conversations: this.conversations,
    me: () => this.nick,
    lines: () => [...this.#log.earlier, ...this.#log.lines],
    leave: () => this.leave(),
    answer: (command) => this.answer(command),
    changed: () => this.changed(),
  });
  readonly lobby: Lobby;
  /** Frames that failed to parse and were dropped. */
  dropped = 0;
  readonly #options: SessionOptions;
  readonly #links: LinkFactory;
  readonly #log = new Log(() => this.changed());
  #room: Room | undefined;
  /** This tab's signing keys, made (or found) when it first enters a room. */
  #signing: Promise<SigningKeys | undefined> | undefined;
  /** What this tab chose to share (its messages with later comers, "seen by") and to be notified of. */
  readonly choices = new Choices(() => this.room, () => this.changed());
  /** What is kept of the room for the tab (across reloads) and, by choice, on this device. */
  readonly keeping = new Keeping({ log: this.#log, conversations: this.conversations, nick: () => this.nick, changed: () => this.changed() }, (nick, room, secret) => {
    // A reload takes its own seat back (or offers it, when the link points elsewhere).
    if (!this.lobby.session.keptSeat()) void this.lobby.enterKept(nick, room, secret);
  });
  /** The page's own life: being left, staying after all, saying goodbye, being looked at again. */
  readonly #page = new PageLife({
    inRoom: () => this.screen === 'room',
    othersHere: () => this.people.size > 0,
    holdAcks: (holding) => this.#room?.holdAcks(holding),
    goodbye: () => {
      // The server's goodbye is what every other page waits on: it goes even if a link's fails.
      try {
        this.#room?.goodbye();
      } finally {
        this.lobby.session.goodbye();
      }
    },
    restored: () => this.lobby.session.connect(),
    visible: () => {
      this.#markSeen();
      this.shownAgain();
    },
  });

  constructor(options: SessionOptions) {
    this.#options = options;
    const { words } = options;
    this.lobby = new Lobby(options.signalingUrl, {
      entered: (joined, key, unseated) => this.#enter(joined, key, unseated),
      seated: (joined) => this.#room?.enter(this.lobby.secret === undefined ? joined.room : undefined, joined.peers),
      left: () => this.#reset(),
      pointsAt: (seat) => options.pointsAt(seat),
      server: {
        announce: (text) => this.notice(words.announcement(text)),
        refused: (event, code) => this.notice(words.refused(event, code)),
      },
      outage: (outage) => {
        this.#log.put('signaling', { kind: 'notice', text: words.outage(outage), ts: Date.now() });
        if (outage.end) this.#log.settle('signaling');
      },
      changed: () => this.changed(),
    });
    const session = this.lobby.session;
    this.#links =
      options.links ??
      peerLinks({ iceServers: () => session.iceServers, certificate: () => session.certificate, iceTransportPolicy: options.iceTransportPolicy });
  }

  get screen(): Screen {
    return this.lobby.screen;
  }

  get nick(): string {
    return this.lobby.nick;
  }

  get room(): string {
    return this.lobby.room;
  }

  get capacity(): number {
    return this.lobby.capacity;
  }

  /** In a room the server made for us and one stranger: it has no name to show and no link to share. */
  get withStranger(): boolean {
    return isPairRoom(this.lobby.room);
  }

  /** The private room's secret (from the link's fragment) while in one. */
  get secret(): string | undefined {
    return this.lobby.secret;
  }

  get lines(): readonly ChatLine[] {
    return this.#log.lines;
  }

  /** The room's history, as the people here gave it. */
  get earlier(): readonly ChatLine[] {
    return this.#log.earlier;
  }

  /** The last line brought back from what was kept (0: none). */
  get keptUntil(): number {
    return this.#log.keptUntil;
  }

  /** Whether the people in this room give its recent messages to people who join later. */
  get historyShared(): boolean {
    return this.#room?.history.options.shared ?? this.#options.history().shared;
  }

  /** Everyone else in the room, with the state of our link to them. */
  get people(): ReadonlyMap<string, PeerView> {
    return this.#room?.people ?? new Map();
  }

  /** The conversation on screen: the room (`undefined`), or the private one with a peer. */
  get view(): string | undefined {
    return this.conversations.view;
  }

  get files(): FileTransfers | undefined {
    return this.#room?.files;
  }

  /** Where we stand in the room's call. */
  get call(): CallState {
    return this.#room?.call.local ?? { inCall: false, muted: false, camera: false };
  }

  /** Everyone else in the call. */
  get callPeers(): ReadonlyMap<string, CallPeer> {
    return this.#room?.call.people ?? new Map();
  }

  /** Our messages someone has not acknowledged yet, counted once per recipient. */
  get unacknowledged(): number {
    return this.#room?.unacknowledged ?? 0;
  }

  /** Begin: connect to the signaling server and watch the page's life. */
  start(): void {
    this.#page.start();
    this.lobby.session.connect();
  }

  /** End: stop watching the page, forget the seat's timers and close the signaling connection. */
  stop(): void {
    this.#page.stop();
    this.lobby.forget();
    this.lobby.session.disconnect();
  }

  /** The stranger left: out of this room, and in the queue for the next one, under the same name. */
  findAnotherStranger(): Promise<void> {
    const { nick } = this;
    this.leave();
    return this.lobby.pair(nick);
  }

  /** Leave the room: links close, the nickname is freed, back to the join screen. */
  leave(): void {
    this.lobby.leave();
  }

  /** Close the private conversation with `nick`: its tab goes; its lines come back with it when it opens again. */
  closeView(nick: string): void {
    this.conversations.close(nick);
    this.#markSeen();
    this.changed();
  }

  /** Show the room (`undefined`) or the private conversation with `nick`; its unread count clears. */
  openView(nick: string | undefined): void {
    if (nick !== undefined) this.conversations.start(nick);
    if (this.conversations.view !== nick) this.composing.draft = undefined;
    this.conversations.view = nick;
    this.#markSeen();
    this.changed();
  }

  /** Offer files to the conversation on screen: everyone in the room, or one peer. */
  async sendFiles(files: readonly File[]): Promise<void> {
    await this.#room?.sendFiles(files, this.view);
  }

  /** Show a line from the app itself (not from a person). */
  notice(text: string): void {
    this.#log.notice(text);
  }

  /** Something the interface shows changed. */
  protected changed(): void {}

  /** Someone else's message arrived (already counted unread where it is not on screen). */
  protected arrived(_arrival: Arrival): void {}

  /** A command that is answered in words (`/users`, `/help`, a mistake). */
  protected answer(_command: Command): void {}

  /** We entered a room (`true`), or left it. */
  protected moved(_inRoom: boolean): void {}

  /** The page is in front again. */
  protected shownAgain(): void {}

  /** Forget the room: its people, links, queues, timers, transfers and conversations. */
  #reset(): void {
    this.keeping.left();
    this.calls.stop();
    this.#room?.dispose();
    this.#room = this.lobby.seated = undefined;
    this.conversations.clear();
    this.composing.draft = undefined;
    this.moved(false);
    this.changed();
  }

  /** What is on screen counts as read. */
  #markSeen(): void {
    this.keeping.touched();
    if (!shown()) return;
    this.conversations.seen();
    this.#room?.seen.shown(this.view);
  }

  #enter(joined: JoinedRoom, proofKey: CryptoKey | undefined, unseated: boolean): void {
    this.#room?.dispose();
    this.#log.clear();
    this.conversations.clear();
    this.composing.draft = undefined;
    const room = openRoom(joined, {
      proofKey,
      links: this.#links,
      session: this.lobby.session,
      log: this.#log,
      words: (notice) => this.#options.words.notice(notice),
      arrived: (arrival) => {
        this.conversations.arrived(arrival.private ? arrival.from : undefined, shown(), arrival.mentioned);
        this.#markSeen();
        this.arrived(arrival);
        this.changed();
      },
      dropped: () => {
        this.dropped += 1;
        this.changed();
      },
      changed: () => this.changed(),
      callSettings: this.#options.callSettings,
      signing: (this.#signing ??= tabSigningKeys()),
      history: this.#options.history(),
      shareMine: () => this.choices.shareMine,
      tellSeen: () => this.choices.tellSeen,
    });
    this.#room = room;
    void this.keeping.entered(joined.room, this.lobby.secret, (refs) => room.history.shownAlready(refs));
    // What the server says of the room's people goes to it from the lobby, not through the interface.
    this.lobby.seated = room;
    if (this.#page.leaving) room.holdAcks(true);
    // A kept room opened before the server answered is entered once it gives us our seat.
    if (!unseated) room.enter(proofKey ? undefined : joined.room, joined.peers);
    this.moved(true);
  }
}
