import { TYPING_INTERVAL_MS, TYPING_SHOW_MS, type Scope } from '@meshchat/protocol';

/** The room's own conversation, where `told` keeps when we last said we were typing to everyone. */
const ROOM = '';

/**
 * Typing, both ways: who is typing to us (in the room, or privately), each shown until they stop
 * saying so; and when we last told each conversation we were typing, so it goes out at most once
 * a second. The room owns it; a person's link going down or their leaving stops their notices.
 */
export class Typing {
  readonly #changed: () => void;
  /** Who is typing, by nickname and scope: the timer that ends the notice. */
  readonly #shown = new Map<string, ReturnType<typeof setTimeout>>();
  /** When we last told a conversation (the room, or one person by nickname) we were typing. */
  readonly #told = new Map<string, number>();

  constructor(changed: () => void) {
    this.#changed = changed;
  }

  /** `nick` says they are typing in `scope`: shown until they stop saying so. */
  heard(nick: string, scope: Scope): void {
    const key = `${nick}\n${scope}`;
    clearTimeout(this.#shown.get(key));
    this.#shown.set(
      key,
      setTimeout(() => {
        this.#shown.delete(key);
        this.#changed();
      }, TYPING_SHOW_MS),
    );
    this.#changed();
  }

  is(nick: string, scope: Scope): boolean {
    return this.#shown.has(`${nick}\n${scope}`);
  }

  /** `nick` stopped typing in `scope` (their message came), or everywhere (their link went, or they did). */
  stopped(nick: string, scope?: Scope): void {
    for (const each of scope ? [scope] : (['room', 'private'] as const)) {
      const key = `${nick}\n${each}`;
      clearTimeout(this.#shown.get(key));
      this.#shown.delete(key);
    }
    this.#changed();
  }

  /** Whether to tell the room (`to` undefined) or one person we are typing now; if so, noted as told. */
  tell(to: string | undefined, now: number): boolean {
    const key = to ?? ROOM;
    if (now - (this.#told.get(key) ?? -Infinity) < TYPING_INTERVAL_MS) return false;
    this.#told.set(key, now);
    return true;
  }

  /** A line went out: the next keystroke says we are typing again at once. */
  sent(): void {
    this.#told.clear();
  }

  /** No timer runs on. */
  dispose(): void {
    for (const timer of this.#shown.values()) clearTimeout(timer);
    this.#shown.clear();
  }
}
