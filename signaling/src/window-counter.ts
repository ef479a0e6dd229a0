import type { Limiter } from './store';

/**
 * Fixed-window request counters kept in this process: per key, at most `points` in a window of
 * `seconds` that starts at the key's first request. Synchronous and timer-free: an expired window
 * starts afresh when its key comes back, and windows nobody came back to are swept out once a
 * window has passed.
 */
export class WindowCounter implements Limiter {
  readonly #points: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, { count: number; endsAt: number }>();
  #sweepAt: number;

  constructor(points: number, seconds: number, now = Date.now()) {
    this.#points = points;
    this.#windowMs = seconds * 1000;
    this.#sweepAt = now + this.#windowMs;
  }

  /** Charge one request to `key`; `false` (and nothing charged) when its window is used up. */
  consume(key: string, now = Date.now()): boolean {
    if (now >= this.#sweepAt) this.#sweep(now);
    const window = this.#windows.get(key);
    if (!window || now >= window.endsAt) {
      this.#windows.set(key, { count: 1, endsAt: now + this.#windowMs });
      return this.#points >= 1;
    }
    if (window.count >= this.#points) return false;
    window.count += 1;
    return true;
  }

  /** How many keys have a window open: what this counter holds in memory. */
  get size(): number {
    return this.#windows.size;
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) if (now >= window.endsAt) this.#windows.delete(key);
    this.#sweepAt = now + this.#windowMs;
  }
}
