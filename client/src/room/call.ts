import type { PeerMessage } from '@meshchat/protocol';
import type { DirectLink, MediaKind } from '../net';
import { Governing, type Watching } from './call-governing';
import { CallPeople, OUT, type CallEvent, type CallPeer, type CallState, type InCall } from './call-people';
import type { CallSettings } from './governor';
import type { Notice } from './notices';

export type { CallEvent, CallPeer, CallState } from './call-people';
export type { Watching } from './call-governing';

/** What the call needs from the room: the people we have a proved link of our own to. */
export interface CallRoom {
  /** Everyone whose own link to us is open and (in a private room) proved: media goes on no other. */
  linked(): { nick: string; link: DirectLink }[];
  /** Send one frame on our own link to `nick`. */
  sendDirect(nick: string, message: PeerMessage): boolean;
  tell(notice: Notice): void;
  changed(): void;
}

/** In the room's call: anyone whose call is not a call of two with us. */
const inRoomCall: InCall = (_nick, state) => state.private !== true;

/**
 * The call: the room's, or a call of two (`partner`) rung from a private conversation. Our own
 * microphone, camera and shared screen go to everyone in the same call we have a link of our own
 * to, and we get what they send. Joining is per person; the chat goes on beside it.
 */
export class Call {
  #local: CallState = OUT;
  /** Who our call is with, when it is a call of two; undefined in the room's call. */
  #partner: string | undefined;
  /**
   * The stream our microphone and camera are sent as, and the one a shared screen is (its own, so
   * receivers tell them apart). Each keeps its id for as long as the room: a link sends a kind in
   * the stream it first sent it in, and receivers know our screen by the id we announce.
   */
  #stream: MediaStream | undefined;
  #screen: MediaStream | undefined;
  readonly #tracks = new Map<MediaKind, MediaStreamTrack>();
  readonly #remote = new CallPeople();
  readonly #governing: Governing;
  /** Those whose ringing we declined (until they hang up). */
  readonly #declined = new Set<string>();
  /** Since when anyone we know of has been in the room's call (Date.now()), while anyone is. */
  #since: number | undefined;
  /** What changed last, and when: what the call screen's live region says. */
  #event: { event: CallEvent; at: number } | undefined;
  readonly #room: CallRoom;
  readonly settings: CallSettings;

  constructor(room: CallRoom, settings: CallSettings) {
    this.#room = room;
    this.settings = settings;
    this.#governing = new Governing(settings, (nick, message) => room.sendDirect(nick, message));
  }

  get local(): CallState {
    return this.#local;
  }

  /** Who our call is with, while it is a call of two. */
  get partner(): string | undefined {
    return this.#partner;
  }

  /** Everyone else in our call (or, out of any, in the room's), by nickname. */
  get people(): ReadonlyMap<string, CallPeer> {
    return this.#remote.people(performance.now(), this.#ours);
  }

  /** The microphone we send now, while in the call. */
  get microphoneTrack(): MediaStreamTrack | undefined {
    return this.#tracks.get('audio');
  }

  /** Who is in the room's call, by name (but us). */
  othersInCall(): string[] {
    return this.#remote.nicks(inRoomCall).sort((a, b) => a.localeCompare(b));
  }

  /** Who is calling us alone and waits for an answer. */
  ringing(): string[] {
    const calling: InCall = (nick, state) => state.private === true && !this.#declined.has(nick) && !(this.#local.inCall && this.#partner === nick);
    return this.#remote.nicks(calling).sort((a, b) => a.localeCompare(b));
  }

  /** Since when anyone has been in the room's call (as far as we saw), while anyone is. */
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

  /** We join with the microphone in `stream`: the room's call, or (`partner`) a call with them alone, which rings for them. */
  join(stream: MediaStream, partner?: string): void {
    this.#stream ??= new MediaStream();
    this.#put('audio', stream.getAudioTracks()[0], this.#stream);
    this.#partner = partner;
    this.#set({ inCall: true, muted: false, camera: false });
  }

  /** We will not answer `nick`'s ringing: they are told, and it stops here. */
  decline(nick: string): void {
    this.#declined.add(nick);
    this.#room.sendDirect(nick, { type: 'call-decline' });
    this.#room.changed();
  }

