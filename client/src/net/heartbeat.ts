/** How quiet a link may be before it asks, and before it is given up. */
export interface HeartbeatTimes {
  /** Brought nothing this long: ask (a ping, answered at once). */
  quietMs: number;
  /** Brought nothing this long: the link is failed as silent. */
  silentMs: number;
}

const BEAT_MS = 1_000;

/**
 * Tells a link that stopped carrying from one that is merely idle, for any kind of link: once a
 * second it looks at when the link last brought anything, pings when it has been quiet, and calls
 * it silent when even the ping brought nothing back. Quiet is counted in time the page was running:
 * a check that runs late (the page was busy, and what arrived meanwhile may still wait in its
 * queue) judges nothing, and the time it was held up does not count.
 */
export class Heartbeat {
  #heard = 0;
  #beat = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #times: HeartbeatTimes;
  readonly #link: { ping(): void; silent(): void };

  constructor(times: HeartbeatTimes, link: { ping(): void; silent(): void }) {
    this.#times = times;
    this.#link = link;
  }

  /** The link opened: listening starts now. */
  start(): void {
    this.#heard = this.#beat = performance.now();
    this.#timer ??= setInterval(() => this.#listen(), BEAT_MS);
  }

  /** Something came on the link. */
  heard(): void {
    this.#heard = performance.now();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #listen(now = performance.now()): void {
    // Time this page was not running (its beat came late) is not time the peer was silent: what
    // they sent meanwhile may still wait in the queue, or their page was held up by the same stall.
    const lag = now - this.#beat - BEAT_MS;
    this.#beat = now;
    if (lag > 0) this.#heard = Math.min(now, this.#heard + lag);
    if (lag > BEAT_MS * 0.5) return;
    const quiet = now - this.#heard;
    if (quiet >= this.#times.silentMs) this.#link.silent();
    else if (quiet >= this.#times.quietMs) this.#link.ping();
  }
}

/**
 * Asking a link, once at a time, whether it still reaches its peer: a ping, and a deadline that
 * their pong clears; without one in time the link is failed. Shared by our own and relayed links.
 */
export class Probe {
  readonly #ms: number;
  readonly #link: { open(): boolean; ping(): void; unanswered(): void };
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number, link: { open(): boolean; ping(): void; unanswered(): void }) {
    this.#ms = ms;
    this.#link = link;
  }

  /** Ask, unless the link is not open or a question is already out. */
  ask(): void {
    if (!this.#link.open() || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#link.unanswered();
    }, this.#ms);
    this.#link.ping();
  }

  /** Their pong came (or the link ended): no deadline runs on. */
  answered(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
