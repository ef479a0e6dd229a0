import type { ChatLine } from './log';

/** Consecutive messages from one sender closer together than this form one run under one name. */
export const RUN_GAP_MS = 5 * 60_000;

/** The person a private line or file is shared with (the other one, whoever sent it); none for the room's lines. */
export function privateWith(line: ChatLine, me: string): string | undefined {
  if ((line.kind !== 'private' && line.kind !== 'file') || line.to === undefined) return undefined;
  return line.from === me ? line.to : line.from;
}

/** Whether `line` shows in the room (`view` undefined) or in the private conversation with `view`. */
export function shownIn(line: ChatLine, view: string | undefined, me: string): boolean {
  const other = privateWith(line, me);
  if (view === undefined) return other === undefined || line.echo === true;
  return other === view || (line.kind === 'warning' && line.from === view);
}

/**
 * The lines that continue a run: the same sender's message right after their previous one in the
 * same conversation, within `RUN_GAP_MS`; files offered one after another group the same way.
 * Notices and warnings always stand alone.
 */
export function continuations(lines: readonly ChatLine[], me: string): Set<ChatLine> {
  const runs = new Set<ChatLine>();
  /** The last line of each conversation so far: the room's under '', a private one under the other's name. */
  const last = new Map<string, ChatLine>();
  for (const line of lines) {
    const other = privateWith(line, me);
    const key = other ?? (line.kind === 'warning' ? undefined : '');
    const previous = key === undefined ? undefined : last.get(key);
    if (
      previous &&
      !line.echo &&
      (line.kind === 'public' || line.kind === 'private' || line.kind === 'file') &&
      previous.kind === line.kind &&
      previous.from === line.from &&
      line.ts - previous.ts >= 0 &&
      line.ts - previous.ts < RUN_GAP_MS
    ) {
      runs.add(line);
    }
    // A warning about someone interrupts the room and their conversation; an echo, both of its own.
    if (key !== undefined) last.set(key, line);
    if (line.kind === 'warning' && line.from !== undefined) last.set(line.from, line);
    if (line.kind === 'warning' || line.echo) last.set('', line);
  }
  return runs;
}

export interface ConversationsState {
  private: readonly string[];
  roomUnread: number;
  unread: Record<string, number>;
  mentioned: readonly string[];
}

const count = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value < 1e6;
const names = (value: unknown): value is string[] => Array.isArray(value) && value.length <= 1_000 && value.every((nick) => typeof nick === 'string');

function isState(kept: unknown): kept is ConversationsState {
  if (typeof kept !== 'object' || kept === null) return false;
  const { private: open, roomUnread, unread, mentioned } = kept as Record<string, unknown>;
  return names(open) && count(roomUnread) && names(mentioned) && typeof unread === 'object' && unread !== null && Object.values(unread).every(count);
}

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
  /** Conversations with a message not yet seen that mentions us: the room under '', a private one under the person. */
  readonly #mentioned = new Set<string>();

  /** Whether a message not yet seen in the room (`undefined`) or the private conversation with `nick` mentions us. */
  mentioned(nick: string | undefined): boolean {
    return this.#mentioned.has(nick ?? '');
  }

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
    this.#mentioned.delete(nick);
  }

  /** Close the conversation with `nick` (what was said stays in the log); the room shows if it was on screen. */
  close(nick: string): void {
    this.private = this.private.filter((other) => other !== nick);
    this.#unread.delete(nick);
    this.#mentioned.delete(nick);
    if (this.view === nick) this.view = undefined;
  }

  /**
   * Something arrived in the room (`from` undefined) or privately from `from`; `seen` if it is on
   * screen and the page visible; `mentioned` if it mentions us.
   */
  arrived(from: string | undefined, seen: boolean, mentioned = false): void {
    if (from !== undefined) this.start(from);
    if (seen && this.view === from) return;
    if (from === undefined) this.roomUnread += 1;
    else this.#unread.set(from, this.unread(from) + 1);
    if (mentioned) this.#mentioned.add(from ?? '');
  }

  /** What is on screen counts as read. */
  seen(): void {
    if (this.view === undefined) this.roomUnread = 0;
    else this.#unread.delete(this.view);
    this.#mentioned.delete(this.view ?? '');
  }

  /** What a reload brings back: the private conversations, and what is unread and mentions us in each. */
  get state(): ConversationsState {
    return { private: this.private, roomUnread: this.roomUnread, unread: Object.fromEntries(this.#unread), mentioned: [...this.#mentioned] };
  }

  /** Take up a kept state (one that does not read as one changes nothing), with anything already here. */
  restore(kept: unknown): void {
    if (!isState(kept)) return;
    for (const nick of kept.private) this.start(nick);
    this.roomUnread += kept.roomUnread;
    for (const [nick, count] of Object.entries(kept.unread)) this.#unread.set(nick, this.unread(nick) + count);
    for (const where of kept.mentioned) this.#mentioned.add(where);
  }

  /** A new room: no conversations but the room's. */
  clear(): void {
    this.view = undefined;
    this.private = [];
    this.roomUnread = 0;
    this.#unread.clear();
    this.#mentioned.clear();
  }
}
