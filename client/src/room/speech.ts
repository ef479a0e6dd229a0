import { CLOCK_AHEAD_MS, type TextMessage } from '@meshchat/protocol';
import type { BackFill } from './back-fill';
import type { Unsequenced } from './delivery';
import type { ChatLine, Log } from './log';
import type { Arrival, Notice } from './notices';
import type { Peer } from './peer';

/**
 * A message's time is its sender's clock: believed within `CLOCK_AHEAD_MS` ahead of ours (clocks
 * drift) and this far back (a message may wait for a link), else shown with the time it arrived.
 */
const TS_BEHIND_MS = 7 * 24 * 3600_000;

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
}

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
  async toAll(text: string): Promise<void> {
    const { me, log, history } = this.#hooks;
    const message: Unsequenced = { type: 'chat', id: crypto.randomUUID(), ts: Date.now(), text };
    // Signed in the order written: the chain follows what we said.
    const signing = history.sign(message);
    const line = { kind: 'public', from: me, text, ts: message.ts } as const;
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
  to(to: string, text: string, echo = false): boolean {
    const peer = this.#hooks.peer(to);
    if (peer?.view.verification === 'failed') {
      this.#hooks.tell({ type: 'private-unverified', to, text });
      return false;
    }
    if (!peer) {
      this.#hooks.tell({ type: 'private-gone', to, text });
      return false;
    }
    const message: Unsequenced = { type: 'private', id: crypto.randomUUID(), ts: Date.now(), text };
    this.#post(message, [peer], { kind: 'private', from: this.#hooks.me, to, text, ts: message.ts, ...(echo ? { echo } : {}) });
    return true;
  }

  /** `peer`'s message, shown once: onto the log (and, said to the room, into its history). */
  heard(peer: Peer, message: TextMessage): void {
    const isPrivate = message.type === 'private';
    if (message.type === 'chat') this.#hooks.history.heard(peer, message);
    const now = Date.now();
    this.#hooks.log.add({
      kind: isPrivate ? 'private' : 'public',
      from: peer.nick,
      ...(isPrivate ? { to: this.#hooks.me } : {}),
      text: message.text,
      ts: message.ts > now + CLOCK_AHEAD_MS || message.ts < now - TS_BEHIND_MS ? now : message.ts,
    });
    this.#hooks.stoppedTyping(peer.nick, isPrivate ? 'private' : 'room');
    this.#hooks.arrived({ from: peer.nick, private: isPrivate, text: message.text, file: false });
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
