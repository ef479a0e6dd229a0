import { CLOCK_AHEAD_MS, actProblem, type Action, type ActMessage, type MessageRef, type Said, type TextMessage } from '@meshchat/protocol';
import type { Conversation } from './amend';
import type { BackFill } from './back-fill';
import { mentionsIn } from './mentions';
import type { Unsequenced } from './delivery';
import type { ChatLine, Log } from './log';
import type { Arrival, Notice } from './notices';
import type { Peer } from './peer';

/**
 * A message's time is its sender's clock: believed within `CLOCK_AHEAD_MS` ahead of ours (clocks
 * drift) and this far back (a message may wait for a link), else shown with the time it arrived.
 */
const TS_BEHIND_MS = 7 * 24 * 3600_000;

/** When a message said at `ts` (its sender's clock) is shown as said: then, or when it came if that clock is not to be believed. */
function shownTime(ts: number): number {
  const now = Date.now();
  return ts > now + CLOCK_AHEAD_MS || ts < now - TS_BEHIND_MS ? now : ts;
}

/** What saying and hearing messages needs from the room. */
export interface SpeechHooks {
  me: string;
  log: Log;
  history: BackFill;
  /** Who a message to the room is for. */
  audience(): Peer[];
  peer(nick: string): Peer | undefined;
  tell(notice: Notice): void;
  /** Someone else's message was shown. */
  arrived(arrival: Arrival): void;
  /** A message ends its sender's typing notice where it was said. */
  stoppedTyping(nick: string, scope?: 'room' | 'private'): void;
  /** A warning about `nick`, where their messages show. */
  warn(nick: string, notice: Notice): void;
  /** A frame of theirs that parsed but means nothing (an action without what it needs) was dropped. */
  dropped(): void;
}

/** What a message replies to, as a frame names it. */
const refOf = (re: MessageRef | undefined) => (re ? { re: { by: re.by, id: re.id } } : {});

/** What is said in the room: our messages out (to everyone or one person, with receipts), and theirs onto the log. */
export class Speech {
  readonly #hooks: SpeechHooks;

  constructor(hooks: SpeechHooks) {
    this.#hooks = hooks;
  }

  /**
   * A message to everyone here: shown and sent at once; its signature (for the room's history)
   * follows it to each recipient once made. Resolves when the signature has gone (or there is none).
   */
  async toAll(text: string, re?: MessageRef): Promise<void> {
    const { me, log, history } = this.#hooks;
    const message: Unsequenced = { type: 'chat', id: crypto.randomUUID(), ts: Date.now(), text, ...refOf(re) };
    // Signed in the order written: the chain follows what we said.
    const signing = history.sign(message);
    const line = { kind: 'public', from: me, text, ts: message.ts, ref: { by: me, id: message.id }, ...refOf(re) } as const;
    const to = this.#hooks.audience();
    if (to.length === 0) {
      log.add(line);
      this.#hooks.tell({ type: 'nobody-connected' });
    }
    const taken = to.length > 0 ? this.#post(message, to, line) : [];
    const signed = await signing;
    if (!signed) return;
    for (const peer of taken) peer.mail.vouch({ type: 'signed', id: message.id, ...signed });
  }

  /** A private message to `to` (`echo`: typed in the room, and shown there too); `false` when it could not even be queued. */
  to(to: string, text: string, echo = false, re?: MessageRef): boolean {
    const peer = this.#hooks.peer(to);
    if (peer?.view.verification === 'failed') {
      this.#hooks.tell({ type: 'private-unverified', to, text });
      return false;
    }
    if (!peer) {
      this.#hooks.tell({ type: 'private-gone', to, text });
      return false;
    }
    const me = this.#hooks.me;
    const message: Unsequenced = { type: 'private', id: crypto.randomUUID(), ts: Date.now(), text, ...refOf(re) };
    this.#post(message, [peer], { kind: 'private', from: me, to, text, ts: message.ts, ref: { by: me, id: message.id, with: to }, ...refOf(re), ...(echo ? { echo } : {}) });
    return true;
  }

