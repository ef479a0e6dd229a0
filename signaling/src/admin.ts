import { createHash, timingSafeEqual } from 'node:crypto';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ADMIN_FAILURE_WINDOW_SECONDS, ADMIN_FAILURES_PER_WINDOW, fail, type Failure } from '@meshchat/protocol';
import type { ChatStore } from './store';

/**
 * Checks admin tokens in constant time and locks out a socket or address after repeated wrong
 * tokens, so a token cannot be guessed by brute force.
 */
export class AdminGate {
  readonly #digest: Buffer | undefined;
  readonly #failures: RateLimiterAbstract;

  /** Failures are counted in `store`: with Redis, a lock-out holds on every process. */
  constructor(token: string | undefined, store: ChatStore) {
    this.#digest = token ? sha256(token) : undefined;
    this.#failures = store.limiter({ keyPrefix: 'admin', points: ADMIN_FAILURES_PER_WINDOW, duration: ADMIN_FAILURE_WINDOW_SECONDS });
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
