import { RECONNECT_GRACE_MS, RELOAD_GRACE_MS, type LeaveReason } from '@meshchat/protocol';

/** What the room tells `Unlisted` of one person: whether a link of ours to them is open, and whether their page said goodbye. */
export interface Listing {
  open: boolean;
  leaving: boolean;
}

/**
 * People the server no longer lists (after an outage, or it refused a signal for them) and we
 * have no open link to: gone for good unless they are back within the server's reconnect grace (a
 * reload's, if their page said goodbye; such a page counts as gone even while its link closes).
 */
export class Unlisted {
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #listing: (nick: string) => Listing | undefined;
  readonly #gone: (nick: string, reason: LeaveReason) => void;

  constructor(listing: (nick: string) => Listing | undefined, gone: (nick: string, reason: LeaveReason) => void) {
    this.#listing = listing;
    this.#gone = gone;
  }

  /** The server does not know `nick` in this room: unless our link to them is open, they have that grace to come back in. */
  unlisted(nick: string): void {
    const listing = this.#listing(nick);
    if (this.#timers.has(nick) || (listing?.open && !listing.leaving)) return;
    const grace = listing?.leaving ? RELOAD_GRACE_MS : RECONNECT_GRACE_MS;
    const timer = setTimeout(() => {
      this.#timers.delete(nick);
      const now = this.#listing(nick);
      if (now?.open && !now.leaving) return;
      this.#gone(nick, grace === RELOAD_GRACE_MS ? 'left' : 'disconnected');
    }, grace);
    this.#timers.set(nick, timer);
  }

  /** The server lists `nick` again (they joined, or are here after an outage). */
  listed(nick: string): void {
    clearTimeout(this.#timers.get(nick));
    this.#timers.delete(nick);
  }

  dispose(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
