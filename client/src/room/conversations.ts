/**
 * The room's conversations: everyone, and one private conversation per person we spoke with, in
 * the order they started, with what arrived in each while it was not on screen. A conversation
 * outlives its person's presence: what was said stays readable after they leave.
 */
export class Conversations {
  /** The conversation on screen: the room (`undefined`), or the private one with a person. */
  view: string | undefined;
  /** Private conversations, by person, in the order they started. */
  private: readonly string[] = [];
  /** Public messages not yet seen. */
  roomUnread = 0;
  readonly #unread = new Map<string, number>();

  /** Messages not yet seen in the private conversation with `nick`. */
  unread(nick: string): number {
    return this.#unread.get(nick) ?? 0;
  }

  /** Make sure there is a private conversation with `nick` to switch to. */
  start(nick: string): void {
    if (!this.private.includes(nick)) this.private = [...this.private, nick];
  }

  /** We wrote to `nick`: their conversation exists, and what they said before counts as read. */
  replied(nick: string): void {
    this.start(nick);
    this.#unread.delete(nick);
  }

  /** Close the conversation with `nick` (what was said stays in the log); the room shows if it was on screen. */
  close(nick: string): void {
    this.private = this.private.filter((other) => other !== nick);
    this.#unread.delete(nick);
    if (this.view === nick) this.view = undefined;
  }

  /** Something arrived in the room (`from` undefined) or privately from `from`; `seen` if it is on screen and the page visible. */
  arrived(from: string | undefined, seen: boolean): void {
    if (from !== undefined) this.start(from);
    if (seen && this.view === from) return;
    if (from === undefined) this.roomUnread += 1;
    else this.#unread.set(from, this.unread(from) + 1);
  }

  /** What is on screen counts as read. */
  seen(): void {
    if (this.view === undefined) this.roomUnread = 0;
    else this.#unread.delete(this.view);
  }

  /** A new room: no conversations but the room's. */
  clear(): void {
    this.view = undefined;
    this.private = [];
    this.roomUnread = 0;
    this.#unread.clear();
  }
}
