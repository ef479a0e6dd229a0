import type { PeerMessage } from '@meshchat/protocol';
import type { DirectLink, MediaKind } from '../net';
import { DTX_ABOVE, videoShape, type CallSettings } from './governor';
import type { Notice } from './notices';

/** Where one person stands in the room's call; `screen` is the id of the stream their shared screen comes in. */
export interface CallState {
  inCall: boolean;
  muted: boolean;
  camera: boolean;
  screen?: string | undefined;
}

/** Someone else in the call, as the call screen shows them: what they say of themselves, and their media. */
export interface CallPeer extends CallState {
  stream: MediaStream | undefined;
  /** Their shared screen, while they share one. */
  screenStream: MediaStream | undefined;
  /** Whether what they send is loud enough to be speech, right now. */
  speaking: boolean;
}

/** What the call needs from the room: the people we have a proved link of our own to. */
export interface CallRoom {
  /** Everyone whose own link to us is open and (in a private room) proved: media goes on no other. */
  linked(): { nick: string; link: DirectLink }[];
  /** Send one frame on our own link to `nick`. */
  sendDirect(nick: string, message: PeerMessage): boolean;
  tell(notice: Notice): void;
  changed(): void;
}

/** Which of someone's videos a page shows: their camera's tile, and their shared screen's. */
export interface Watching {
  video: boolean;
  screen: boolean;
}
const ALL: Watching = { video: true, screen: true };

const OUT: CallState = { inCall: false, muted: false, camera: false };
/** An audio level (0 to 1, as RTP carries it) above which someone counts as speaking. */
const SPEAKING_LEVEL = 0.02;
/** Someone counts as speaking this long after they were last loud enough: between words, the tile does not flicker. */
const SPEAKING_HOLD_MS = 1_000;

/**
 * The room's call: our own microphone, camera and shared screen, sent to everyone in the call we
 * have a link of our own to, and what everyone else in it sends us. Joining is per person; the
 * chat goes on beside it.
 */
export class Call {
  #local: CallState = OUT;
  /** The stream our microphone and camera are sent as, and the one a shared screen is (its own, so receivers tell them apart). */
  #stream: MediaStream | undefined;
  #screen: MediaStream | undefined;
  readonly #tracks = new Map<MediaKind, MediaStreamTrack>();
  readonly #remote = new Map<string, Omit<CallPeer, 'speaking'>>();
  /** When each person was last loud enough to count as speaking (performance.now()). */
  readonly #loud = new Map<string, number>();
  /** Which of our videos each person shows (unsent ones are paused), and which of theirs we show. */
  readonly #watchedBy = new Map<string, Watching>();
  readonly #showing = new Map<string, Watching>();
  /** Each link's measured available outgoing bitrate, and the camera step the governor took on it. */
  readonly #available = new Map<string, number | undefined>();
  readonly #steps = new Map<string, number | undefined>();
  readonly #room: CallRoom;
  readonly settings: CallSettings;

  constructor(room: CallRoom, settings: CallSettings) {
    this.#room = room;
    this.settings = settings;
  }

  get local(): CallState {
    return this.#local;
  }

