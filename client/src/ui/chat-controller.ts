import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { msg, str } from '@lit/localize';
import { isPairRoom, normalizeRoom, type JoinedRoom } from '@meshchat/protocol';
import { peerLinks, type LinkFactory } from '../net';
import { Conversations, Log, Room, parseCommand, secretFromHash, tabSigningKeys, type Arrival, type ChainState, type SigningKeys, type CallPeer, type CallSettings, type CallState, type ChatLine, type FileTransfers, type PeerView, type Watching } from '../room';
import { Attention } from './attention';
import { historyLimits, historyShared, roomFromLocation } from './config';
import { ComparedEvent } from './events';
import { Lobby, type Screen, type SignalingState } from './lobby';
import { helpLines, linkWords, noticeText } from './words';

export type { Screen, SignalingState } from './lobby';

export interface ChatOptions {
  signalingUrl: string;
  /** `relay` sends everything through TURN. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** How calls are governed. */
  callSettings?: CallSettings;
}

/**
 * How long a page that fired beforeunload withholds acknowledgements: a reload or a closed tab is
 * gone well within it; a page still here after it was not left after all (say, a download).
 */
const LEAVING_MS = 10_000;
/** What shows the user is back at a page that began to be left. */
const BACK_EVENTS = ['pointerdown', 'keydown'] as const;

/**
 * Adapts the lobby (getting in), the room (its people and what they say) and the conversation on
 * screen to Lit. Components read its fields and call its methods; every change asks the host to
 * render again.
 */
/** How often the call screen looks at who is speaking. */
const SPEAKING_EVERY_MS = 100;
/** How often the bandwidth governor measures each link and shapes what we send on it. */
const GOVERN_EVERY_MS = 2_000;
/** Where the microphone and camera chosen last are kept, per browser. */
const DEVICE_KEYS = { audioinput: 'meshchat.microphone', videoinput: 'meshchat.camera' } as const;
export type DeviceKind = keyof typeof DEVICE_KEYS;

/** A chosen device that is not there any more (unplugged, or another browser profile's id). */
const isGone = (error: unknown) => error instanceof DOMException && (error.name === 'OverconstrainedError' || error.name === 'NotFoundError');

/**
 * The stored choice of `kind`, if storage can be read: its id, and its name, by which it is found
 * again where the browser gives it a new id (as private windows do on every load).
 */
function chosenDevice(kind: DeviceKind): { id: string; label: string } | undefined {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(DEVICE_KEYS[kind]) ?? 'null');
    if (typeof stored !== 'object' || stored === null) return undefined;
    const { id, label } = stored as Record<string, unknown>;
    return typeof id === 'string' && typeof label === 'string' ? { id, label } : undefined;
  } catch {
    return undefined;
  }
}

/** Where a tab keeps whether it shares its own messages, and how far its chain of signed messages in each room has come. */
const SHARE_MINE_KEY = 'meshchat:share-mine';
const CHAIN_KEY = (room: string) => `meshchat:chain:${room}`;

/** A setting this tab keeps (sessionStorage), if storage can be read. */
function tabSetting(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Keep a setting for this tab; where storage is refused, it lasts until the page is left. */
function keepTabSetting(key: string, value: string): void {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    // Not kept: a reload starts from the default again.
  }
}

/** Where this tab's chain in `room` stood, if it kept that and it reads as one. */
function keptChain(room: string): ChainState | undefined {
  try {
    const kept: unknown = JSON.parse(tabSetting(CHAIN_KEY(room)) ?? 'null');
    if (typeof kept !== 'object' || kept === null) return undefined;
    const { key, n, prev } = kept as Record<string, unknown>;
    return typeof key === 'string' && Number.isSafeInteger(n) && typeof n === 'number' && n > 0 && typeof prev === 'string' ? { key, n, prev } : undefined;
  } catch {
    return undefined;
  }
}