  /** `nick` declined our call of two: we are told, and leave it. */
  declined(nick: string): void {
    if (this.#partner !== nick || !this.#local.inCall) return;
    this.leave();
    this.#room.tell({ type: 'call-declined', nick });
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
    if (this.#remote.count(this.#ours).cameras < this.settings.maxVideoSenders) return true;
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
    this.#governing.reset();
    this.#set(OUT);
    this.#partner = undefined;
  }

  /** A link of our own to `nick` opened: it gets where we stand (and our media once they are in the call too). */
  linked(nick: string, link: DirectLink): void {
    this.#send(nick, link);
    this.#room.sendDirect(nick, { type: 'call', ...this.#frame(nick) });
  }

  /** `nick` says where they stand: our media goes to them only while both of us are in the same call. */
  stated(nick: string, state: CallState): void {
    const before = this.#remote.stated(nick, state);
    const was = before?.inCall === true ? before : undefined;
    if (!state.inCall) this.#declined.delete(nick);
    if (state.inCall !== (was !== undefined) || (was !== undefined && was.private !== state.private)) {
      const ours = (each: CallState | undefined) => each?.inCall === true && this.#ours(nick, each);
      // The first we hear of someone already in the call is no news of them joining it.
      if (before !== undefined && ours(state) !== ours(was)) this.#event = { event: { type: ours(state) ? 'joined' : 'left', nick }, at: Date.now() };
      this.#span(before === undefined ? 'found' : 'began', nick);
      // A call of two ends when either hangs up.
      if (this.#partner === nick && was !== undefined && !state.inCall && this.#local.inCall) {
        this.leave();
        this.#room.tell({ type: 'call-hung-up', nick });
      }
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
    this.#governing.forget(nick);
    if (this.#remote.unlinked(nick)) this.#room.changed();
  }

  /** `nick` left the room. */
  gone(nick: string): void {
    this.unlinked(nick);
    const wasIn = this.#remote.inCall(nick);
    if (!this.#remote.gone(nick)) return;
    if (wasIn) this.#span('began', nick);
    if (this.#partner === nick && this.#local.inCall) this.leave();
    this.#room.changed();
  }

  /** Whether we show `nick`'s camera and screen now: they are told, and send only what we show. */
  show(nick: string, showing: Watching): void {
    this.#governing.show(nick, showing);
  }

  /** `nick` says which of our videos they show. */
  watched(nick: string, watching: Watching): void {
    this.#governing.watched(nick, watching);
    const link = this.#receivers().find((each) => each.nick === nick)?.link;
    if (link) this.#governing.shape(nick, link, this.#sending());
  }

  /**
   * The bandwidth governor's round (every couple of seconds in a call): each link's available
   * outgoing bitrate is measured, and what each of our video senders sends on it follows from that,
   * from how many people receive our video, and from whether they show it.
   */
  async govern(): Promise<void> {
    if (!this.#local.inCall) return;
    await this.#governing.measure(this.#receivers());
    this.#shapeAll();
  }

  /** Whether `nick`, standing `state`, is in the call we are in (or, out of any, in the room's). */
  readonly #ours: InCall = (nick, state) => (this.#local.inCall && this.#partner !== undefined ? nick === this.#partner && state.private === true : inRoomCall(nick, state));

  /** The people our media goes to: in our call, on a link of our own. */
  #receivers(): { nick: string; link: DirectLink }[] {
    if (!this.#local.inCall) return [];
    return this.#room.linked().filter(({ nick }) => {
      const state = this.#remote.state(nick);
      return state?.inCall === true && this.#ours(nick, state);
    });
  }

  #sending() {
    const receivers = this.#receivers();
    return { camera: this.#local.camera, screen: this.#local.screen !== undefined, receivers, inCall: 1 + this.#remote.count(this.#ours).inCall };
  }

  #shapeAll(): void {
    const sending = this.#sending();
    for (const { nick, link } of sending.receivers) this.#governing.shape(nick, link, sending);
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

  /**
   * Where we stand, as the `call` frame to `nick` says it (no `screen` key while we share none). In
   * a call of two, only our partner hears of it (as `private`); to everyone else we are in no call.
   */
  #frame(nick: string): Omit<CallState, 'private'> & { scope?: 'private' } {
    const { screen, private: _, ...rest } = this.#local;
    const frame = screen === undefined ? rest : { ...rest, screen };
    if (this.#partner === undefined || !this.#local.inCall) return frame;
    return nick === this.#partner ? { ...frame, scope: 'private' } : OUT;
  }

  /**
   * Whether anyone is in the room's call changed with `nick`'s step (ours: `undefined`): the log
   * says when a call begins (`found`: it was on before we heard of it) and when it ends, with its
   * length, once each.
   */
  #span(how: 'began' | 'found', nick: string | undefined): void {
    const anyone = (this.#local.inCall && this.#partner === undefined) || this.#remote.count(inRoomCall).inCall > 0;
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
      this.#room.sendDirect(nick, { type: 'call', ...this.#frame(nick) });
    }
    this.#room.changed();
  }

  /** What we send on `link` to `nick`: our tracks while both of us are in the same call, nothing otherwise. */
  #send(nick: string, link: DirectLink): void {
    const sendMedia = link.sendMedia?.bind(link);
    const stream = this.#stream;
    if (!sendMedia || !stream) return;
    const state = this.#remote.state(nick);
    const both = this.#local.inCall && state?.inCall === true && this.#ours(nick, state);
    const track = (kind: MediaKind) => (both ? (this.#tracks.get(kind) ?? null) : null);
    sendMedia('audio', track('audio'), stream);
    sendMedia('video', track('video'), stream);
    if (this.#screen) sendMedia('screen', track('screen'), this.#screen);
    // Everyone's share changes when someone joins or leaves: every receiver's shape is looked at again.
    if (both) this.#shapeAll();
  }
}
