import type { PeerMessage } from '@meshchat/protocol';
import type { Link, MediaKind } from '../net';

/** Where one person stands in the room's call. */
export interface CallState {
  inCall: boolean;
  muted: boolean;
  camera: boolean;
}

/** Someone else in the call, as the call screen shows them: what they say of themselves, and their media. */
export interface CallPeer extends CallState {
  stream: MediaStream | undefined;
}

/** What the call needs from the room: the people we have a proved link of our own to. */
export interface CallRoom {
  /** Everyone whose own link to us is open and (in a private room) proved: media goes on no other. */
  linked(): { nick: string; link: Link }[];
  /** Send one frame on our own link to `nick`. */
  sendDirect(nick: string, message: PeerMessage): boolean;
  changed(): void;
}

const OUT: CallState = { inCall: false, muted: false, camera: false };

/**
 * The room's call: our own microphone and camera, sent to everyone we have a link of our own to,
 * and what everyone else in it sends us. Joining is per person; the chat goes on beside it.
 */
export class Call {
  #local: CallState = OUT;
  /** The stream our tracks are sent as: one per call we are in. */
  #stream: MediaStream | undefined;
  readonly #tracks = new Map<MediaKind, MediaStreamTrack>();
  readonly #remote = new Map<string, CallPeer>();
  readonly #room: CallRoom;

  constructor(room: CallRoom) {
    this.#room = room;
  }

  get local(): CallState {
    return this.#local;
  }

  /** Everyone else in the call, by nickname. */
  get people(): ReadonlyMap<string, CallPeer> {
    return new Map([...this.#remote].filter(([, peer]) => peer.inCall));
  }

  /** We join with the microphone in `stream` (and its camera, if it has one). */
  join(stream: MediaStream): void {
    this.#stream = stream;
    for (const track of stream.getTracks()) this.#tracks.set(track.kind === 'video' ? 'video' : 'audio', track);
    this.#set({ inCall: true, muted: false, camera: this.#tracks.has('video') });
  }

  /** Mute or unmute the microphone: it keeps its place, and sends silence. */
  mute(muted: boolean): void {
    const audio = this.#tracks.get('audio');
    if (audio) audio.enabled = !muted;
    this.#set({ ...this.#local, muted });
  }

  /** Turn the camera on with `track`, or off (`undefined`, and the camera is released). */
  camera(track: MediaStreamTrack | undefined): void {
    const old = this.#tracks.get('video');
    if (old && old !== track) old.stop();
    if (track) {
      this.#tracks.set('video', track);
      this.#stream?.addTrack(track);
    } else {
      this.#tracks.delete('video');
      if (old) this.#stream?.removeTrack(old);
    }
    this.#set({ ...this.#local, camera: track !== undefined });
  }

  /** We leave the call: our devices are released, and nothing more is sent. */
  leave(): void {
    for (const track of this.#tracks.values()) track.stop();
    this.#tracks.clear();
    this.#set(OUT);
    this.#stream = undefined;
  }

  /** A link of our own to `nick` opened: it gets where we stand (and our media once they are in the call too). */
  linked(nick: string, link: Link): void {
    this.#send(nick, link);
    this.#room.sendDirect(nick, { type: 'call', ...this.#local });
  }

  /** `nick` says where they stand: our media goes to them only while both of us are in the call. */
  stated(nick: string, state: CallState): void {
    const known = this.#remote.get(nick);
    this.#remote.set(nick, { ...state, stream: state.inCall ? known?.stream : undefined });
    const link = this.#room.linked().find((each) => each.nick === nick)?.link;
    if (link) this.#send(nick, link);
    this.#room.changed();
  }

  /** A track of `nick`'s arrived. */
  track(nick: string, _track: MediaStreamTrack, stream: MediaStream): void {
    const known = this.#remote.get(nick) ?? { ...OUT, stream: undefined };
    this.#remote.set(nick, { ...known, stream });
    this.#room.changed();
  }

  /** `nick` left the room, or their link went: their tile goes until they say where they stand again. */
  gone(nick: string): void {
    if (this.#remote.delete(nick)) this.#room.changed();
  }

  #set(state: CallState): void {
    this.#local = state;
    for (const { nick, link } of this.#room.linked()) {
      this.#send(nick, link);
      this.#room.sendDirect(nick, { type: 'call', ...state });
    }
    this.#room.changed();
  }

  /** What we send on `link` to `nick`: our tracks while both of us are in the call, nothing otherwise. */
  #send(nick: string, link: Link): void {
    const stream = this.#stream;
    if (!stream || !link.sendMedia) return;
    const both = this.#local.inCall && this.#remote.get(nick)?.inCall === true;
    for (const kind of ['audio', 'video'] as const) link.sendMedia(kind, both ? (this.#tracks.get(kind) ?? null) : null, stream);
  }
}
