import type { MessageRef } from '@meshchat/protocol';
import { parseCommand, type ChatLine, type Command, type Conversations, type Room } from '../room';

/** What the composer's next words are: a reply to a message, or its author's new words for it. */
export type Draft = { kind: 'reply'; line: ChatLine & { ref: MessageRef } } | { kind: 'edit'; line: ChatLine & { ref: MessageRef } };

/** What composing needs of the session. */
export interface ComposingHooks {
  room(): Room | undefined;
  readonly conversations: Conversations;
  me(): string;
  /** Every line of the log, oldest first: Arrow Up finds our last message among them. */
  lines(): readonly ChatLine[];
  leave(): void;
  /** A command answered in words (`/users`, `/help`, a mistake). */
  answer(command: Command): void;
  changed(): void;
}

/** The conversation a message was said in: the room (`undefined`), or the private one with a person. */
const conversationOf = (line: ChatLine) => line.ref?.with;

/**
 * What the composer does: a line typed becomes a message to the conversation on screen (a reply, if
 * one is being written), a slash command, or an edit; what is typed tells the others we are typing;
 * and the actions on one message (reply, react, edit, delete) start here.
 */
export class Composing {
  /** A reply or an edit under way, shown above the composer until sent or cancelled. */
  draft: Draft | undefined;
  readonly #hooks: ComposingHooks;

  constructor(hooks: ComposingHooks) {
    this.#hooks = hooks;
  }

  /** Handle one line from the composer: an edit under way, a message to the conversation on screen, or a slash command. */
  submit(input: string): void {
    const room = this.#hooks.room();
    if (!room) return;
    const draft = this.draft;
    if (draft?.kind === 'edit') {
      const text = input.trim();
      // An edit to nothing is no edit: deleting is its own action, asked for by name.
      if (text !== '' && text !== draft.line.text) void room.speech.act(conversationOf(draft.line), 'edit', draft.line.ref, text);
      this.cancel();
      return;
    }
    const { conversations } = this.#hooks;
    const view = conversations.view;
    const command = parseCommand(input, room.nicks);
    const re = draft?.kind === 'reply' && conversationOf(draft.line) === view ? draft.line.ref : undefined;
    switch (command.kind) {
      case 'say':
        if (!command.text) break;
        if (view === undefined) void room.speech.toAll(command.text, re);
        else if (room.speech.to(view, command.text, false, re)) conversations.replied(view);
        this.cancel();
        break;
      case 'msg':
        if (room.speech.to(command.to, command.text, true)) conversations.replied(command.to);
        break;
      case 'quit':
        this.#hooks.leave();
        break;
      default:
        this.#hooks.answer(command);
    }
    room.sent();
  }

  /** The composer holds `draft`: tell whoever it is for that we are typing, at most once a second. */
  typed(draft: string): void {
    const room = this.#hooks.room();
    if (!room || draft.trim() === '' || this.draft?.kind === 'edit') return;
    // A draft may not have its text yet ("/msg bob "): stand in a word for it, to learn who it is for.
    const command = parseCommand(draft.replace(/\s*$/, ' x'), room.nicks);
    if (command.kind === 'msg') room.typed(command.to);
    else if (command.kind === 'say') room.typed(this.#hooks.conversations.view);
  }

  /** Who is typing in the conversation on screen (or in `view`). */
  typers(view: string | undefined = this.#hooks.conversations.view): string[] {
    return this.#hooks.room()?.typers(view) ?? [];
  }

  /** Reply to the message of `line`: the composer says so until the reply is sent or cancelled. */
  reply(line: ChatLine): void {
    if (!line.ref || line.deleted) return;
    this.draft = { kind: 'reply', line: { ...line, ref: line.ref } };
    this.#hooks.changed();
  }

  /** Edit our own message of `line`: the composer holds its words until the new ones are sent. */
  edit(line: ChatLine): void {
    if (!line.ref || line.ref.by !== this.#hooks.me() || line.deleted) return;
    this.draft = { kind: 'edit', line: { ...line, ref: line.ref } };
    this.#hooks.changed();
  }

  /** Edit our last message in the conversation on screen (Arrow Up in an empty composer); `false` when there is none. */
  editLast(): boolean {
    const view = this.#hooks.conversations.view;
    const me = this.#hooks.me();
    const last = this.#hooks.lines().findLast((line) => line.ref?.by === me && !line.deleted && !line.echo && conversationOf(line) === view);
    if (!last) return false;
    this.edit(last);
    return true;
  }

  /** Leave the reply or edit under way. */
  cancel(): void {
    if (this.draft === undefined) return;
    this.draft = undefined;
    this.#hooks.changed();
  }

  /** React to the message of `line` with `emoji`, or take our reaction back if we had it. */
  react(line: ChatLine, emoji: string): void {
    if (!line.ref || line.deleted) return;
    const mine = line.reactions?.some((reaction) => reaction.emoji === emoji && reaction.by.includes(this.#hooks.me()));
    void this.#hooks.room()?.speech.act(conversationOf(line), mine ? 'unreact' : 'react', line.ref, emoji);
  }

  /** Delete our own message of `line`: everyone sees that it was deleted, and nobody keeps its words. */
  remove(line: ChatLine): void {
    if (!line.ref || line.ref.by !== this.#hooks.me() || line.deleted) return;
    if (this.draft?.line.ref.id === line.ref.id) this.draft = undefined;
    void this.#hooks.room()?.speech.act(conversationOf(line), 'delete', line.ref);
  }
}
