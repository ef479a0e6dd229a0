import type { PeerMessage, SignalData } from '@meshchat/protocol';
import type { LinkState } from './peer-link';

/** The parts of a `PeerLink` the mesh relies on. */
export interface Link {
  readonly nick: string;
  readonly state: LinkState;
  readonly open: boolean;
  signal(data: SignalData): void;
  send(message: PeerMessage): boolean;
  sendChunk(id: string, data: Uint8Array): Promise<void>;
  /** Check the open link still reaches its peer; if no answer comes back soon, it fails. */
  probe(): void;
  chunkBytes(id: string): number;
  close(): void;
}

export type LinkFactory = (nick: string, initiator: boolean) => Link;

/** An offer that arrived while the link to its sender was open, with the candidates that followed it. */
interface HeldOffer {
  offer: SignalData;
  candidates: SignalData[];
  at: number;
}

/** Candidates kept for a held offer; a real one trickles a handful. */
const HELD_CANDIDATES = 64;
/** A held offer older than this has been given up on by its sender (its link times out at 20 s). */
const HELD_OFFER_MS = 20_000;

/**
 * The full mesh: at most one link per remote nickname. The newcomer initiates to every member
 * already in the room, so two peers never both offer. An offer never replaces an open link: it is
 * held (one per person, the newest) and the open link probed; if the link fails (its peer has gone)
 * the offer is answered, while a live link stays, so a stranger who got the same nickname cannot
 * silently take over a conversation. An offer with no open link gets a fresh answering link,
 * replacing one still connecting: one incoming negotiation per person.
 */
export class Mesh {
  readonly #links = new Map<string, Link>();
  readonly #held = new Map<string, HeldOffer>();
  readonly #create: LinkFactory;

  constructor(create: LinkFactory) {
    this.#create = create;
  }

  get(nick: string): Link | undefined {
    return this.#links.get(nick);
  }

  /** Open a link to `nick` as the initiator, unless an open one exists. */
  connect(nick: string): Link {
    const existing = this.#links.get(nick);
    if (existing?.open) return existing;
    existing?.close();
    return this.#put(nick, true);
  }

  /** Route a relayed signal to its link; see the class comment for offers. */
  signal(from: string, data: SignalData, now = Date.now()): void {
    const link = this.#links.get(from);
    if (data.type === 'offer') {
      if (link?.open) {
        // The other side may have lost this link without our noticing yet (a reload, a crash):
        // if it is dead, it fails soon and the held offer is answered.
        this.#held.set(from, { offer: data, candidates: [], at: now });
        link.probe();
        return;
      }
      this.#held.delete(from);
      link?.close();
      this.#put(from, false).signal(data);
      return;
    }
    const held = this.#held.get(from);
    if (held) {
      if (data.type === 'candidate' && held.candidates.length < HELD_CANDIDATES) held.candidates.push(data);
      return;
    }
    link?.signal(data);
  }

  /** Whether an offer from `nick` waits for the open link to them to close. */
  holds(nick: string): boolean {
    return this.#held.has(nick);
  }

  /** Forget `nick`'s link and close it. Closing a link that is gone is harmless. */
  remove(nick: string): void {
    this.#links.get(nick)?.close();
    this.#links.delete(nick);
    this.#held.delete(nick);
  }

  /**
   * Drop a link only if it is still the one given (a newer link may have replaced it). An offer
   * held while it was open is answered now, unless its sender has long given up on it.
   */
  forget(link: Link, now = Date.now()): void {
    if (this.#links.get(link.nick) !== link) return;
    this.#links.delete(link.nick);
    const held = this.#held.get(link.nick);
    this.#held.delete(link.nick);
    if (!held || now - held.at > HELD_OFFER_MS) return;
    const next = this.#put(link.nick, false);
    for (const data of [held.offer, ...held.candidates]) next.signal(data);
  }

  /** Send to every open link that `accept` admits; returns who it went to. */
  broadcast(message: PeerMessage, accept: (nick: string) => boolean = () => true): string[] {
    return [...this.#links.values()]
      .filter((link) => link.open && accept(link.nick) && link.send(message))
      .map((link) => link.nick);
  }

  /** Send to one peer only; `false` when there is no open link to it. */
  sendTo(nick: string, message: PeerMessage): boolean {
    const link = this.#links.get(nick);
    return link?.open === true && link.send(message);
  }

  closeAll(): void {
    for (const link of this.#links.values()) link.close();
    this.#links.clear();
    this.#held.clear();
  }

  #put(nick: string, initiator: boolean): Link {
    const link = this.#create(nick, initiator);
    this.#links.set(nick, link);
    return link;
  }
}
