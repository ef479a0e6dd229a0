import { MAX_REACTIONS_PER_PERSON, type Action, type MessageRef } from '@meshchat/protocol';

/**
 * What became of messages after they were said: their authors' edits and deletions, and everyone's
 * reactions. Actions may come before the message they act on (a reaction from one person, the
 * message from another; history merged late), so they are kept by what they act on, and a line is
 * shown as its actions say whenever it is drawn. Pure.
 */

/** Where a message was said: the room (`undefined`), or the private conversation with a person. */
export type Conversation = string | undefined;

/** One action, as its author took it. */
export interface ActRecord {
  by: string;
  act: Action;
  of: MessageRef;
  /** An edit's new words, or a reaction's emoji. */
  text?: string | undefined;
  ts: number;
  id: string;
}

/** One emoji under a message, and who reacted with it (in the order they did). */
export interface Reaction {
  emoji: string;
  by: readonly string[];
}

/** A message as its actions leave it. */
export interface Amended {
  /** Its latest words, if its author edited it. */
  text?: string;
  deleted: boolean;
  reactions: readonly Reaction[];
}

/** Why an action is not applied: editing or deleting a message that is not one's own. */
export type Refused = 'not-theirs';

/** Messages acted on that are remembered, at most: the oldest go first (more than a log holds). */
const MAX_TARGETS = 5_000;

const keyOf = (conversation: Conversation, ref: MessageRef) => `${conversation ?? ''}\n${ref.by}\n${ref.id}`;
/** Later wins: by the author's clock, then by id, so every page settles on the same one whatever the order of arrival. */
const later = (a: { ts: number; id: string }, b: { ts: number; id: string }) => a.ts > b.ts || (a.ts === b.ts && a.id > b.id);

interface Target {
  edit?: { text: string; ts: number; id: string };
  deleted: boolean;
  /** By person, by emoji: whether they react with it now, as of their latest action. */
  reactions: Map<string, Map<string, { on: boolean; ts: number; id: string }>>;
  /** When each emoji was first reacted with: chips keep their places as people come and go. */
  firstUsed: Map<string, number>;
}

export class Amendments {
  readonly #targets = new Map<string, Target>();

  /** Take an action said in `conversation`; `not-theirs` for an edit or deletion of someone else's message (never applied). */
  take(conversation: Conversation, record: ActRecord): Refused | undefined {
    if ((record.act === 'edit' || record.act === 'delete') && record.of.by !== record.by) return 'not-theirs';
    const key = keyOf(conversation, record.of);
    let target = this.#targets.get(key);
    if (!target) {
      target = { deleted: false, reactions: new Map(), firstUsed: new Map() };
      this.#targets.set(key, target);
      if (this.#targets.size > MAX_TARGETS) this.#targets.delete(this.#targets.keys().next().value ?? '');
    }
    const { act, text, ts, id } = record;
    if (act === 'delete') {
      target.deleted = true;
      delete target.edit;
    } else if (act === 'edit' && text !== undefined && !target.deleted) {
      if (!target.edit || later(record, target.edit)) target.edit = { text, ts, id };
    } else if ((act === 'react' || act === 'unreact') && text !== undefined) {
      const mine = target.reactions.get(record.by) ?? new Map<string, { on: boolean; ts: number; id: string }>();
      const before = mine.get(text);
      if (before && !later(record, before)) return undefined;
      const on = act === 'react';
      // One person's reactions on one message are bounded: past the bound, a new one is not taken.
      if (on && !before?.on && [...mine.values()].filter((each) => each.on).length >= MAX_REACTIONS_PER_PERSON) return undefined;
      mine.set(text, { on, ts, id });
      target.reactions.set(record.by, mine);
      if (on) target.firstUsed.set(text, Math.min(ts, target.firstUsed.get(text) ?? Infinity));
    }
    return undefined;
  }

  /** What became of the message `ref` said in `conversation`, if anything did. */
  of(conversation: Conversation, ref: MessageRef): Amended | undefined {
    const target = this.#targets.get(keyOf(conversation, ref));
    if (!target) return undefined;
    const byEmoji = new Map<string, { by: string; ts: number }[]>();
    for (const [person, emoji] of target.reactions) {
      for (const [each, { on, ts }] of emoji) if (on) byEmoji.set(each, [...(byEmoji.get(each) ?? []), { by: person, ts }]);
    }
    // Chips in the order each emoji was first used; people in the order they reacted.
    const first = (emoji: string) => target.firstUsed.get(emoji) ?? 0;
    const reactions = [...byEmoji]
      .sort(([a], [b]) => first(a) - first(b) || (a < b ? -1 : 1))
      .map(([emoji, people]) => ({ emoji, by: people.sort((a, b) => a.ts - b.ts).map(({ by }) => by) }));
    return { ...(target.edit && !target.deleted ? { text: target.edit.text } : {}), deleted: target.deleted, reactions };
  }

  clear(): void {
    this.#targets.clear();
  }
}
