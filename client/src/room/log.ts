import { Amendments, type ActRecord, type Conversation, type Reaction, type Refused } from './amend';
import type { Transfer } from './files';
import { mentionsIn } from './mentions';
import type { Provenance } from './history';
import { finished, mark, type Receipt } from './delivery';
import type { Standing } from './notices';

/** One line of the message log. Lines are replaced, never changed, so a line object renders once. */
export interface ChatLine {
  id: number;
  /** `warning`: about one person (their identity changed), shown in the room and in their conversation. */
  kind: 'public' | 'private' | 'notice' | 'file' | 'warning';
  /** Sender of a public, private or file line; the person a warning is about. */
  from?: string;
  /** The one recipient of a private line or file (you, when it was sent to you); none for the room. */
  to?: string;
  text: string;
  ts: number;
  /** Our private line sent from the room with /msg: shown in the room too, where it was typed. */
  echo?: boolean;
  /** Our own public and private messages: who has them so far. */
  receipt?: Receipt;
  /** A file line: one transfer per recipient, or the one coming to us. */
  transfers?: readonly Transfer[];
  /** A message of the room's history, said before we came: how we know it is its author's. */
  known?: Provenance;
  /** A line about how someone stands (their link, their coming and going): whom, and what it says. */
  about?: { nick: string; is: Standing['is'] | 'left'; via?: string };
  /** A message's identity, which replies and actions name: its author and id, and the person a private one is shared with. */
  ref?: { by: string; id: string; with?: string };
  /** The message this one replies to, with the start of its words as they read now (none when it is not held here, or was deleted). */
  re?: Reply;
  /** Its author changed its words since (the earlier words are gone), or deleted it (no words at all). */
  edited?: boolean;
  deleted?: boolean;
  /** Emoji under the message, with who reacted with each. */
  reactions?: readonly Reaction[];
  /** Whom its words mention ("@alice"), among the people who were in the room (and the reader). */
  mentions?: readonly string[];
}

/** A message's key among everyone's: its author and its id (ids are unique to their author only). */
export const messageKey = (by: string, id: string) => `${by}\n${id}`;

/** What the log tells whoever keeps it: a message (or file) line as it was added, or an action taken on one. */
export type Keepable = { kind: 'line'; line: Omit<ChatLine, 'id'> } | { kind: 'act'; conversation: Conversation; record: ActRecord };

export interface Reply {
  by: string;
  id: string;
  quote?: string;
  deleted?: boolean;
}

/** How much of a message a reply quotes. */
const QUOTE_LENGTH = 120;

const MAX_LINES = 2_000;

/**
 * The page's message log: the newest `MAX_LINES` lines, and which line shows each of our messages
 * still on its way, so receipts can be updated. Line ids grow for the page's whole life.
 */
export class Log {
  lines: readonly ChatLine[] = [];
  /** The room's history, said before we came in, as the people here gave it: shown above `lines`. */
  earlier: readonly ChatLine[] = [];
  /** Line ids below each room's first line are kept free for what was kept of it (`restore`). */
  #keptBase = 0;
  #lastId = MAX_LINES;
  /** Our messages still waiting for someone (to have them, or to see them), by message id: the line that shows them, oldest first. */
  readonly #receipts = new Map<string, number>();
  /** How far each person has seen our messages in a conversation (by line id), under `scope nick`. */
  readonly #seenUpTo = new Map<string, number>();
  /** Lines that tell how something stands while it goes on (a person's link, the server), by what they are about. */
  readonly #standing = new Map<string, number>();
  /** What became of messages since they were said: edits, deletions, reactions. */
  readonly #amendments = new Amendments();
  /** Who a message's words can mention: the room's people and the reader (the room says). */
  mentionable: () => Iterable<string> = () => [];
  /** Told of every message and file line added, and every action taken, to keep them (see `app/keeper.ts`). */
  keep: ((kept: Keepable) => void) | undefined;
  /** The last line brought back from what was kept (0: none): the room's history from the people here shows after it. */
  keptUntil = 0;
  /** Messages brought back from what was kept, by author and id: not shown again when they arrive anew. */
  readonly #restored = new Set<string>();
  readonly #changed: () => void;

  constructor(changed: () => void) {
    this.#changed = changed;
  }

