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

  /**
   * `undefined` when `token` is right; otherwise why it was refused. Every try is charged before
   * the token is even looked at, each charge one atomic step in the store, so a burst of
   * concurrent guesses gets `ADMIN_FAILURES_PER_WINDOW` tries, not one per request in flight.
   * A right token gets its charge back.
   */
  async check(token: string, keys: readonly string[]): Promise<Failure | undefined> {
    const charged = await Promise.allSettled(keys.map((key) => this.#failures.consume(key)));
    for (const outcome of charged) {
      if (outcome.status === 'rejected' && !(outcome.reason instanceof RateLimiterRes)) throw outcome.reason;
    }
    if (charged.some((outcome) => outcome.status === 'rejected')) return fail('RATE_LIMITED');
    if (this.#digest && timingSafeEqual(sha256(token), this.#digest)) {
      await Promise.all(keys.map((key) => this.#failures.reward(key, 1)));
      return undefined;
    }
    return fail('FORBIDDEN');
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
