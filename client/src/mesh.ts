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
  chunkBytes(id: string): number;
  close(): void;
}

export type LinkFactory = (nick: string, initiator: boolean) => Link;

/**
 * The full mesh: at most one link per remote nickname. The newcomer initiates to every member
 * already in the room, so two peers never both offer; an incoming offer always gets a fresh
 * answering link, replacing one that the other side has given up on.
 */
export class Mesh {
  readonly #links = new Map<string, Link>();
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

  /** Route a relayed signal to its link; an offer from anyone starts a fresh answering link. */
  signal(from: string, data: SignalData): void {
    let link = this.#links.get(from);
    if (data.type === 'offer') {
      link?.close();
      link = this.#put(from, false);
    }
    link?.signal(data);
  }

  /** Forget `nick`'s link and close it. Closing a link that is gone is harmless. */
  remove(nick: string): void {
    this.#links.get(nick)?.close();
    this.#links.delete(nick);
  }

  /** Drop a link only if it is still the one given (a newer link may have replaced it). */
  forget(link: Link): void {
    if (this.#links.get(link.nick) === link) this.#links.delete(link.nick);
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
  }

  #put(nick: string, initiator: boolean): Link {
    const link = this.#create(nick, initiator);
    this.#links.set(nick, link);
    return link;
  }
}