  add(line: Omit<ChatLine, 'id'>): number {
    const id = ++this.#lastId;
    if (line.ref || line.kind === 'file') this.keep?.({ kind: 'line', line });
    this.lines = [...this.lines.slice(-(MAX_LINES - 1)), this.#amended({ id, ...line })];
    // Receipts of lines no longer held are not waited on.
    const first = this.lines[0]?.id ?? id;
    for (const [messageId, lineId] of this.#receipts) {
      if (lineId >= first) break;
      this.#receipts.delete(messageId);
    }
    this.#changed();
    return id;
  }

  /**
   * The room's history as merged so far, in place of what was shown of it before. A line that
   * reads as it did keeps its object, so it is not rendered again as more copies come in.
   */
  setEarlier(lines: readonly Omit<ChatLine, 'id'>[], acts: readonly ActRecord[] = []): void {
    for (const act of acts) this.#amendments.take(undefined, act);
    const before = new Map(this.earlier.map(({ id: _id, ...line }, index) => [JSON.stringify(line), this.earlier[index]]));
    const earlier: ChatLine[] = [];
    for (const line of lines) {
      const amended = this.#amended({ id: 0, ...line });
      const { id: _id, ...shown } = amended;
      const key = JSON.stringify(shown);
      const kept = before.get(key);
      // Each kept line once: two lines that read alike (the same words twice) are two lines.
      before.delete(key);
      earlier.push(kept ?? { ...amended, id: ++this.#lastId });
    }
    this.earlier = earlier;
    // Live replies to earlier messages quote them as they now read.
    this.lines = this.lines.map((line) => (line.re ? this.#amended(line) : line));
    this.#changed();
  }

  /**
   * An action on a message said in `conversation`: its line, and the lines that reply to it, show
   * what it did. `not-theirs` (nothing changes) for an edit or deletion of someone else's message.
   */
  act(conversation: Conversation, record: ActRecord): Refused | undefined {
    const refused = this.#amendments.take(conversation, record);
    if (refused) return refused;
    this.keep?.({ kind: 'act', conversation, record });
    const target = (line: ChatLine) => line.ref?.by === record.of.by && line.ref.id === record.of.id && line.ref.with === conversation;
    const reply = (line: ChatLine) => line.re?.by === record.of.by && line.re.id === record.of.id && line.ref?.with === conversation;
    const redraw = (touched: (line: ChatLine) => boolean) => {
      const again = (lines: readonly ChatLine[]) => (lines.some(touched) ? lines.map((line) => (touched(line) ? this.#amended(line) : line)) : lines);
      this.lines = again(this.lines);
      this.earlier = again(this.earlier);
    };
    // The message first, then what replies to it: a reply quotes the message as it now reads.
    redraw(target);
    redraw(reply);
    this.#changed();
    return undefined;
  }

  /**
   * What was kept of this room (for the tab, or on this device), shown first: its lines before
   * anything said since, its actions applied. Nothing of it is told to `keep` again.
   */
  restore(lines: readonly Omit<ChatLine, 'id'>[], acts: readonly { conversation: Conversation; record: ActRecord }[]): void {
    for (const { conversation, record } of acts) this.#amendments.take(conversation, record);
    // Kept lines take the ids kept free below this room's first line (see `clear`), in their order.
    // A message shown here already (it came again before what was kept was read) is not shown twice.
    const here = new Set(this.lines.flatMap((line) => (line.ref ? [messageKey(line.ref.by, line.ref.id)] : [])));
    const fresh = lines.filter((line) => !line.ref || !here.has(messageKey(line.ref.by, line.ref.id))).slice(-MAX_LINES);
    const restored = fresh.map((line, index) => this.#amended({ ...line, id: this.#keptBase + index + 1 }));
    for (const line of restored) if (line.ref) this.#restored.add(messageKey(line.ref.by, line.ref.id));
    this.lines = [...restored, ...this.lines].slice(-MAX_LINES);
    this.keptUntil = restored.at(-1)?.id ?? 0;
    this.#changed();
  }

  /** Whether message `id` of `by` was brought back from what was kept. */
  restored(by: string, id: string): boolean {
    return this.#restored.has(messageKey(by, id));
  }

  /** The line of message `ref` said in `conversation`, live or earlier, if it is held. */
  find(conversation: Conversation, ref: { by: string; id: string }): ChatLine | undefined {
    const is = (line: ChatLine) => line.ref?.by === ref.by && line.ref.id === ref.id && line.ref.with === conversation;
    return this.lines.findLast(is) ?? this.earlier.find(is);
  }

  /** `line` as its actions leave it, quoting what it replies to as that reads now. */
  #amended(line: ChatLine): ChatLine {
    const ref = line.ref;
    if (!ref) return line;
    let shown: ChatLine = line;
    const amended = this.#amendments.of(ref.with, ref);
    if (amended?.deleted) {
      const { edited: _edited, ...rest } = line;
      shown = { ...rest, text: '', deleted: true, reactions: [] };
    }
    else if (amended) shown = { ...line, ...(amended.text === undefined ? {} : { text: amended.text, edited: true }), reactions: amended.reactions };
    const mentions = shown.deleted ? [] : mentionsIn(shown.text, this.mentionable());
    if (mentions.length > 0) shown = { ...shown, mentions };
    else if (shown.mentions) {
      const { mentions: _gone, ...rest } = shown;
      shown = rest;
    }
    if (line.re) {
      const target = this.find(ref.with, line.re);
      const { by, id } = line.re;
      shown = { ...shown, re: target?.deleted ? { by, id, deleted: true } : target ? { by, id, quote: target.text.slice(0, QUOTE_LENGTH) } : { by, id } };
    }
    return shown;
  }

  /**
   * Tell how `key` stands (a person's link, the signaling server): its line is changed in place
   * while the story goes on, so an incident is one line however often it changes.
   */
  put(key: string, line: Omit<ChatLine, 'id'>): void {
    const id = this.#standing.get(key);
    const index = id === undefined ? -1 : this.lines.findLastIndex((each) => each.id === id);
    if (id === undefined || index < 0) {
      this.#standing.set(key, this.add(line));
      return;
    }
    this.lines = this.lines.with(index, { id, ...line });
    this.#changed();
  }

  /** The story of `key` is over: its line stays as it reads, and what comes next is a new line. */
  settle(key: string): void {
    this.#standing.delete(key);
  }

  /** A line from the app itself (not from a person). */
  notice(text: string): void {
    this.add({ kind: 'notice', text, ts: Date.now() });
  }

  /** Show our message `messageId` with its receipt, to be updated as it travels. */
  post(messageId: string, line: Omit<ChatLine, 'id'> & { receipt: Receipt }): void {
    this.#receipts.set(messageId, this.add(line));
  }

  /** Replace the line of our message `messageId` with one whose receipt `change` updated. */
  updateReceipt(messageId: string, change: (receipt: Receipt) => Receipt): void {
    const lineId = this.#receipts.get(messageId);
    const index = lineId === undefined ? -1 : this.#indexOf(lineId);
    const line = this.lines[index];
    if (!line?.receipt) {
      this.#receipts.delete(messageId);
      return;
    }
    const receipt = change(line.receipt);
    if (receipt === line.receipt) return;
    this.lines = this.lines.with(index, { ...line, receipt });
    if (finished(receipt)) this.#receipts.delete(messageId);
    this.#changed();
  }

  /**
   * `nick`'s page showed our messages to the room (or to them privately) up to message `id`: each
   * of them addressed to `nick` counts as seen by them. A message not ours, not in that
   * conversation or not held changes nothing.
   */
  seenBy(nick: string, scope: 'room' | 'private', id: string): void {
    const lineId = this.#receipts.get(id);
    const key = `${scope} ${nick}`;
    if (lineId === undefined || lineId <= (this.#seenUpTo.get(key) ?? 0)) return;
    const inConversation = (line: ChatLine) => (scope === 'room' ? line.kind === 'public' : line.kind === 'private' && line.to === nick);
    const target = this.lines[this.#indexOf(lineId)];
    if (!target || !inConversation(target)) return;
    this.#seenUpTo.set(key, lineId);
    let changed: ChatLine[] | undefined;
    for (const [messageId, each] of this.#receipts) {
      if (each > lineId) break;
      const index = this.#indexOf(each);
      const line = this.lines[index];
      if (!line?.receipt || !inConversation(line) || !line.receipt.to.includes(nick)) continue;
      const receipt = mark(line.receipt, 'seen', nick);
      if (receipt === line.receipt) continue;
      (changed ??= [...this.lines])[index] = { ...line, receipt };
      if (finished(receipt)) this.#receipts.delete(messageId);
    }
    if (!changed) return;
    this.lines = changed;
    this.#changed();
  }

  /** Where the line with id `lineId` is in `lines` (kept in the order of their ids), or -1. */
  #indexOf(lineId: number): number {
    let low = 0;
    let high = this.lines.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const id = this.lines[middle]?.id ?? 0;
      if (id === lineId) return middle;
      if (id < lineId) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** A new room: its log starts empty. */
  clear(): void {
    this.#keptBase = this.#lastId;
    this.#lastId += MAX_LINES;
    this.keptUntil = 0;
    this.#restored.clear();
    this.lines = [];
    this.earlier = [];
    this.#receipts.clear();
    this.#seenUpTo.clear();
    this.#standing.clear();
    this.#amendments.clear();
  }
}
