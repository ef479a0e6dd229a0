import type { PeerMessage } from '@meshchat/protocol';
import type { DirectLink, MediaKind } from '../net';
import { DTX_ABOVE, videoShape, type CallSettings } from './governor';
import { CallPeople, OUT, type CallPeer, type CallState } from './call-people';
import type { Notice } from './notices';

export type { CallPeer, CallState } from './call-people';

/** What just changed in the call, for a screen reader to hear: someone came or went, or one of our own devices went on or off. */
export type CallEvent = { type: 'joined' | 'left'; nick: string } | { type: 'microphone' | 'camera' | 'screen'; on: boolean };

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


/**
 * The room's call: our own microphone, camera and shared screen, sent to everyone in the call we
 * have a link of our own to, and what everyone else in it sends us. Joining is per person; the
 * chat goes on beside it.
 */
export class Call {
  #local: CallState = OUT;
  /**
   * The stream our microphone and camera are sent as, and the one a shared screen is (its own, so
   * receivers tell them apart). Each keeps its id for as long as the room: a link sends a kind in
   * the stream it first sent it in, and receivers know our screen by the id we announce.
   */
  #stream: MediaStream | undefined;
  #screen: MediaStream | undefined;
  readonly #tracks = new Map<MediaKind, MediaStreamTrack>();
  readonly #remote = new CallPeople();
  /** Since when anyone we know of has been in the call (Date.now()), while anyone is. */
  #since: number | undefined;
  /** What changed last, and when: what the call screen's live region says. */
  #event: { event: CallEvent; at: number } | undefined;
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
    return this.#remote.people(performance.now());
  }

  /** The microphone we send now, while in the call. */
  get microphoneTrack(): MediaStreamTrack | undefined {
    return this.#tracks.get('audio');
  }

  /** Who else is in the call, by name. */
  othersInCall(): string[] {
    return this.#remote.nicks().sort((a, b) => a.localeCompare(b));
  }

  /** Since when anyone has been in the call (as far as we saw), while anyone is. */
  get since(): number | undefined {
    return this.#since;
  }

  /** What changed last in the call (for a live region), and when. */
  get lastEvent(): { event: CallEvent; at: number } | undefined {
    return this.#event;
  }

  /** What we show of ourselves: our camera (with our microphone, to be played muted) and our shared screen, while they are on. */
  get own(): { camera: MediaStream | undefined; screen: MediaStream | undefined } {
    return { camera: this.#local.camera ? this.#stream : undefined, screen: this.#local.screen !== undefined ? this.#screen : undefined };
  }

  /**
   * Look at how loud each person in the call is right now (a few times a second while we are in
   * it); `true` when who is speaking changed.
   */
  listen(now = performance.now()): boolean {
    let changed = false;
    for (const { nick, link } of this.#room.linked()) changed = this.#remote.heard(nick, link.audioLevel?.() ?? 0, now) || changed;
    return changed;
  }

  /** We join with the microphone in `stream`. */
  join(stream: MediaStream): void {
    this.#stream ??= new MediaStream();
    this.#put('audio', stream.getAudioTracks()[0], this.#stream);
    this.#set({ inCall: true, muted: false, camera: false });
  }

  /** Mute or unmute the microphone: it keeps its place, and sends silence. */
  mute(muted: boolean): void {
    const audio = this.#tracks.get('audio');
    if (audio) audio.enabled = !muted;
    this.#set({ ...this.#local, muted }, { type: 'microphone', on: !muted });
  }

  /**
   * Whether we may turn our camera on: at most `maxVideoSenders` cameras send at once. If not, the
   * user is told why and what to wait for. A shared screen is always let through: it is what
   * everyone is there to see.
   */
  mayTurnCameraOn(): boolean {
    if (this.#remote.count().cameras < this.settings.maxVideoSenders) return true;
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
    const on = track !== undefined;
    this.#put('video', track, this.#stream);
    this.#set({ ...this.#local, camera: on }, on === this.#local.camera ? undefined : { type: 'camera', on });
  }

  /** Share a screen (`track`), or stop (`undefined`). It ends by itself when the browser's own "stop sharing" is pressed. */
  share(track: MediaStreamTrack | undefined): void {
    this.#screen ??= new MediaStream();
    // Text on a screen stays legible: the encoder keeps detail and gives up motion.
    if (track) track.contentHint = 'detail';
    this.#put('screen', track, this.#screen);
    track?.addEventListener('ended', () => {
      if (this.#tracks.get('screen') === track) this.share(undefined);
    });
    const on = track !== undefined;
    this.#set({ ...this.#local, screen: on ? this.#screen.id : undefined }, on === (this.#local.screen !== undefined) ? undefined : { type: 'screen', on });
  }

  /** We leave the call: our devices are released, and nothing more is sent. */
  leave(): void {
    for (const kind of [...this.#tracks.keys()]) this.#put(kind, undefined, kind === 'screen' ? this.#screen : this.#stream);
    this.#steps.clear();
    this.#set(OUT);
  }

  /** A link of our own to `nick` opened: it gets where we stand (and our media once they are in the call too). */
  linked(nick: string, link: DirectLink): void {
    this.#send(nick, link);
    this.#room.sendDirect(nick, { type: 'call', ...this.#frame() });
  }

  /** `nick` says where they stand: our media goes to them only while both of us are in the call. */
  stated(nick: string, state: CallState): void {
    const before = this.#remote.stated(nick, state);
    if (state.inCall !== (before?.inCall ?? false)) {
      // The first we hear of someone already in the call is no news of them joining it.
      if (before !== undefined) this.#event = { event: { type: state.inCall ? 'joined' : 'left', nick }, at: Date.now() };
      this.#span(before === undefined ? 'found' : 'began', nick);
    }
    const link = this.#room.linked().find((each) => each.nick === nick)?.link;
    if (link) this.#send(nick, link);
    this.#room.changed();
  }

  /** A track of `nick`'s arrived, in `stream`: their shared screen if they said so, else their microphone and camera. */
  track(nick: string, _track: MediaStreamTrack, stream: MediaStream): void {
    this.#remote.track(nick, stream);
    this.#room.changed();
  }

  /** Our own link to `nick` went: their media goes with it, where they stand stays (a new link tells us again). */
  unlinked(nick: string): void {
    for (const map of [this.#watchedBy, this.#showing, this.#available, this.#steps]) map.delete(nick);
    if (this.#remote.unlinked(nick)) this.#room.changed();
  }

  /** `nick` left the room. */
  gone(nick: string): void {
    this.unlinked(nick);
    const wasIn = this.#remote.inCall(nick);
    if (!this.#remote.gone(nick)) return;
    if (wasIn) this.#span('began', nick);
    this.#room.changed();
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
    return this.#room.linked().filter(({ nick }) => this.#remote.inCall(nick));
  }

  /** What our video senders send to `nick`, as the governor says; and whether their microphone saves silence. */
  #shape(nick: string, link: DirectLink): void {
    const receivers = this.#receivers().length;
    if (receivers === 0 || !this.#remote.inCall(nick)) return;
    const inCall = 1 + this.#remote.count().inCall;
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

  /**
   * Whether anyone is in the call changed with `nick`'s step (ours: `undefined`): the log says when a call begins
   * (`found`: it was on before we heard of it) and when it ends, with its length, once each.
   */
  #span(how: 'began' | 'found', nick: string | undefined): void {
    const anyone = this.#local.inCall || this.#remote.count().inCall > 0;
    if (anyone && this.#since === undefined) {
      this.#since = Date.now();
      this.#room.tell({ type: 'call-started', nick, found: how === 'found' });
    } else if (!anyone && this.#since !== undefined) {
      this.#room.tell({ type: 'call-ended', ms: Date.now() - this.#since });
      this.#since = undefined;
    }
  }

  #set(state: CallState, event?: CallEvent): void {
    const joining = state.inCall !== this.#local.inCall;
    this.#local = state;
    if (event) this.#event = { event, at: Date.now() };
    if (joining) this.#span('began', undefined);
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
    const both = this.#local.inCall && this.#remote.inCall(nick);
    const track = (kind: MediaKind) => (both ? (this.#tracks.get(kind) ?? null) : null);
    sendMedia('audio', track('audio'), stream);
    sendMedia('video', track('video'), stream);
    if (this.#screen) sendMedia('screen', track('screen'), this.#screen);
    // Everyone's share changes when someone joins or leaves: every receiver's shape is looked at again.
    if (both) for (const each of this.#receivers()) this.#shape(each.nick, each.link);
  }
}
