import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimits } from '@meshchat/protocol';
import type { ChatStore } from './store';

export type Budget = keyof RateLimits;

/** Which budget each event draws on; anything not listed (including unknown names) is `other`. */
const BUDGET_OF = new Map<string, Budget>([
  ['join', 'join'],
  ['resume', 'join'],
  ['pair', 'join'],
  ['signal', 'signal'],
]);

export function budgetOf(event: string | undefined): Budget {
  return (event !== undefined && BUDGET_OF.get(event)) || 'other';
}

/**
 * Per-socket and per-IP request budgets (fixed windows), counted in the store: with Redis, an
 * address's budget is shared by every process it connects to.
 */
export class Throttle {
  readonly #limiters = new Map<string, RateLimiterAbstract>();

  constructor(limits: RateLimits, store: ChatStore) {
    for (const [budget, { points, seconds, perIp }] of Object.entries(limits)) {
      this.#limiters.set(`${budget}:socket`, store.limiter({ keyPrefix: `${budget}:socket`, points, duration: seconds }));
      this.#limiters.set(`${budget}:ip`, store.limiter({ keyPrefix: `${budget}:ip`, points: points * perIp, duration: seconds }));
    }
  }

  /** Charge one request; `false` when the socket or its address has used up its budget. */
  async allow(budget: Budget, socketId: string, ip: string): Promise<boolean> {
    try {
      await Promise.all([this.#limiter(`${budget}:socket`).consume(socketId), this.#limiter(`${budget}:ip`).consume(ip)]);
      return true;
    } catch (error: unknown) {
      if (error instanceof RateLimiterRes) return false;
      throw error;
    }
  }

  #limiter(name: string): RateLimiterAbstract {
    const limiter = this.#limiters.get(name);
    if (!limiter) throw new Error(`no limiter ${name}`);
    return limiter;
  }
}
