import type { SigningAlgorithm } from '@meshchat/protocol';
import type { Link } from '../net';

type SigningKey = { alg: SigningAlgorithm; key: string };

/**
 * Signing keys between us and one person: ours goes on each of their links as it opens, theirs is
 * kept as their link showed it (the room's history is checked against it), and on our own link
 * the pair is bound into the link's safety code, so swapping either key changes the code.
 */
export class Keys {
  /** Theirs, as their own link (or a relayed one) showed it. */
  theirs: SigningKey | undefined;
  readonly #own: () => SigningKey | undefined;
  readonly #ownLink: () => Link | undefined;
  readonly #bind: (link: Link, ours: string, theirs: string) => void;

  /** `ownLink`: our own (not relayed) link to them; `bind`: put both keys into that link's safety code. */
  constructor(own: () => SigningKey | undefined, ownLink: () => Link | undefined, bind: (link: Link, ours: string, theirs: string) => void) {
    this.#own = own;
    this.#ownLink = ownLink;
    this.#bind = bind;
  }

  /** Send our key on `link` (once we have made it), and bind the pair if it is our own link. */
  send(link: Link): void {
    const own = this.#own();
    if (!own) return;
    link.send({ type: 'key', ...own });
    this.#bound(link);
  }

  /** Their key came on `link`: kept, and bound with ours into our own link's safety code. */
  heard(link: Link, key: SigningKey): void {
    this.theirs = key;
    this.#bound(link);
  }

  #bound(link: Link): void {
    const ours = this.#own();
    const theirs = this.theirs;
    if (link !== this.#ownLink() || !ours || !theirs) return;
    this.#bind(link, `${ours.alg}:${ours.key}`, `${theirs.alg}:${theirs.key}`);
  }
}
