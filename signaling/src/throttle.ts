import type { RateLimits } from '@meshchat/protocol';
import type { ChatStore, Limiter } from './store';
import { WindowCounter } from './window-counter';

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
 * Per-socket and per-IP request budgets (fixed windows). A socket lives in one process, so its
 * budget is counted here, at once; an address's is counted in the store, so that with Redis it is
 * shared by every process the address connects to. With the memory store a charge is synchronous
 * (no promise on the hot path).
 */
export class Throttle {
  readonly #limiters: Record<Budget, { socket: WindowCounter; ip: Limiter }>;

  constructor(limits: RateLimits, store: ChatStore) {
    const pair = (budget: Budget) => {
      const { points, seconds, perIp } = limits[budget];
      return {
        socket: new WindowCounter(points, seconds),
        ip: store.budget({ keyPrefix: `${budget}:ip`, points: points * perIp, duration: seconds }),
      };
    };
    this.#limiters = { join: pair('join'), signal: pair('signal'), other: pair('other') };
  }

  /**
   * Charge one request to the socket and then to its address; `false` when either has used up its
   * budget. A socket past its own budget is refused here without asking the store: a flood costs
   * Redis (and so everyone else's relays through it) at most one budget, not one command a frame.
   */
  allow(budget: Budget, socketId: string, ip: string): boolean | Promise<boolean> {
    const { socket, ip: address } = this.#limiters[budget];
    if (!socket.consume(socketId)) return false;
    return address.consume(ip);
  }
}
