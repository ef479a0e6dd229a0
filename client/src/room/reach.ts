/** Whom we reach is told a moment after it changes, once for a burst of changes. */
const REACH_AFTER_MS = 100;

/** One person as whom-reaches-whom needs them: their nickname, and whether our own link to them works. */
export interface Reachable {
  readonly nick: string;
  readonly direct: unknown;
  sendDirect(message: { type: 'reach'; nicks: string[] }): boolean;
  /** Their way round: a relayed link through `via` ends when `via` no longer reaches them; others may be tried. */
  readonly detour: { viaLost(via: string): void; consider(afresh: boolean): void };
}

/**
 * Who reaches whom: what each person says they have a working link to (so a pair that cannot link
 * may talk through them), and what we last told each of them of ours, so it goes again only when
 * it changed. The room owns it; `Room.changed` asks for a new telling.
 */
export class Reach {
  readonly #people: () => readonly Reachable[];
  /** Whom each person says they have a link to, by their nickname. */
  readonly #theirs = new Map<string, ReadonlySet<string>>();
  /** The list of whom we reach that each person's current link has carried. */
  readonly #told = new Map<string, string>();
  #later: ReturnType<typeof setTimeout> | undefined;

  constructor(people: () => readonly Reachable[]) {
    this.#people = people;
  }

  /** Whether `via` says it has a working link to `nick`. */
  reaches(via: string, nick: string): boolean {
    return this.#theirs.get(via)?.has(nick) ?? false;
  }

  /** Who, with our own link to them working, says they reach `nick`: who could carry what we say to each other. */
  vias(nick: string): string[] {
    return this.#people()
      .filter((peer) => peer.nick !== nick && peer.direct && this.reaches(peer.nick, nick))
      .map((peer) => peer.nick);
  }

  /** `via` says whom it reaches now: a relayed link through it to someone it no longer reaches ends; others may start. */
  heard(via: string, nicks: readonly string[]): void {
    const reach = new Set(nicks);
    this.#theirs.set(via, reach);
    for (const peer of this.#people()) {
      if (peer.nick === via) continue;
      if (!reach.has(peer.nick)) peer.detour.viaLost(via);
      else peer.detour.consider(true);
    }
  }

  /** A new link to `nick`: it has carried nothing yet, so the next telling goes on it. */
  linked(nick: string): void {
    this.#told.delete(nick);
  }

  forget(nick: string): void {
    this.#theirs.delete(nick);
    this.#told.delete(nick);
  }

  /** Tell everyone we have a working link to whom we have one to, soon, where it changed since they last heard. */
  soon(): void {
    if (this.#later !== undefined) return;
    this.#later = setTimeout(() => {
      this.#later = undefined;
      const all = this.#people();
      const nicks = all.filter((peer) => peer.direct).map(({ nick }) => nick);
      const list = nicks.join('\n');
      for (const peer of all) {
        if (!peer.direct || this.#told.get(peer.nick) === list) continue;
        if (peer.sendDirect({ type: 'reach', nicks })) this.#told.set(peer.nick, list);
      }
    }, REACH_AFTER_MS);
  }

  dispose(): void {
    clearTimeout(this.#later);
    this.#later = undefined;
  }
}
