import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { msg, str } from '@lit/localize';
import { isPairRoom, type JoinedRoom } from '@meshchat/protocol';
import { peerLinks, type LinkFactory } from '../net';
import { Conversations, Log, type Room, parseCommand, tabSigningKeys, type Arrival, type SigningKeys, type CallPeer, type CallSettings, type CallState, type ChatLine, type FileTransfers, type PeerView } from '../room';
import { CallDevices, Lobby, PageLife, SHARE_MINE_KEY, keepTabSetting, openRoom, tabSetting, type Screen } from '../app';
import { Attention } from './attention';
import { historyLimits, historyShared, pointsAtSeat } from './config';
import { ComparedEvent } from './events';
import { commandLines, linkWords, noticeText, outageText, refusedText } from './words';

export type { Screen, SignalingState } from '../app';

export interface ChatOptions {
  signalingUrl: string;
  /** `relay` sends everything through TURN. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** How calls are governed. */
  callSettings?: CallSettings;
}

/**
 * Adapts the lobby (getting in), the room (its people and what they say) and the conversation on
 * screen to Lit. Components read its fields and call its methods; every change asks the host to
 * render again.
 */
export class ChatController implements ReactiveController {
  /** A call's devices and timers: joining, muting, the camera and screen, the devices chosen. */
  readonly calls = new CallDevices(() => this.#room, () => this.#changed());
  readonly #callSettings: CallSettings | undefined;
  /** Frames that failed to parse and were dropped. */
  dropped = 0;
  /** The newest message from someone else, for the screen reader's live region. */
  announcement = '';
  readonly conversations = new Conversations();
  /** Safety codes the user compared with their people, this session (see `ComparedEvent.key`). */
  compared: ReadonlySet<string> = new Set();
  readonly attention = new Attention(() => (this.screen === 'room' ? `${this.#roomName()} · meshchat` : 'meshchat'));

  readonly lobby: Lobby;
  readonly #host: ReactiveControllerHost;
  readonly #links: LinkFactory;
  readonly #log = new Log(() => this.#changed());
  #room: Room | undefined;
  /** This tab's signing keys, made (or found) when it first enters a room. */
  #signing: Promise<SigningKeys | undefined> | undefined;
  /** Whether our own messages may be kept by the others and given to people who join later (this tab's choice). */
  #shareMine = tabSetting(SHARE_MINE_KEY) !== 'no';
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
      this.attention.seen();
      this.#markSeen();
    },
  });

  constructor(host: ReactiveControllerHost, options: ChatOptions) {
    this.#host = host;
    this.#callSettings = options.callSettings;
    this.lobby = new Lobby(options.signalingUrl, {
      entered: (joined, key) => this.#enter(joined, key),
      left: () => this.#reset(),
      pointsAt: pointsAtSeat,
      server: {
        announce: (text) => this.notice(msg(str`Announcement: ${text}`)),
        refused: (event, code) => this.notice(refusedText(event, code)),
      },
      outage: (outage) => {
        this.#log.put('signaling', { kind: 'notice', text: outageText(outage), ts: Date.now() });
        if (outage.end) this.#log.settle('signaling');
      },
      changed: () => this.#changed(),
    });
    const session = this.lobby.session;
    this.#links = peerLinks({
      iceServers: () => session.iceServers,
      certificate: () => session.certificate,
      iceTransportPolicy: options.iceTransportPolicy,
    });
    host.addController(this);
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

  /** Whether the people in this room give its recent messages to people who join later. */
  get historyShared(): boolean {
    return this.#room?.history.options.shared ?? historyShared();
  }

  /** Whether our own messages may be kept and given to people who join later. */
  get shareMine(): boolean {
    return this.#shareMine;
  }

  set shareMine(on: boolean) {
    this.#shareMine = on;
    keepTabSetting(SHARE_MINE_KEY, on ? 'yes' : 'no');
    this.#changed();
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

  hostConnected(): void {
    this.#page.start();
    this.lobby.session.connect();
  }

  hostDisconnected(): void {
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

  /** Forget the room: its people, links, queues, timers, transfers and conversations. */
  #reset(): void {
    this.calls.stop();
    this.#room?.dispose();
    this.#room = this.lobby.seated = undefined;
    this.conversations.clear();
    this.compared = new Set();
    this.attention.showTitle();
    this.#changed();
  }

  /** Handle one line from the composer: a message to the conversation on screen, or a slash command. */
  submit(input: string): void {
    const room = this.#room;
    if (!room) return;
    const command = parseCommand(input, room.nicks);
    switch (command.kind) {
      case 'say':
        if (!command.text) break;
        if (this.view === undefined) void room.sayToAll(command.text);
        else if (room.sayTo(this.view, command.text)) this.conversations.replied(this.view);
        break;
      case 'msg':
        if (room.sayTo(command.to, command.text, true)) this.conversations.replied(command.to);
        break;
      case 'quit':
        this.leave();
        break;
      default:
        for (const line of commandLines(command, () => this.#users(room)) ?? []) this.notice(line);
    }
    room.sent();
  }

  /** Who is here, in words: what /users says. */
  #users(room: Room): string {
    const others = [...room.people].map(([nick, view]) => `${nick} (${linkWords(view)})`);
    const summary = [msg(str`${this.nick} (you)`), ...others].join(', ');
    return msg(str`In ${this.#roomName()} (${room.people.size + 1} of ${this.capacity}): ${summary}`);
  }

  /** The user compared the safety code `code` with `nick`, and it matched: say so beside it, this session. */
  markCompared(nick: string, code: string): void {
    this.compared = new Set([...this.compared, ComparedEvent.key(nick, code)]);
    this.announcement = msg(str`Safety code with ${nick} marked as compared.`);
    this.#changed();
  }

  /** Close the private conversation with `nick`: its tab goes; its lines come back with it when it opens again. */
  closeView(nick: string): void {
    this.conversations.close(nick);
    this.#markSeen();
    this.#changed();
  }

  /** Show the room (`undefined`) or the private conversation with `nick`; its unread count clears. */
  openView(nick: string | undefined): void {
    if (nick !== undefined) this.conversations.start(nick);
    this.conversations.view = nick;
    this.#markSeen();
    this.#changed();
  }

  /** The composer holds `draft`: tell whoever it is for that we are typing, at most once a second. */
  typed(draft: string): void {
    const room = this.#room;
    if (!room || draft.trim() === '') return;
    // A draft may not have its text yet ("/msg bob "): stand in a word for it, to learn who it is for.
    const command = parseCommand(draft.replace(/\s*$/, ' x'), room.nicks);
    if (command.kind === 'msg') room.typed(command.to);
    else if (command.kind === 'say') room.typed(this.view);
  }

  /** Who is typing in the conversation on screen (or in `view`). */
  typers(view: string | undefined = this.view): string[] {
    return this.#room?.typers(view) ?? [];
  }

  /** Offer files to the conversation on screen: everyone in the room, or one peer. */
  async sendFiles(files: readonly File[]): Promise<void> {
    await this.#room?.sendFiles(files, this.view);
  }

  /** Say something to a screen reader only, politely (what the screen shows of it is shown elsewhere). */
  announce(text: string): void {
    this.announcement = text;
    this.#changed();
  }

  /** Show a line from the app itself (not from a person). */
  notice(text: string): void {
    this.#log.notice(text);
  }

  #roomName(): string {
    return this.secret ? msg('Private room') : this.withStranger ? msg('Stranger') : this.room;
  }

  /** Someone else's message arrived: count it unread where it is not on screen, and call for attention. */
  #arrived({ from, private: isPrivate, text, file }: Arrival): void {
    this.conversations.arrived(isPrivate ? from : undefined, !document.hidden);
    const body = file ? msg(str`${from} offers a file: ${text}`) : text;
    this.announcement = isPrivate ? msg(str`Private message from ${from}: ${body}`) : msg(str`${from}: ${body}`);
    const heading = isPrivate ? msg(str`${from} (private)`) : msg(str`${from} in ${this.#roomName()}`);
    this.attention.arrived(heading, body, isPrivate ? `private:${from}` : 'room', () => this.openView(isPrivate ? from : undefined));
    this.#changed();
  }

  /** What is on screen counts as read. */
  #markSeen(): void {
    if (!document.hidden) this.conversations.seen();
  }

  #enter(joined: JoinedRoom, proofKey: CryptoKey | undefined): void {
    this.#room?.dispose();
    this.#log.clear();
    this.conversations.clear();
    this.#room = openRoom(joined, {
      proofKey,
      links: this.#links,
      session: this.lobby.session,
      log: this.#log,
      words: noticeText,
      arrived: (arrival) => this.#arrived(arrival),
      dropped: () => {
        this.dropped += 1;
        this.#changed();
      },
      changed: () => this.#changed(),
      callSettings: this.#callSettings,
      signing: (this.#signing ??= tabSigningKeys()),
      history: { shared: historyShared(), limits: historyLimits() },
      shareMine: () => this.#shareMine,
    });
    // What the server says of the room's people goes to it from the lobby, not through here.
    this.lobby.seated = this.#room;
    if (this.#page.leaving) this.#room.holdAcks(true);
    this.#room.enter(proofKey ? undefined : joined.room, joined.peers);
    this.attention.showTitle();
  }

  #changed(): void {
    this.#host.requestUpdate();
  }
}
