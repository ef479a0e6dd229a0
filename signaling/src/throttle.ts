import type { RateLimits } from '@meshchat/protocol';
import type { ChatStore, Limiter } from './store';

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
 * address's budget is shared by every process it connects to. With the memory store a charge is
 * synchronous (no promise on the hot path).
 */
export class Throttle {
  readonly #limiters: Record<Budget, { socket: Limiter; ip: Limiter }>;

  constructor(limits: RateLimits, store: ChatStore) {
    const pair = (budget: Budget) => {
      const { points, seconds, perIp } = limits[budget];
      return {
        socket: store.budget({ keyPrefix: `${budget}:socket`, points, duration: seconds }),
        ip: store.budget({ keyPrefix: `${budget}:ip`, points: points * perIp, duration: seconds }),
      };
    };
    this.#limiters = { join: pair('join'), signal: pair('signal'), other: pair('other') };
  }

  /**
   * Charge one request to the socket and to its address; `false` when either has used up its
   * budget. Both are charged either way, as each store counts them independently.
   */
  allow(budget: Budget, socketId: string, ip: string): boolean | Promise<boolean> {
    const { socket, ip: address } = this.#limiters[budget];
    const bySocket = socket.consume(socketId);
    const byIp = address.consume(ip);
    if (typeof bySocket === 'boolean' && typeof byIp === 'boolean') return bySocket && byIp;
    return Promise.all([bySocket, byIp]).then(([a, b]) => a && b);
  }
}
