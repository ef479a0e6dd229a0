import { OUTBOX_MAX_MESSAGES, sequenced, type Said } from '@meshchat/protocol';

/** A message or an action before it is numbered for one recipient (each kind keeps its own fields). */
export type Unsequenced = Said extends infer Each ? (Each extends Said ? Omit<Each, 'seq'> : never) : never;

/**
 * What we wrote to one peer and it has not acknowledged, in the order written. Each message gets
 * the next sequence number of this stream; the peer acknowledges cumulatively (`ack` of n covers
 * every message up to n), which holds because a link is reliable and ordered, and a new link
 * re-sends everything pending, oldest first, before anything new.
 */
export class Outbox {
  #next = 1;
  #pending: Said[] = [];

  constructor(readonly capacity = OUTBOX_MAX_MESSAGES) {}

  /** Queue a message; `undefined` when the outbox is full and the message was not taken. */
  add(message: Unsequenced): Said | undefined {
    if (this.#pending.length >= this.capacity) return undefined;
    const copy = sequenced(message, this.#next++) as Said;
    this.#pending.push(copy);
    return copy;
  }

  /** The peer has everything up to `seq`: forget those messages and return them. */
  ack(seq: number): Said[] {
    const count = this.#pending.findIndex((message) => message.seq > seq);
    return this.#pending.splice(0, count === -1 ? this.#pending.length : count);
  }

  /** Messages still waiting for the peer's acknowledgement, oldest first. */
  get pending(): readonly Said[] {
    return this.#pending;
  }
}

/**
 * What one sender's messages we have already shown, by message id, so a message re-sent after a
 * link came back is acknowledged again but shown once. Remembers the most recent `capacity` ids:
 * far more than a sender can have unacknowledged. (Back-fill keeps one for the whole room, so the
 * history it is given does not show again what was shown live.)
 */
export class Inbox {
  readonly #seen = new Set<string>();

  constructor(readonly capacity = OUTBOX_MAX_MESSAGES * 8) {}

  has(id: string): boolean {
    return this.#seen.has(id);
  }

  /** `true` the first time an id arrives, `false` for a duplicate. */
  accept(id: string): boolean {
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    if (this.#seen.size > this.capacity) {
      const oldest = this.#seen.values().next();
      if (!oldest.done) this.#seen.delete(oldest.value);
    }
    return true;
  }
}

/** Who a message of ours was for, and how far it got with each of them. */
export interface Receipt {
  /** Everyone it was addressed to when it was written. */
  readonly to: readonly string[];
  /** Those whose link it has gone out on (at least once). */
  readonly sent: readonly string[];
  /** Those who acknowledged it. */
  readonly delivered: readonly string[];
  /** Those who left the room before acknowledging it. */
  readonly lost: readonly string[];
  /** Those whose page showed it while they were looking (those who allow saying so). */
  readonly seen?: readonly string[];
}

export type ReceiptState = 'queued' | 'sent' | 'delivered' | 'partial';

/**
 * ✓ once it went out to everyone still here, ✓✓ once each of them has it; `queued` while some link
 * is down, `partial` when someone left without it.
 */
export function receiptState(receipt: Receipt): ReceiptState {
  const waiting = receipt.to.filter((nick) => !receipt.lost.includes(nick));
  if (waiting.every((nick) => receipt.delivered.includes(nick))) return receipt.lost.length > 0 ? 'partial' : 'delivered';
  return waiting.every((nick) => receipt.sent.includes(nick)) ? 'sent' : 'queued';
}

/** A copy of `receipt` with `nick` added to one of its lists. */
export function mark(receipt: Receipt, list: 'sent' | 'delivered' | 'lost' | 'seen', nick: string): Receipt {
  const names = receipt[list] ?? [];
  return names.includes(nick) ? receipt : { ...receipt, [list]: [...names, nick] };
}

/** Whether nothing more can change about `receipt`: everyone has it, or left without it, and has seen it. */
export function finished(receipt: Receipt): boolean {
  const state = receiptState(receipt);
  if (state !== 'delivered' && state !== 'partial') return false;
  return receipt.to.every((nick) => receipt.lost.includes(nick) || receipt.seen?.includes(nick));
}

/** At most one acknowledgement to a person per this long, unless this many messages wait for one. */
export const ACK_EVERY_MS = 50;
export const ACK_EVERY_MESSAGES = 16;

/**
 * When our acknowledgements to one person go out. Acknowledgements are cumulative, so one for the
 * newest message covers every earlier one: the first after a quiet spell goes at once (an idle
 * room sees ✓✓ as fast as the link allows), and during a burst they are coalesced into one every
 * `ACK_EVERY_MS` or every `ACK_EVERY_MESSAGES`, whichever comes first: a busy room sends a fraction
 * of the frames, and its senders re-render receipts a fraction as often.
 */
export class Acks {
  #due: number | undefined;
  #count = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #sentAt = -Infinity;

  constructor(
    private readonly send: (seq: number) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Message `seq` arrived: acknowledge it now or with the next ones. */
  add(seq: number): void {
    this.#due = Math.max(this.#due ?? 0, seq);
    this.#count += 1;
    const wait = this.#sentAt + ACK_EVERY_MS - this.now();
    if (wait <= 0 || this.#count >= ACK_EVERY_MESSAGES) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), wait);
  }

  /** Nothing more goes out (they left, or we did); what was due is dropped. */
  dispose(): void {
    this.#clearTimer();
    this.#due = undefined;
    this.#count = 0;
  }

  #flush(): void {
    this.#clearTimer();
    const seq = this.#due;
    if (seq === undefined) return;
    this.#due = undefined;
    this.#count = 0;
    this.#sentAt = this.now();
    this.send(seq);
  }

  #clearTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
