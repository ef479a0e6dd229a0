import type { Signature, Said } from '@meshchat/protocol';
import type { Link } from '../net';
import { Acks, Inbox, Outbox, type Unsequenced } from './delivery';

/**
 * A backlog (messages that waited for a link, with their signatures) goes out at most this many
 * frames at a time, every this often: well within what every receiver accepts from one person
 * (`INBOUND_RATES.frame`).
 */
const FLUSH_SLICE = 50;
const FLUSH_SLICE_MS = 1_000;

/** What a person's mailbox needs from their `Peer`. */
export interface MailboxHooks {
  /** The link what we say to them goes on now (ours, or a relayed one), if any. */
  path(): Link | undefined;
  /** Whether we may speak to them (in a private room: they proved the secret). */
  trusted(): boolean;
  /** Whether nothing is acknowledged for now (the page is being left). */
  holdingAcks(): boolean;
  receipt(messageId: string, list: 'sent' | 'delivered' | 'lost'): void;
  /** A message of theirs, new: show it. */
  show(message: Said): void;
}

/**
 * What goes between us and one person, message by message: our outbox (numbered for them) and the
 * signatures that follow our room messages, what each link has carried and brought, their inbox
 * (each message shown once) and the acknowledgements we owe them.
 */
export class Mailbox {
  readonly #hooks: MailboxHooks;
  readonly #outbox = new Outbox();
  /** Signatures of our room messages they have not acknowledged yet, by message id. */
  readonly #signatures = new Map<string, Signature>();
  readonly #inbox = new Inbox();
  readonly #acks: Acks;
  /** The highest sequence number each link has carried, so a link sends each pending message once. */
  readonly #flushed = new WeakMap<Link, number>();
  /** The highest sequence number each link has brought us, acknowledged again when the link opens. */
  readonly #received = new WeakMap<Link, number>();
  #flushLater: ReturnType<typeof setTimeout> | undefined;

  constructor(hooks: MailboxHooks) {
    this.#hooks = hooks;
    this.#acks = new Acks((seq) => {
      const link = hooks.path();
      if (link?.open && !hooks.holdingAcks()) link.send({ type: 'ack', seq });
    });
  }

  /** Our messages they have not acknowledged yet. */
  get unacknowledged(): number {
    return this.#outbox.pending.length;
  }

  /** Queue a message for them (`flush` sends it); `false` when their outbox is full. */
  queue(message: Unsequenced): boolean {
    return this.#outbox.add(message) !== undefined;
  }

  /**
   * The signature of our room message, made after it went: sent at once if the message has gone on
   * the link we use now (or they have it), else right behind it when it goes; and again with it if
   * it goes again, until they acknowledge it.
   */
  vouch(signature: Signature): void {
    const pending = this.#outbox.pending.find((message) => message.id === signature.id);
    const link = this.#hooks.path();
    if (pending) this.#signatures.set(signature.id, signature);
    const gone = !pending || (link !== undefined && pending.seq <= (this.#flushed.get(link) ?? 0));
    if (gone && link?.open && this.#hooks.trusted()) link.send(signature);
  }

  /** Send whatever is pending that the current link has not carried yet, oldest first. */
  flush(): void {
    const link = this.#hooks.path();
    if (!link?.open || !this.#hooks.trusted() || this.#flushLater !== undefined) return;
    let flushed = this.#flushed.get(link) ?? 0;
    let sent = 0;
    for (const message of this.#outbox.pending) {
      if (message.seq <= flushed) continue;
      // A long backlog goes out in slices, within the receiver's inbound budget for one person.
      if (sent >= FLUSH_SLICE) {
        this.#flushLater = setTimeout(() => {
          this.#flushLater = undefined;
          this.flush();
        }, FLUSH_SLICE_MS);
        break;
      }
      if (!link.send(message)) break;
      const signature = this.#signatures.get(message.id);
      if (signature) link.send(signature);
      sent += signature ? 2 : 1;
      flushed = message.seq;
      this.#hooks.receipt(message.id, 'sent');
    }
    this.#flushed.set(link, flushed);
  }

  /** They have everything up to `seq`. */
  acked(seq: number): void {
    for (const message of this.#outbox.ack(seq)) {
      this.#signatures.delete(message.id);
      this.#hooks.receipt(message.id, 'delivered');
    }
  }

  /** A message of theirs came on `link`: counted for it (to acknowledge again when it opens). */
  brought(link: Link, message: Said): void {
    this.#received.set(link, Math.max(this.#received.get(link) ?? 0, message.seq));
  }

  /** Show a message once, however often it arrives, and acknowledge it every time. */
  show(message: Said): void {
    const fresh = this.#inbox.accept(message.id);
    this.#acks.add(message.seq);
    if (fresh) this.#hooks.show(message);
  }

  /**
   * Messages can arrive on a link before it counts as open here, and their acknowledgements then
   * had no open link to go on: the sender, whose link did carry them, would never send them again
   * and their receipts would stay at ✓ for good. So when a link opens, acknowledge everything it
   * has brought so far, cumulatively (sound: a link is ordered, and a sender re-sends oldest first).
   */
  reacknowledge(): void {
    const link = this.#hooks.path();
    const seq = link && this.#received.get(link);
    if (seq !== undefined && this.#hooks.trusted()) this.#acks.add(seq);
  }

  /** Nothing more will reach them: what waits for them is marked lost. Returns how many. */
  dropOutbox(): number {
    const pending = this.#outbox.ack(Infinity);
    this.#signatures.clear();
    for (const message of pending) this.#hooks.receipt(message.id, 'lost');
    return pending.length;
  }

  /** No timer runs on. */
  dispose(): void {
    clearTimeout(this.#flushLater);
    this.#flushLater = undefined;
    this.#acks.dispose();
  }
}
