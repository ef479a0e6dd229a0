import { createHash, timingSafeEqual } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ADMIN_FAILURE_WINDOW_SECONDS, ADMIN_FAILURES_PER_WINDOW, fail, type Failure } from '@meshchat/protocol';

/**
 * Checks admin tokens in constant time and locks out a socket or address after repeated wrong
 * tokens, so a token cannot be guessed by brute force.
 */
export class AdminGate {
  readonly #digest: Buffer | undefined;
  readonly #failures = new RateLimiterMemory({
    points: ADMIN_FAILURES_PER_WINDOW,
    duration: ADMIN_FAILURE_WINDOW_SECONDS,
  });

  constructor(token: string | undefined) {
    this.#digest = token ? sha256(token) : undefined;
  }

  /** `undefined` when `token` is right; otherwise why it was refused. */
  async check(token: string, keys: readonly string[]): Promise<Failure | undefined> {
    for (const key of keys) {
      const state = await this.#failures.get(key);
      if (state && state.consumedPoints >= ADMIN_FAILURES_PER_WINDOW) return fail('RATE_LIMITED');
    }
    if (this.#digest && timingSafeEqual(sha256(token), this.#digest)) return undefined;
    try {
      await Promise.all(keys.map((key) => this.#failures.consume(key)));
    } catch (error: unknown) {
      if (error instanceof RateLimiterRes) return fail('RATE_LIMITED');
      throw error;
    }
    return fail('FORBIDDEN');
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
