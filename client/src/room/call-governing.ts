import type { PeerMessage } from '@meshchat/protocol';
import type { DirectLink } from '../net';
import { DTX_ABOVE, videoShape, type CallSettings } from './governor';
import { LinkEstimate } from './link-estimate';

/** Which of someone's videos a page shows: their camera's tile, and their shared screen's. */
export interface Watching {
  video: boolean;
  screen: boolean;
}
const ALL: Watching = { video: true, screen: true };

/** What we send, as the governor needs to know it: our camera and screen, and how many are in the call with us. */
export interface Sending {
  camera: boolean;
  screen: boolean;
  /** Everyone our media goes to, on a link of our own. */
  receivers: { nick: string; link: DirectLink }[];
  /** How many are in the call, us included. */
  inCall: number;
}

/**
 * The bandwidth governor's side of a call: each link's measured available outgoing bitrate, the
 * camera step taken on it, which of our videos each receiver shows (what is not shown is not
 * sent), and which of theirs we show (they are told).
 */
export class Governing {
  readonly #watchedBy = new Map<string, Watching>();
  readonly #showing = new Map<string, Watching>();
  readonly #estimates = new Map<string, LinkEstimate>();
  readonly #steps = new Map<string, number | undefined>();
  readonly #settings: CallSettings;
  readonly #sendDirect: (nick: string, message: PeerMessage) => boolean;

  constructor(settings: CallSettings, sendDirect: (nick: string, message: PeerMessage) => boolean) {
    this.#settings = settings;
    this.#sendDirect = sendDirect;
  }

  /** Our link to `nick` went: what we knew of it goes too. */
  forget(nick: string): void {
    for (const map of [this.#watchedBy, this.#showing, this.#estimates, this.#steps]) map.delete(nick);
  }

  /** We left the call: the next one starts from the first step. */
  reset(): void {
    this.#steps.clear();
  }

  /** Whether we show `nick`'s camera and screen now: they are told, and send only what we show. */
  show(nick: string, showing: Watching): void {
    const before = this.#showing.get(nick) ?? ALL;
    if (before.video === showing.video && before.screen === showing.screen) return;
    this.#showing.set(nick, showing);
    this.#sendDirect(nick, { type: 'watch', ...showing });
  }

  /** `nick` says which of our videos they show. */
  watched(nick: string, watching: Watching): void {
    this.#watchedBy.set(nick, watching);
  }

  /** Measure each receiver's link: what it says of the video we send on it (see link-estimate.ts). */
  async measure(receivers: { nick: string; link: DirectLink }[]): Promise<void> {
    await Promise.all(
      receivers.map(async ({ nick, link }) => {
        const estimate = this.#estimates.get(nick) ?? new LinkEstimate();
        this.#estimates.set(nick, estimate);
        estimate.observe(await link.sendStats?.().catch(() => undefined));
      }),
    );
  }

  /** What our video senders send to `nick`, as the governor says; and whether our microphone saves silence. */
  shape(nick: string, link: DirectLink, sending: Sending): void {
    const receivers = sending.receivers.length;
    if (receivers === 0) return;
    link.quietAudio?.(this.#settings.governor && sending.inCall > DTX_ABOVE);
    const watching = this.#watchedBy.get(nick) ?? ALL;
    const both = sending.camera && sending.screen;
    const estimate = this.#estimates.get(nick);
    const signals = estimate?.take();
    const available = signals?.available;
    if (sending.camera) {
      const previous = this.#steps.get(nick);
      const { shape, step, probed } = videoShape({ kind: 'video', receivers, available, both, watched: watching.video, previous, signals, settings: this.#settings });
      this.#steps.set(nick, step);
      if (probed) estimate?.probed();
      else if (previous !== undefined && step !== undefined && step > previous) estimate?.steppedDown();
      link.shapeVideo?.('video', shape);
    }
    if (sending.screen) {
      const { shape } = videoShape({ kind: 'screen', receivers, available, both, watched: watching.screen, previous: undefined, settings: this.#settings });
      link.shapeVideo?.('screen', shape);
    }
  }
}
