/** A budget: `burst` at once, refilled at `perSecond`. */
export interface Rate {
  perSecond: number;
  burst: number;
}

/**
 * What one remote person may send us, per kind, before their link is closed: generous for people
 * (a busy room is a few frames a second from each; acknowledgements and typing add to it), small
 * enough that no one peer can keep a page busy.
 */
export const INBOUND_RATES = {
  /** Data-channel frames of any kind. Senders send a backlog 50 frames a second (`FLUSH_SLICE`: messages and their signatures). */
  frame: { perSecond: 100, burst: 200 },
  /** File offers: each one is a card with buttons. */
  'file-offer': { perSecond: 1, burst: 10 },
  /**
   * Frames they ask us to pass on to someone they cannot reach: above a backlog going out (50 a
   * second), and well within what the person we pass them to accepts from us (`frame`).
   */
  relay: { perSecond: 60, burst: 120 },
  /** Offers, answers and candidates relayed by the signaling server: each offer builds a connection. */
  signal: { perSecond: 20, burst: 80 },
} as const satisfies Record<string, Rate>;

export type InboundKind = keyof typeof INBOUND_RATES;

/** A token bucket: `rate.burst` at once, refilled at `rate.perSecond`. Pure: the clock is passed in (ms). */
export class TokenBucket {
  readonly #rate: Rate;
  #left: number;
  #at: number | undefined;

  constructor(rate: Rate) {
    this.#rate = rate;
    this.#left = rate.burst;
  }

  /** Take one token; `false` once the budget is used up. */
  take(now: number): boolean {
    const { perSecond, burst } = this.#rate;
    this.#left = Math.min(burst, this.#left + ((now - (this.#at ?? now)) / 1000) * perSecond);
    this.#at = now;
    if (this.#left < 1) return false;
    this.#left -= 1;
    return true;
  }
}

/** Token buckets, one per kind, for one remote person. */
export class InboundBudget {
  readonly #buckets = new Map<InboundKind, TokenBucket>();

  /** Charge one `kind`; `false` once the person is over that budget. */
  take(kind: InboundKind, now: number): boolean {
    let bucket = this.#buckets.get(kind);
    if (!bucket) this.#buckets.set(kind, (bucket = new TokenBucket(INBOUND_RATES[kind])));
    return bucket.take(now);
  }
}
