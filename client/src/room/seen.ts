import type { PeerMessage } from '@meshchat/protocol';
import { shownIn } from './conversations';
import type { ChatLine, Log } from './log';
import type { Peer } from './peer';

type SeenFrame = Extract<PeerMessage, { type: 'seen' }>;

/** What is on screen is told to its authors this long after it showed, in one frame each: never on the way of a message being drawn. */
export const SEEN_AFTER_MS = 200;

export interface SeenHooks {
  me: string;
  log: Log;
  peer(nick: string): Peer | undefined;
  /** Whether we tell people that we saw their messages (our choice; on unless turned off). */
  telling(): boolean;
}

/**
 * "Seen by": telling the people whose messages our page showed while we looked, and hearing that
 * ours were. What we tell is cumulative (the newest message of theirs we saw in a conversation
 * covers every earlier one), so a frame lost with a link is made good by the next.
 */
export class Seen {
  readonly #hooks: SeenHooks;
  /** The newest message of each person we told them we saw, under `scope nick`. */
  readonly #told = new Map<string, string>();
  /** Conversations shown since we last told: the room under `undefined`, a private one under the person. */
  readonly #shown = new Set<string | undefined>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(hooks: SeenHooks) {
    this.#hooks = hooks;
  }

  /** The conversation `view` is on screen and the page in view: what it holds counts as seen, and is told soon. */
  shown(view: string | undefined): void {
    if (!this.#hooks.telling()) return;
    this.#shown.add(view);
    this.#timer ??= setTimeout(() => this.#tell(), SEEN_AFTER_MS);
  }

  /** `peer` saw our messages up to `id`. */
  heard(peer: Peer, { scope, id }: SeenFrame): void {
    this.#hooks.log.seenBy(peer.nick, scope, id);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#shown.clear();
  }

  #tell(): void {
    this.#timer = undefined;
    const views = [...this.#shown];
    this.#shown.clear();
    if (!this.#hooks.telling()) return;
    for (const view of views) {
      for (const [nick, id] of newestOfEach(this.#hooks.log.lines, view, this.#hooks.me)) {
        const scope = view === undefined ? 'room' : 'private';
        const key = `${scope} ${nick}`;
        const peer = this.#hooks.peer(nick);
        if (this.#told.get(key) === id || !peer?.trusted) continue;
        if (peer.send({ type: 'seen', scope, id })) this.#told.set(key, id);
      }
    }
  }
}

/** The id of each other person's newest message in conversation `view`, by person. */
function newestOfEach(lines: readonly ChatLine[], view: string | undefined, me: string): Map<string, string> {
  const newest = new Map<string, string>();
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index];
    if (!line?.ref || line.from === undefined || line.from === me || (line.kind !== 'public' && line.kind !== 'private')) continue;
    if (!newest.has(line.from) && shownIn(line, view, me)) newest.set(line.from, line.ref.id);
  }
  return newest;
}
