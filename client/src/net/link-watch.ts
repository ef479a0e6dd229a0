import { Heartbeat, Probe, type HeartbeatTimes } from './heartbeat';
import type { LinkFailure } from './link';

/**
 * Whether a connection's network still brings anything from the peer, whatever their page does
 * with it. A page that is busy for seconds (a phone decoding five cameras, a tab starved of CPU)
 * answers no ping meanwhile, yet its browser goes on sending: call media, and the ICE checks that
 * keep the way open. A link that is silent to the page but not to the network is not lost, and
 * making a new one would only add work to a page that has none to spare.
 */

interface PairReport {
  type: string;
  bytesReceived?: number;
  requestsReceived?: number;
  responsesReceived?: number;
}

/** Everything the connection's candidate pairs have received so far: bytes, and ICE checks and answers. */
export function receivedSoFar(stats: RTCStatsReport): number {
  let sum = 0;
  stats.forEach((report: PairReport) => {
    if (report.type !== 'candidate-pair') return;
    sum += (report.bytesReceived ?? 0) + (report.requestsReceived ?? 0) + (report.responsesReceived ?? 0);
  });
  return sum;
}

/**
 * What a connection had received when its link turned quiet, to tell at the deadline whether the
 * network brought anything since.
 */
class Liveness {
  #seen: Promise<number | undefined> | undefined;
  readonly #stats: () => Promise<RTCStatsReport>;

  constructor(stats: () => Promise<RTCStatsReport>) {
    this.#stats = stats;
  }

  /** The link is quiet: remember what had come, unless it has been quiet since the last look. */
  quiet(): void {
    this.#seen ??= this.#read();
  }

  /** The page heard from the peer: the next quiet spell starts afresh. */
  heard(): void {
    this.#seen = undefined;
  }

  /** Whether the network brought anything since the link turned quiet (unknown counts as nothing); a new quiet spell starts now. */
  async grew(): Promise<boolean> {
    const before = await this.#seen;
    const now = this.#read();
    this.#seen = now;
    const after = await now;
    return before !== undefined && after !== undefined && after > before;
  }

  async #read(): Promise<number | undefined> {
    try {
      return receivedSoFar(await this.#stats());
    } catch {
      return undefined;
    }
  }
}

/** An open link whose peer does not answer a ping within this time is taken for dead. */
const PROBE_TIMEOUT_MS = 3_000;
/**
 * An open link whose ICE turned "disconnected" (its consent checks went unanswered: a network went
 * away, or changed under it) and is not back within this time is failed, so it is re-made at once
 * instead of lingering as "connected" until ICE gives up on it half a minute later.
 */
const DISCONNECTED_GRACE_MS = 2_000;
/**
 * Chromium takes 6 s or more to call a link whose network changed "disconnected". So an open link
 * that has brought nothing for 2 s asks, and one that has brought nothing for 4.5 s is failed and
 * re-made, unless its network brought something meanwhile.
 */
const HEARTBEAT: HeartbeatTimes = { quietMs: 2_000, silentMs: 4_500 };

/** The link a watch looks after. */
export interface Watched {
  open(): boolean;
  ping(): void;
  fail(reason: LinkFailure): void;
  stats(): Promise<RTCStatsReport>;
}

/**
 * Whether an open direct link still reaches its peer: the heartbeat, a probe asked for, ICE's own
 * "disconnected", and what the network brings while the peer's page says nothing.
 */
export class LinkWatch {
  readonly #link: Watched;
  /** What the network brought since the link turned quiet, since a probe was asked, and since ICE said "disconnected". */
  readonly #liveness: Liveness;
  readonly #probed: Liveness;
  readonly #ice: Liveness;
  readonly #probe: Probe;
  readonly #heartbeat: Heartbeat;
  #disconnected: ReturnType<typeof setTimeout> | undefined;
  #iceDown = false;

  constructor(link: Watched) {
    this.#link = link;
    const stats = () => link.stats();
    this.#liveness = new Liveness(stats);
    this.#probed = new Liveness(stats);
    this.#ice = new Liveness(stats);
    this.#probe = new Probe(PROBE_TIMEOUT_MS, {
      open: () => link.open(),
      ping: () => {
        this.#probed.quiet();
        link.ping();
      },
      unanswered: () => void this.#failUnlessCarrying(this.#probed, { why: 'timeout' }),
    });
    this.#heartbeat = new Heartbeat(HEARTBEAT, { ping: () => this.#ping(), silent: () => void this.#failUnlessCarrying(this.#liveness, { why: 'silent' }) });
  }

  /** The link opened: listening starts now. */
  start(): void {
    this.#heartbeat.start();
  }

  /** Something came from the peer's page. */
  heard(): void {
    this.#heartbeat.heard();
    this.#liveness.heard();
  }

  /** Ask the peer whether the link still reaches it. */
  probe(): void {
    this.#probed.heard();
    this.#probe.ask();
  }

  /** Their pong came. */
  ponged(): void {
    this.#probe.answered();
  }

  /** ICE says the link is disconnected (`true`) or connected again. */
  iceDisconnected(disconnected: boolean): void {
    this.#iceDown = disconnected;
    if (!disconnected) {
      clearTimeout(this.#disconnected);
      this.#disconnected = undefined;
    } else if (this.#link.open() && this.#disconnected === undefined) {
      this.#ice.heard();
      this.#ice.quiet();
      this.#disconnected = setTimeout(() => void this.#stillDisconnected(), DISCONNECTED_GRACE_MS);
    }
  }

  /** The link ended: no timer runs on. */
  stop(): void {
    this.#probe.answered();
    clearTimeout(this.#disconnected);
    this.#heartbeat.stop();
  }

  /** ICE said "disconnected" a while ago: failed, unless packets came meanwhile (ICE says "connected" soon); then it waits again. */
  async #stillDisconnected(): Promise<void> {
    const timer = this.#disconnected;
    const carried = await this.#ice.grew();
    // ICE came back, or went and came again, while the stats were read: that look is over.
    if (timer !== this.#disconnected || !this.#link.open()) return;
    this.#disconnected = undefined;
    if (carried) this.iceDisconnected(this.#iceDown);
    else this.#link.fail({ why: 'silent' });
  }

  #ping(): void {
    if (!this.#link.open()) return;
    this.#liveness.quiet();
    this.#link.ping();
  }

  /** The peer's page said nothing in time: the link failed, unless its network still brings their packets (their page is busy). */
  async #failUnlessCarrying(liveness: Liveness, reason: LinkFailure): Promise<void> {
    if (!this.#link.open()) return;
    if (await liveness.grew()) this.heard();
    else if (this.#link.open()) this.#link.fail(reason);
  }
}
