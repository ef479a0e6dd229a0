/** A lost link is tried again after 1 s, then 2, 4, 8, and every 10 s while the peer is in the room. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 10_000;
/** Someone who flooded us gets a new link only after the longest back-off. */
const FLOOD_ATTEMPT = 8;

/**
 * Bringing one person's lost link back: how many attempts so far, and the timer of the next.
 */
export class Retry {
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** After a flood, the next attempt waits the longest. */
  flooded(): void {
    this.#attempt = FLOOD_ATTEMPT;
  }

  /**
   * The link failed again. Only one side offers, so two offers never cross: `offering` says
   * whether that is us (the nickname that sorts first); the other side only counts the attempt.
   */
  schedule(offering: boolean, connect: () => void): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const attempt = this.#attempt++;
    if (!offering) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      connect();
    }, Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt));
  }

  /** The link is back, or the person is gone: start afresh next time. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#attempt = 0;
  }
}
