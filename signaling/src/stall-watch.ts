/** How often a connected store is asked whether it still answers. */
const PROBE_MS = 250;
/** A probe unanswered this long means the store has stalled (paused, swapping, overloaded). */
const STALLED_AFTER_MS = 1_000;

/**
 * Tells a store that is connected but not answering from one that is merely busy: a connection
 * that stays open while nothing comes back never closes, so without this every request would
 * wait out its own command timeout. Stalled from the moment a probe is a second late, until one is
 * answered again.
 */
export class StallWatch {
  #stalled = false;
  #sentAt: number | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(
    ping: () => Promise<unknown> | undefined,
    events: { stalled(): void; answered(): void },
  ) {
    this.#timer = setInterval(() => {
      const now = Date.now();
      if (this.#sentAt !== undefined) {
        if (!this.#stalled && now - this.#sentAt > STALLED_AFTER_MS) {
          this.#stalled = true;
          events.stalled();
        }
        return;
      }
      const sent = ping();
      if (!sent) return;
      this.#sentAt = now;
      sent.then(
        () => {
          this.#sentAt = undefined;
          if (!this.#stalled) return;
          this.#stalled = false;
          events.answered();
        },
        () => (this.#sentAt = undefined),
      );
    }, PROBE_MS);
    this.#timer.unref();
  }

  get stalled(): boolean {
    return this.#stalled;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
