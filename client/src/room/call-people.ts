/** Where one person stands in the room's call; `screen` is the id of the stream their shared screen comes in. */
export interface CallState {
  inCall: boolean;
  muted: boolean;
  camera: boolean;
  screen?: string | undefined;
  /** Someone else's call is with us alone, not the room's (ours never says: see `Call.partner`). */
  private?: boolean | undefined;
}

/** What just changed in the call, for a screen reader to hear: someone came or went, or one of our own devices went on or off. */
export type CallEvent = { type: 'joined' | 'left'; nick: string } | { type: 'microphone' | 'camera' | 'screen'; on: boolean };

/** Which of the others count, for one question about the call: those in the room's call, or our partner in a call of two. */
export type InCall = (nick: string, state: CallState) => boolean;

/** Someone else in the call, as the call screen shows them: what they say of themselves, and their media. */
export interface CallPeer extends CallState {
  /** Their microphone and camera, once some of it arrived on our own link to them. */
  stream: MediaStream | undefined;
  /** Their shared screen, while they share one. */
  screenStream: MediaStream | undefined;
  /** Whether what they send is loud enough to be speech, right now. */
  speaking: boolean;
}

export const OUT: CallState = { inCall: false, muted: false, camera: false };
/** An audio level (0 to 1, as RTP carries it) above which someone counts as speaking. */
const SPEAKING_LEVEL = 0.02;
/** Someone counts as speaking this long after they were last loud enough: between words, the tile does not flicker. */
const SPEAKING_HOLD_MS = 1_000;

/**
 * Everyone else's side of the call: where each says they stand, and the streams their media came
 * in on our own link to them. The streams are kept while the link lasts, whatever they say: a
 * sender stops and starts a camera or a screen by replacing the track it sends, which makes no new
 * stream here, so a screen shared again shows in the stream the first share came in.
 */
export class CallPeople {
  readonly #states = new Map<string, CallState>();
  readonly #media = new Map<string, { stream?: MediaStream; screen?: MediaStream }>();
  /** When each person was last loud enough to count as speaking (performance.now()). */
  readonly #loud = new Map<string, number>();

  /** Where `nick` stands, if they said. */
  state(nick: string): CallState | undefined {
    return this.#states.get(nick);
  }

  inCall(nick: string): boolean {
    return this.#states.get(nick)?.inCall === true;
  }

  /** How many others are in the call `which` names, and how many of them send their camera. */
  count(which: InCall): { inCall: number; cameras: number } {
    const states = [...this.#states].filter(([nick, state]) => state.inCall && which(nick, state));
    return { inCall: states.length, cameras: states.filter(([, state]) => state.camera).length };
  }

  /** Who is in the call `which` names, by nickname. */
  nicks(which: InCall): string[] {
    return [...this.#states].flatMap(([nick, state]) => (state.inCall && which(nick, state) ? [nick] : []));
  }

  /** `nick` says where they stand; the state they stood in before (undefined the first time we hear). */
  stated(nick: string, state: CallState): CallState | undefined {
    const before = this.#states.get(nick);
    this.#states.set(nick, state);
    return before;
  }

  /** A track of `nick`'s arrived in `stream`: their shared screen if they said so (or a second stream of theirs), else their microphone and camera. */
  track(nick: string, stream: MediaStream): void {
    const media = this.#media.get(nick) ?? {};
    const screen = this.#states.get(nick)?.screen === stream.id || (media.stream !== undefined && media.stream.id !== stream.id);
    this.#media.set(nick, screen ? { ...media, screen: stream } : { ...media, stream });
  }

  /** Our own link to `nick` went: what came on it goes with it (a new link brings its own). */
  unlinked(nick: string): boolean {
    this.#loud.delete(nick);
    return this.#media.delete(nick);
  }

  /** `nick` left the room. */
  gone(nick: string): boolean {
    this.unlinked(nick);
    return this.#states.delete(nick);
  }

  /** Everyone else in the call `which` names, with their media; `now` decides who is speaking. */
  people(now: number, which: InCall): Map<string, CallPeer> {
    const people = new Map<string, CallPeer>();
    for (const [nick, state] of this.#states) {
      if (!state.inCall || !which(nick, state)) continue;
      const media = this.#media.get(nick);
      people.set(nick, { ...state, stream: media?.stream, screenStream: state.screen !== undefined ? media?.screen : undefined, speaking: this.#speaking(nick, now) });
    }
    return people;
  }

  /** `nick` sounds `level` loud now; `true` when whether they are speaking changed. */
  heard(nick: string, level: number, now: number): boolean {
    if (!this.inCall(nick)) return false;
    const before = this.#speaking(nick, now);
    if (this.#states.get(nick)?.muted === false && level > SPEAKING_LEVEL) this.#loud.set(nick, now);
    return this.#speaking(nick, now) !== before;
  }

  #speaking(nick: string, now: number): boolean {
    return now - (this.#loud.get(nick) ?? -Infinity) < SPEAKING_HOLD_MS && this.#states.get(nick)?.muted === false;
  }
}
