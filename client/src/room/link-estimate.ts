import type { SendStats } from '../net';

/** Video packets lost over one governor round above which a link counts as congested. */
const LOSS_CONGESTED = 0.05;
/** A round-trip time this much over the link's best (both: so many seconds and so many times) is a queue building up. */
const RTT_QUEUE_S = 0.1;
const RTT_FACTOR = 1.5;
/** An estimate this much above the last round's is a link still opening up, not a narrow one. */
const OPENING = 1.1;
/** Clean rounds before a better step is tried, and the most a failed try stretches that to. */
const QUIET_ROUNDS = 2;
const MAX_QUIET_ROUNDS = 8;
/** A step tried holds once this many rounds pass without congestion. */
const PROBE_ROUNDS = 2;

/** What one governor round learned of a link, for the shape it sends next. */
export interface LinkSignals {
  /** The available outgoing bitrate the browser reports (Chromium), if any. */
  available: number | undefined;
  /**
   * The browser says bandwidth is what holds our video back (Chromium; undefined where it does not
   * say), and the estimate is not growing: a new link's estimate climbs for its first seconds, and
   * is held back all that while without being narrow.
   */
  bandwidthLimited: boolean | undefined;
  /** What our video sent on the link over the round, bits/s. */
  sendBps: number | undefined;
  /** Loss or a growing round-trip time: the link carries less than we send. */
  congested: boolean;
  /** The link has been clean long enough to try the next better step. */
  mayProbe: boolean;
  /** A better step is being tried: only congestion undoes it (the estimate still reads the smaller picture's). */
  probing: boolean;
}

const NOTHING: LinkSignals = { available: undefined, bandwidthLimited: undefined, sendBps: undefined, congested: false, mayProbe: false, probing: false };

/**
 * One link's series of send stats, read as signals for the governor. A link's measured available
 * bitrate follows what is sent on it, so a stream scaled down makes the estimate small and it would
 * never climb back by the estimate alone: after a few clean rounds the governor tries the next
 * better step, keeps it if the link stays clean (no loss, no queue), and otherwise goes back and
 * waits twice as long before the next try. Firefox reports no estimate: loss and round-trip time
 * are all the governor goes by there (its encoder's target is no estimate: it is capped by the
 * picture's size, so a small picture reads as a narrow link), and its encoder scales itself down on
 * a link its congestion control keeps clean.
 */
export class LinkEstimate {
  #last: SendStats | undefined;
  #bestRtt = Infinity;
  #clean = 0;
  #wait = QUIET_ROUNDS;
  #probing = false;
  /** Rounds since a try held, and the wait before it: a step down soon after is the try failing after all. */
  #sinceHeld = Infinity;
  #heldWait = QUIET_ROUNDS;
  #signals: LinkSignals = NOTHING;

  /** A governor round's stats (undefined: the link said nothing). */
  observe(stats: SendStats | undefined): void {
    if (!stats) {
      this.#signals = NOTHING;
      return;
    }
    const last = this.#last;
    this.#last = stats;
    if (stats.rtt !== undefined && stats.rtt > 0) this.#bestRtt = Math.min(this.#bestRtt, stats.rtt);
    // The first stats of a link are a starting point: a round's loss and rate need two.
    if (!last || stats.at <= last.at) {
      this.#signals = { ...NOTHING, available: stats.available };
      return;
    }
    const seconds = (stats.at - last.at) / 1000;
    const sendBps = ((stats.bytesSent - last.bytesSent) * 8) / seconds;
    const sent = stats.packetsSent - last.packetsSent;
    const loss = sent > 0 ? Math.max(0, stats.packetsLost - last.packetsLost) / sent : 0;
    const queued = stats.rtt !== undefined && Number.isFinite(this.#bestRtt) && stats.rtt > this.#bestRtt * RTT_FACTOR && stats.rtt > this.#bestRtt + RTT_QUEUE_S;
    const congested = loss > LOSS_CONGESTED || queued;
    this.#sinceHeld += 1;
    if (congested) {
      this.#clean = 0;
      if (this.#probing) this.#wait = Math.min(MAX_QUIET_ROUNDS, this.#wait * 2);
      this.#probing = false;
    } else {
      this.#clean += 1;
      if (this.#probing && this.#clean >= PROBE_ROUNDS) {
        this.#probing = false;
        this.#heldWait = this.#wait;
        this.#sinceHeld = 0;
        this.#wait = QUIET_ROUNDS;
        this.#clean = 0;
      }
    }
    const opening = stats.available !== undefined && last.available !== undefined && stats.available > last.available * OPENING;
    const bandwidthLimited = stats.bandwidthLimited === undefined ? undefined : stats.bandwidthLimited && !opening;
    this.#signals = { available: stats.available, bandwidthLimited, sendBps, congested, mayProbe: !this.#probing && this.#clean >= this.#wait, probing: this.#probing };
  }

  /**
   * The round's signals, for one decision: congestion and a try are acted on once, and shapes
   * asked for again before the next round (someone joined, a tile scrolled) only keep the step.
   */
  take(): LinkSignals {
    const signals = this.#signals;
    this.#signals = { ...signals, congested: false, mayProbe: false };
    return signals;
  }

  /** The governor took the next better step to try it. */
  probed(): void {
    this.#probing = true;
    this.#clean = 0;
  }

  /**
   * The governor went down a step by the estimate. Soon after a try held, the try failed after all
   * (a link whose congestion control keeps it clean shows no loss, only a smaller estimate): the
   * next try waits twice as long, as after a try undone by loss.
   */
  steppedDown(): void {
    this.#clean = 0;
    if (this.#sinceHeld <= PROBE_ROUNDS) this.#wait = Math.min(MAX_QUIET_ROUNDS, this.#heldWait * 2);
  }
}