export class ChatController implements ReactiveController {
  #speaking: ReturnType<typeof setInterval> | undefined;
  #governing: ReturnType<typeof setInterval> | undefined;
  /** The microphones and cameras the browser offers (named only once it gave us one). */
  devices: { audioinput: MediaDeviceInfo[]; videoinput: MediaDeviceInfo[] } = { audioinput: [], videoinput: [] };
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
  /** Set while the page is being left: nothing is acknowledged until it turns out to stay. */
  #leaving: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost, options: ChatOptions) {
    this.#host = host;
    this.#callSettings = options.callSettings;
    this.lobby = new Lobby(options.signalingUrl, {
      entered: (joined, key) => this.#enter(joined, key),
      left: () => this.#reset(),
      present: (peers) => this.#room?.present(peers),
      pointsAt: (seat) => {
        const secret = secretFromHash(location.hash);
        if (seat.secret !== undefined || secret !== undefined) return secret === seat.secret;
        // A chat with a stranger has no address of its own: the bare page is its reload.
        const room = roomFromLocation();
        return isPairRoom(seat.room) ? room === '' : normalizeRoom(room) === seat.room;
      },
      room: {
        peerJoined: (nick) => this.#room?.joined(nick),
        peerLeft: (nick, reason) => this.#room?.left(nick, reason),
        // Links only with members of the room; each person checks what their negotiation may take.
        signal: (from, data) => this.#room?.signal(from, data),
      },
      notice: (text) => this.notice(text),
      outage: (text, over) => {
        this.#log.put('signaling', { kind: 'notice', text, ts: Date.now() });
        if (over) this.#log.settle('signaling');
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

  get signaling(): SignalingState {
    return this.lobby.signaling;
  }

  /** Why the last join or pairing failed, in words of the language shown when it renders. */
  get error(): (() => string) | undefined {
    return this.lobby.error;
  }

  /** The join form's field that error is about. */
  get errorField(): 'nick' | 'room' | undefined {
    return this.lobby.errorField;
  }

  /** A free nickname offered in place of a taken one. */
  get suggestion(): string | undefined {
    return this.lobby.suggestion;
  }

  get busy(): boolean {
    return this.lobby.busy;
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

  /** Join the call with the microphone; devices are asked for only now. */
  async joinCall(): Promise<void> {
    const stream = await this.#media('audioinput');
    if (!stream || !this.#room) return;
    this.#room.call.join(stream);
    // Who is speaking changes with every word: looked at a few times a second while in the call.
    clearInterval(this.#speaking);
    this.#speaking = setInterval(() => {
      const call = this.#room?.call;
      if (!call?.local.inCall) clearInterval(this.#speaking);
      else if (call.listen()) this.#changed();
    }, SPEAKING_EVERY_MS);
    clearInterval(this.#governing);
    this.#governing = setInterval(() => void this.#room?.call.govern(), GOVERN_EVERY_MS);
  }

  async toggleCamera(): Promise<void> {
    const call = this.#room?.call;
    if (!call?.local.inCall) return;
    if (call.local.camera) {
      call.camera(undefined);
      return;
    }
    if (!call.mayTurnCameraOn()) return;
    const stream = await this.#media('videoinput');
    call.camera(stream?.getVideoTracks()[0]);
  }

  /** Use another microphone or camera from now on (and in later calls in this browser). */
  async chooseDevice(kind: DeviceKind, id: string): Promise<void> {
    const label = this.devices[kind].find((device) => device.deviceId === id)?.label ?? '';
    try {
      localStorage.setItem(DEVICE_KEYS[kind], JSON.stringify({ id, label }));
    } catch {
      // Storage refused (a private window): the choice holds for this call only.
    }
    const call = this.#room?.call;
    if (!call?.local.inCall || (kind === 'videoinput' && !call.local.camera)) return;
    const track = (await this.#media(kind))?.getTracks()[0];
    if (!track) return;
    if (kind === 'audioinput') call.microphone(track);
    else call.camera(track);
  }

  /** The id of the device of `kind` chosen last, as the browser lists it now. */
  chosen(kind: DeviceKind): string | undefined {
    const chosen = chosenDevice(kind);
    const devices = this.devices[kind];
    return (devices.find(({ deviceId }) => deviceId === chosen?.id) ?? devices.find(({ label }) => label !== '' && label === chosen?.label))?.deviceId;
  }

  /** Whether we show `nick`'s camera and screen now: what we do not show, they do not send. */
  showing(nick: string, watching: Watching): void {
    this.#room?.call.show(nick, watching);
  }

  /** Share a screen, window or tab (the browser asks which), or stop sharing. */
  async toggleScreen(): Promise<void> {
    const call = this.#room?.call;
    if (!call?.local.inCall) return;
    if (call.local.screen !== undefined) {
      call.share(undefined);
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
      call.share(stream.getVideoTracks()[0]);
    } catch (error: unknown) {
      const name = error instanceof DOMException ? error.name : '';
      // Closing the browser's picker (NotAllowedError in Chromium) is a choice, not an error to tell about.
      if (name !== 'AbortError' && name !== 'NotAllowedError') this.#room?.tell({ type: 'device', device: 'screen', why: 'failed' });
    }
  }

  toggleMute(): void {
    const call = this.#room?.call;
    if (call?.local.inCall) call.mute(!call.local.muted);
  }

  leaveCall(): void {
    clearInterval(this.#speaking);
    clearInterval(this.#governing);
    this.#room?.call.leave();
  }

  /** Ask the browser for a device (the one chosen last, if it is still there); if it says no, or there is none, say so and go on without. */
  async #media(kind: DeviceKind): Promise<MediaStream | undefined> {
    try {
      const stream = await this.#open(kind);
      await this.#listDevices();
      return stream;
    } catch (error: unknown) {
      const name = error instanceof DOMException ? error.name : '';
      const why = name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : name === 'NotFoundError' ? 'missing' : 'failed';
      this.#room?.tell({ type: 'device', device: kind === 'audioinput' ? 'microphone' : 'camera', why });
      return undefined;
    }
  }

  /**
   * The device chosen last: by its id (`exact`: Chromium passes over an `ideal` device while another
   * is open), else by its name once the browser lists names, else the browser's default.
   */
  async #open(kind: DeviceKind): Promise<MediaStream> {
    const ask = (wanted: MediaTrackConstraints | boolean) => navigator.mediaDevices.getUserMedia(kind === 'audioinput' ? { audio: wanted } : { video: wanted });
    const chosen = chosenDevice(kind);
    if (!chosen) return ask(true);
    try {
      return await ask({ deviceId: { exact: chosen.id } });
    } catch (error: unknown) {
      if (!isGone(error)) throw error;
    }
    const stream = await ask(true);
    const same = (await navigator.mediaDevices.enumerateDevices()).find((device) => device.kind === kind && device.label !== '' && device.label === chosen.label);
    if (!same || stream.getTracks()[0]?.getSettings().deviceId === same.deviceId) return stream;
    for (const track of stream.getTracks()) track.stop();
    return ask({ deviceId: { exact: same.deviceId } }).catch(() => ask(true));
  }

  /** What microphones and cameras there are, to choose from (their names show once the browser gave us one). */
  async #listDevices(): Promise<void> {
    const all = await navigator.mediaDevices.enumerateDevices();
    this.devices = { audioinput: all.filter(({ kind }) => kind === 'audioinput'), videoinput: all.filter(({ kind }) => kind === 'videoinput') };
    this.#changed();
  }


  /** Our messages someone has not acknowledged yet, counted once per recipient. */
  get unacknowledged(): number {
    return this.#room?.unacknowledged ?? 0;
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
   * comes next (a reload resumes the seat) or to this one if it stays after all. With others
   * here, the browser first asks whether to leave: what was said is kept nowhere.
   */
  readonly #onLeaving = (event: BeforeUnloadEvent) => {
    if (this.screen === 'room' && this.people.size > 0) event.preventDefault();
    clearTimeout(this.#leaving);
    this.#leaving = setTimeout(this.#stay, LEAVING_MS);
    this.#room?.holdAcks(true);
  };

  /** The page stayed (the user is back at it, or it was a download): acknowledge what waited. */
  readonly #stay = () => {
    if (this.#leaving === undefined) return;
    clearTimeout(this.#leaving);
    this.#leaving = undefined;
    this.#room?.holdAcks(false);
  };

  /**
   * The page is going away for good or for a reload: say goodbye, to the people here on our links
   * and to the server, so the others see us leave within seconds (not after a drop's long grace)
   * and a reload still takes the seat back. Restored from the back/forward cache, it connects again.
   */
  readonly #onPageHide = () => {
    if (this.screen !== 'room') return;
    this.#room?.goodbye();
    this.lobby.session.goodbye();
  };

  readonly #onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) this.lobby.session.connect();
  };

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#onVisibility);
    window.addEventListener('pagehide', this.#onPageHide);
    window.addEventListener('pageshow', this.#onPageShow);
    window.addEventListener('beforeunload', this.#onLeaving);
    for (const event of BACK_EVENTS) window.addEventListener(event, this.#stay, { capture: true });
    this.lobby.session.connect();
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility);
    window.removeEventListener('pagehide', this.#onPageHide);
    window.removeEventListener('pageshow', this.#onPageShow);
    window.removeEventListener('beforeunload', this.#onLeaving);
    for (const event of BACK_EVENTS) window.removeEventListener(event, this.#stay, { capture: true });
    this.lobby.forget();
    this.lobby.session.disconnect();
  }

  /** Go back to the room this tab was in before a link to another room was opened in it. */
  backToPrevious(): Promise<void> {
    return this.lobby.back();
  }

  join(nick: string, room: string): Promise<void> {
    return this.lobby.join(nick, room);
  }

  joinPrivate(nick: string, secret: string): Promise<void> {
    return this.lobby.joinPrivate(nick, secret);
  }

  pair(nick: string): Promise<void> {
    return this.lobby.pair(nick);
  }

  cancelPairing(): Promise<void> {
    return this.lobby.cancelPairing();
  }

  /** The stranger left: out of this room, and in the queue for the next one, under the same name. */
  findAnotherStranger(): Promise<void> {
    const { nick } = this;
    this.leave();
    return this.pair(nick);
  }

  /** Leave the room: links close, the nickname is freed, back to the join screen. */
  leave(): void {
    this.lobby.leave();
  }

  /** Forget the room: its people, links, queues, timers, transfers and conversations. */
  #reset(): void {
    clearInterval(this.#speaking);
    clearInterval(this.#governing);
    this.#room?.dispose();
    this.#room = undefined;
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
      case 'users': {
        const others = [...room.people].map(([nick, view]) => `${nick} (${linkWords(view)})`);
        const summary = [msg(str`${this.nick} (you)`), ...others].join(', ');
        this.notice(msg(str`In ${this.#roomName()} (${room.people.size + 1} of ${this.capacity}): ${summary}`));
        break;
      }
      case 'help':
        for (const line of helpLines()) this.notice(line);
        break;
      case 'quit':
        this.leave();
        break;
      case 'usage':
        this.notice(msg('Usage: /msg ‹nick› ‹text›'));
        break;
      case 'unknown-nick':
        this.notice(msg(str`Nobody called "${command.nick}" is in this room. Type /users to see who is.`));
        break;
      case 'unknown-command':
        this.notice(msg(str`Unknown command "/${command.name}". Type /help for the list.`));
        break;
    }
    room.sent();
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
    this.#room = new Room({
      me: joined.nick,
      proofKey,
      links: this.#links,
      relay: (to, data, answered) => this.lobby.session.signal(to, data, answered),
      log: this.#log,
      words: noticeText,
      arrived: (arrival) => this.#arrived(arrival),
      dropped: () => {
        this.dropped += 1;
        this.#changed();
      },
      changed: () => this.#changed(),
      silent: () => this.lobby.session.checkAlive(),
      callSettings: this.#callSettings,
      signing: (this.#signing ??= tabSigningKeys()),
      // A room with a stranger has no before: nobody is asked, nothing is kept.
      history: {
        room: joined.room,
        shared: historyShared() && !isPairRoom(joined.room),
        limits: historyLimits(),
        shareMine: () => this.#shareMine,
        chain: keptChain(joined.room),
        // Not kept where storage is refused: after a reload the chain starts again, under the same key.
        saveChain: (state) => keepTabSetting(CHAIN_KEY(joined.room), JSON.stringify(state)),
      },
    });
    if (this.#leaving !== undefined) this.#room.holdAcks(true);
    this.#room.enter(proofKey ? undefined : joined.room, joined.peers);
    this.attention.showTitle();
  }

  #changed(): void {
    this.#host.requestUpdate();
  }
}