  /**
   * Act on a message said in `conversation` (the room, or the private one with a person): applied
   * here at once and sent to whoever shares the conversation; to the room, signed into our chain.
   * `false` when nobody could be told (the person of a private conversation left).
   */
  async act(conversation: Conversation, act: Action, of: MessageRef, text?: string): Promise<boolean> {
    const { me, log, history } = this.#hooks;
    const message = { type: 'act', id: crypto.randomUUID(), ts: Date.now(), scope: conversation === undefined ? 'room' : 'private', act, of: { by: of.by, id: of.id }, ...(text === undefined ? {} : { text }) } as const;
    const peer = conversation === undefined ? undefined : this.#hooks.peer(conversation);
    if (conversation !== undefined && (!peer || peer.view.verification === 'failed')) return false;
    if (log.act(conversation, { ...message, by: me })) return false;
    const to = peer ? [peer] : this.#hooks.audience();
    const signing = conversation === undefined ? history.sign(message) : undefined;
    const taken = to.filter((each) => each.mail.queue(message));
    for (const each of taken) each.mail.flush();
    const signed = await signing;
    if (signed) for (const each of taken) each.mail.vouch({ type: 'signed', id: message.id, ...signed });
    return true;
  }

  /** `peer`'s message or action, taken once: onto the log (and, said to the room, into its history). */
  heard(peer: Peer, message: Said): void {
    if (message.type === 'act') {
      this.#heardAct(peer, message);
      return;
    }
    this.#heardMessage(peer, message);
  }

  #heardMessage(peer: Peer, message: TextMessage): void {
    // Shown before this page was reloaded, and kept: sent again only because it was not acknowledged.
    if (this.#hooks.log.restored(peer.nick, message.id)) return;
    const isPrivate = message.type === 'private';
    if (message.type === 'chat') this.#hooks.history.heard(peer, message);
    this.#hooks.log.add({
      kind: isPrivate ? 'private' : 'public',
      from: peer.nick,
      ...(isPrivate ? { to: this.#hooks.me } : {}),
      text: message.text,
      ts: shownTime(message.ts),
      ref: { by: peer.nick, id: message.id, ...(isPrivate ? { with: peer.nick } : {}) },
      ...refOf(message.re),
    });
    this.#hooks.stoppedTyping(peer.nick, isPrivate ? 'private' : 'room');
    const mentioned = mentionsIn(message.text, [this.#hooks.me]).length > 0;
    this.#hooks.arrived({ from: peer.nick, private: isPrivate, text: message.text, file: false, ...(mentioned ? { mentioned } : {}) });
  }

  /**
   * An action of `peer`'s: on a message of the room, or of our private conversation with them. One
   * that lacks what it needs is dropped; an edit or deletion of someone else's message is refused
   * and said, where their messages show.
   */
  #heardAct(peer: Peer, message: ActMessage): void {
    if (actProblem(message.act, message.text) !== undefined) {
      this.#hooks.dropped();
      return;
    }
    const conversation = message.scope === 'private' ? peer.nick : undefined;
    const { act, of, text, id } = message;
    const refused = this.#hooks.log.act(conversation, { by: peer.nick, act, of, text, ts: message.ts, id });
    if (refused) this.#hooks.warn(peer.nick, { type: 'act-not-theirs', nick: peer.nick, of: of.by });
    // Kept for people who come later only if it was theirs to take.
    else if (conversation === undefined) this.#hooks.history.heard(peer, message);
  }

  /** Queue a message for each recipient, show it with its receipt, then send it on every open link. Returns who took it. */
  #post(message: Unsequenced, to: readonly Peer[], line: Omit<ChatLine, 'id'>): Peer[] {
    const taken = to.filter((peer) => peer.mail.queue(message));
    for (const peer of to.filter((peer) => !taken.includes(peer))) this.#hooks.tell({ type: 'outbox-full', nick: peer.nick });
    if (taken.length === 0) return taken;
    this.#hooks.log.post(message.id, { ...line, receipt: { to: taken.map(({ nick }) => nick), sent: [], delivered: [], lost: [] } });
    for (const peer of taken) peer.mail.flush();
    return taken;
  }
}