  /** Everyone else in the call, by nickname. */
  get people(): ReadonlyMap<string, CallPeer> {
    const people = new Map<string, CallPeer>();
    for (const [nick, peer] of this.#remote) if (peer.inCall) people.set(nick, { ...peer, speaking: this.#speaking(nick, performance.now()) });
    return people;
  }

  /**
   * Look at how loud each person in the call is right now (a few times a second while we are in
   * it); `true` when who is speaking changed.
   */
  listen(now = performance.now()): boolean {
    let changed = false;
    for (const { nick, link } of this.#room.linked()) {
      const peer = this.#remote.get(nick);
      if (!peer?.inCall) continue;
      const before = this.#speaking(nick, now);
      if (!peer.muted && (link.audioLevel?.() ?? 0) > SPEAKING_LEVEL) this.#loud.set(nick, now);
      changed ||= this.#speaking(nick, now) !== before;
    }
    return changed;
  }

  /** We join with the microphone in `stream`. */
  join(stream: MediaStream): void {
    this.#stream = stream;
    for (const track of stream.getAudioTracks()) this.#tracks.set('audio', track);
    this.#set({ inCall: true, muted: false, camera: false });
  }

  /** Mute or unmute the microphone: it keeps its place, and sends silence. */
  mute(muted: boolean): void {
    const audio = this.#tracks.get('audio');
    if (audio) audio.enabled = !muted;
    this.#set({ ...this.#local, muted });
  }

  /**
   * Whether we may turn our camera on: at most `maxVideoSenders` cameras send at once. If not, the
   * user is told why and what to wait for. A shared screen is always let through: it is what
   * everyone is there to see.
   */
  mayTurnCameraOn(): boolean {
    const cameras = [...this.#remote.values()].filter((peer) => peer.inCall && peer.camera).length;
    if (cameras < this.settings.maxVideoSenders) return true;
    this.#room.tell({ type: 'cameras-full', cap: this.settings.maxVideoSenders });
    return false;
  }

  /** Use `track` as the microphone from now on (another device was chosen), muted if we are. */
  microphone(track: MediaStreamTrack): void {
    track.enabled = !this.#local.muted;
    this.#put('audio', track, this.#stream);
    this.#set(this.#local);
  }

  /** Turn the camera on with `track`, or off (`undefined`, and the camera is released). */
  camera(track: MediaStreamTrack | undefined): void {
    this.#put('video', track, this.#stream);
    this.#set({ ...this.#local, camera: track !== undefined });
  }

  /** Share a screen (`track`), or stop (`undefined`). It ends by itself when the browser's own "stop sharing" is pressed. */
  share(track: MediaStreamTrack | undefined): void {
    if (track && !this.#screen) this.#screen = new MediaStream();
    // Text on a screen stays legible: the encoder keeps detail and gives up motion.
    if (track) track.contentHint = 'detail';
    this.#put('screen', track, this.#screen);
    track?.addEventListener('ended', () => {
      if (this.#tracks.get('screen') === track) this.share(undefined);
    });
    this.#set({ ...this.#local, screen: track ? this.#screen?.id : undefined });
  }

  /** We leave the call: our devices are released, and nothing more is sent. */
  leave(): void {
    for (const track of this.#tracks.values()) track.stop();
    this.#tracks.clear();
    this.#steps.clear();
    this.#set(OUT);
    this.#stream = undefined;
    this.#screen = undefined;
  }

  /** A link of our own to `nick` opened: it gets where we stand (and our media once they are in the call too). */
  linked(nick: string, link: DirectLink): void {
    this.#send(nick, link);
    this.#room.sendDirect(nick, { type: 'call', ...this.#frame() });
  }

  /** `nick` says where they stand: our media goes to them only while both of us are in the call. */
  stated(nick: string, state: CallState): void {
    const known = this.#remote.get(nick);
    this.#remote.set(nick, {
      ...state,
      stream: state.inCall ? known?.stream : undefined,
      screenStream: state.inCall && state.screen !== undefined && known?.screenStream?.id === state.screen ? known.screenStream : undefined,
    });
    const link = this.#room.linked().find((each) => each.nick === nick)?.link;
    if (link) this.#send(nick, link);
    this.#room.changed();
  }

  /** A track of `nick`'s arrived, in `stream`: their shared screen if they said so, else their microphone and camera. */
  track(nick: string, _track: MediaStreamTrack, stream: MediaStream): void {
    const known = this.#remote.get(nick) ?? { ...OUT, stream: undefined, screenStream: undefined };
    const screen = known.screen === stream.id || (known.stream !== undefined && known.stream.id !== stream.id);
    this.#remote.set(nick, screen ? { ...known, screenStream: stream } : { ...known, stream });
    this.#room.changed();
  }

  /** `nick` left the room, or their link went: their tile goes until they say where they stand again. */
  gone(nick: string): void {
    for (const map of [this.#watchedBy, this.#showing, this.#available, this.#steps]) map.delete(nick);
    if (this.#remote.delete(nick)) this.#room.changed();
  }

  /** Whether we show `nick`'s camera and screen now: they are told, and send only what we show. */
  show(nick: string, showing: Watching): void {
    const before = this.#showing.get(nick) ?? ALL;
    if (before.video === showing.video && before.screen === showing.screen) return;
    this.#showing.set(nick, showing);
    this.#room.sendDirect(nick, { type: 'watch', ...showing });
  }

  /** `nick` says which of our videos they show. */
  watched(nick: string, watching: Watching): void {
    this.#watchedBy.set(nick, watching);
    const link = this.#room.linked().find((each) => each.nick === nick)?.link;
    if (link) this.#shape(nick, link);
  }

  /**
   * The bandwidth governor's round (every couple of seconds in a call): each link's available
   * outgoing bitrate is measured, and what each of our video senders sends on it follows from that,
   * from how many people receive our video, and from whether they show it.
   */
  async govern(): Promise<void> {
    if (!this.#local.inCall) return;
    const links = this.#receivers();
    await Promise.all(
      links.map(async ({ nick, link }) => {
        try {
          this.#available.set(nick, await link.outgoingBitrate?.());
        } catch {
          this.#available.delete(nick);
        }
      }),
    );
    for (const { nick, link } of this.#receivers()) this.#shape(nick, link);
  }

  /** The people in the call, with us, that our media goes to: both of us in the call, on a link of our own. */
  #receivers(): { nick: string; link: DirectLink }[] {
    if (!this.#local.inCall) return [];
    return this.#room.linked().filter(({ nick }) => this.#remote.get(nick)?.inCall === true);
  }

  /** What our video senders send to `nick`, as the governor says; and whether their microphone saves silence. */
  #shape(nick: string, link: DirectLink): void {
    const receivers = this.#receivers().length;
    if (receivers === 0 || this.#remote.get(nick)?.inCall !== true) return;
    const inCall = 1 + [...this.#remote.values()].filter((peer) => peer.inCall).length;
    link.quietAudio?.(this.settings.governor && inCall > DTX_ABOVE);
    const watching = this.#watchedBy.get(nick) ?? ALL;
    const both = this.#local.camera && this.#local.screen !== undefined;
    const available = this.#available.get(nick);
    if (this.#local.camera) {
      const { shape, step } = videoShape({ kind: 'video', receivers, available, both, watched: watching.video, previous: this.#steps.get(nick), settings: this.settings });
      this.#steps.set(nick, step);
      link.shapeVideo?.('video', shape);
    }
    if (this.#local.screen !== undefined) {
      const { shape } = videoShape({ kind: 'screen', receivers, available, both, watched: watching.screen, previous: undefined, settings: this.settings });
      link.shapeVideo?.('screen', shape);
    }
  }

  #speaking(nick: string, now: number): boolean {
    return now - (this.#loud.get(nick) ?? -Infinity) < SPEAKING_HOLD_MS && this.#remote.get(nick)?.muted === false;
  }

  #put(kind: MediaKind, track: MediaStreamTrack | undefined, stream: MediaStream | undefined): void {
    const old = this.#tracks.get(kind);
    if (old && old !== track) {
      old.stop();
      stream?.removeTrack(old);
    }
    if (track) {
      this.#tracks.set(kind, track);
      stream?.addTrack(track);
    } else {
      this.#tracks.delete(kind);
    }
  }

  /** Where we stand, as the `call` frame says it (no `screen` key while we share none). */
  #frame(): CallState {
    const { screen, ...rest } = this.#local;
    return screen === undefined ? rest : { ...rest, screen };
  }

  #set(state: CallState): void {
    this.#local = state;
    for (const { nick, link } of this.#room.linked()) {
      this.#send(nick, link);
      this.#room.sendDirect(nick, { type: 'call', ...this.#frame() });
    }
    this.#room.changed();
  }

  /** What we send on `link` to `nick`: our tracks while both of us are in the call, nothing otherwise. */
  #send(nick: string, link: DirectLink): void {
    const sendMedia = link.sendMedia?.bind(link);
    const stream = this.#stream;
    if (!sendMedia || !stream) return;
    const both = this.#local.inCall && this.#remote.get(nick)?.inCall === true;
    const track = (kind: MediaKind) => (both ? (this.#tracks.get(kind) ?? null) : null);
    sendMedia('audio', track('audio'), stream);
    sendMedia('video', track('video'), stream);
    if (this.#screen) sendMedia('screen', track('screen'), this.#screen);
    // Everyone's share changes when someone joins or leaves: every receiver's shape is looked at again.
    if (both) for (const each of this.#receivers()) this.#shape(each.nick, each.link);
  }
}
