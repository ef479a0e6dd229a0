import type { PeerMessage, SignalData } from '@meshchat/protocol';
import { TokenBucket } from './inbound-budget';
import type { DirectLink } from './link';

/** Candidates kept for a held offer; a real one trickles a handful. */
const HELD_CANDIDATES = 64;
/** A held offer older than this has been given up on by its sender (its link times out at 20 s). */
const HELD_OFFER_MS = 20_000;
/**
 * Media sections an offer may have: the data channel, a microphone, a camera and a screen, with
 * room to spare. A call needs no more; an offer with hundreds would make a transceiver each.
 */
export const MAX_MEDIA_SECTIONS = 8;
/**
 * Offers that build a new connection, per person: a few at once (a reload, a retry), then one every
 * few seconds. Each costs a connection's set-up on the main thread; a flood of them is refused.
 */
export const NEW_LINK_OFFERS = { burst: 4, perSecond: 1 / 5 } as const;

/** How many media sections (`m=` lines) an SDP has. */
export function mediaSections(sdp: string): number {
  return sdp.match(/^m=/gm)?.length ?? 0;
}

/**
 * The one link to one remote person. An offer never replaces an open link: it is held (the newest
 * only) and the open link probed; if the link fails (its peer has gone) the offer is answered,
 * while a live link stays, so a stranger who got the same nickname cannot silently take over a
 * conversation. An offer with no open link gets a fresh answering link, replacing one still
 * connecting: one incoming negotiation per person. Who offers at all is the room's rule.
 */
export class LinkSlot {
  #link: DirectLink | undefined;
  #held: { offer: SignalData; candidates: SignalData[]; at: number } | undefined;
  readonly #create: (initiator: boolean) => DirectLink;
  readonly #newLinks = new TokenBucket(NEW_LINK_OFFERS);

  constructor(create: (initiator: boolean) => DirectLink) {
    this.#create = create;
  }

  get link(): DirectLink | undefined {
    return this.#link;
  }

  /** Open a link as the initiator, unless an open one exists. */
  connect(): DirectLink {
    if (this.#link?.open) return this.#link;
    this.#link?.close();
    return this.#put(true);
  }

  /** Hand a relayed offer, answer or candidate to the link it is for; see the class comment for offers. */
  signal(data: SignalData, now = Date.now()): void {
    const link = this.#link;
    if (data.type === 'offer') {
      if (mediaSections(data.sdp) > MAX_MEDIA_SECTIONS) {
        console.warn(`meshchat: refused an offer with ${mediaSections(data.sdp)} media sections`);
        return;
      }
      // The other side adding media to the link we have: the same ICE session, offered again.
      if (link?.open && link.renegotiates?.(data.sdp)) {
        link.signal(data);
        return;
      }
      if (link?.open) {
        // The other side may have lost this link without our noticing yet (a reload, a crash):
        // if it is dead, it fails soon and the held offer is answered.
        this.#held = { offer: data, candidates: [], at: now };
        link.probe();
        return;
      }
      if (!this.#newLinks.take(now)) return;
      this.#held = undefined;
      link?.close();
      this.#put(false).signal(data);
      return;
    }
    if (this.#held) {
      if (data.type === 'candidate' && this.#held.candidates.length < HELD_CANDIDATES) this.#held.candidates.push(data);
      return;
    }
    link?.signal(data);
  }

  /** Whether an offer waits for the open link to close. */
  get holding(): boolean {
    return this.#held !== undefined;
  }

  /** Close the link and forget it, and any held offer. Closing a link that is gone is harmless. */
  clear(): void {
    this.#link?.close();
    this.#link = undefined;
    this.#held = undefined;
  }

  /**
   * The link failed: drop it if it is still the current one (a newer link may have replaced it).
   * An offer held while it was open is answered now, unless its sender has long given up on it.
   */
  forget(link: DirectLink, now = Date.now()): void {
    if (this.#link !== link) return;
    this.#link = undefined;
    const held = this.#held;
    this.#held = undefined;
    if (!held || now - held.at > HELD_OFFER_MS) return;
    const next = this.#put(false);
    for (const data of [held.offer, ...held.candidates]) next.signal(data);
  }

  /** Send on the link if it is open; `false` when it is not (or the send failed). */
  send(message: PeerMessage): boolean {
    return this.#link?.open === true && this.#link.send(message);
  }

  #put(initiator: boolean): DirectLink {
    this.#link = this.#create(initiator);
    return this.#link;
  }
}
