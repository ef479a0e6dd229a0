import {
  CLOCK_AHEAD_MS,
  HISTORY_CHUNK_RECORDS,
  HISTORY_MAX_COUNT,
  type Chained,
  MAX_RELAYING_FRAME_BYTES,
  type HistoryRecord,
  type PeerMessage,
  type Signature,
  type SigningAlgorithm,
  type Said,
} from '@meshchat/protocol';
import type { Link } from '../net';
import { Inbox } from './delivery';
import { Archive, merge, type Copy, type Earlier, type HistoryLimits } from './history';
import { messageKey as said, type ChatLine } from './log';
import type { Notice } from './notices';
import type { ActRecord } from './amend';
import { Signer, digestOf, messageHash, signableOf, signedBytes, verifySignature, type Body } from './signing';

/** How far a key's chain in a room has come: its last number and that message's hash. */
export interface ChainState {
  key: string;
  n: number;
  prev: string;
}

/** A member's signing key pair, made for the tab and kept across its reloads. */
export interface SigningKeys {
  alg: SigningAlgorithm;
  /** The public key, raw, base64url. */
  key: string;
  privateKey: CryptoKey;
}

export interface HistoryOptions {
  /** The room as the server knows it: what each message is signed as said in. */
  room: string;
  /** Whether this room's members give its recent history to people who join later (the invite link says). */
  shared: boolean;
  limits: HistoryLimits;
  /** Whether we let our own messages be kept and given on (each member decides for themselves). */
  shareMine(): boolean;
  /** Where our chain (of `key`) stood in this room when the tab was last here, and where it stands after each message. */
  chain?: ChainState | undefined;
  saveChain?(state: ChainState): void;
}

/** The person a history frame is from or for, as back-fill sees them. */
export interface Holder {
  readonly nick: string;
  /** The key they showed us on their own link. */
  readonly signingKey: { alg: SigningAlgorithm; key: string } | undefined;
  readonly direct: Link | undefined;
}

/** Messages heard whose signatures have not come yet, at most (a signature follows its message at once). */
const MAX_UNSIGNED = 500;
/** Messages remembered as shown live, so an answer does not show them again: more than an answer can hold. */
const MAX_LIVE = 5 * HISTORY_MAX_COUNT;

/**
 * A newcomer asks at most this many people (the first whose links work): enough copies to compare,
 * and a bound on what it downloads in a big room (each gives its own copy).
 */
const MAX_ASKED = 5;

/** A request is answered at most once per link in this time. */
const ANSWER_EVERY_MS = 60_000;
/** An answer's frames stay this far under the largest frame a peer reads. */
const CHUNK_BYTES = Math.min(16 * 1024, MAX_RELAYING_FRAME_BYTES - 1024);
/** More than this waiting in a link's buffer, and an answer waits for it to drain. */
const BUFFER_HIGH_BYTES = 256 * 1024;
const DRAIN_POLL_MS = 20;
/** How long a request that came before its link counted as open waits for it to. */
const OPEN_WAIT_MS = 5_000;

/**
 * The room's history as this member sees it: what it signs and keeps, the answers it gives, and the
 * copies it asked for on arrival, merged and checked (`earlier`). Only people a room trusts (in a
 * private room, who proved its secret on their own link) are asked or answered, and only on our
 * own links: never through the server, nor through a third person.
 */
export class BackFill {
  readonly options: HistoryOptions;
  readonly archive: Archive;
  /** What the people here gave us on arrival, merged, oldest first. */
  earlier: readonly Earlier[] = [];
  readonly #me: string;
  readonly #keys: Promise<SigningKeys | undefined>;
  #signer: Signer | undefined;
  /** People who were here when we came in: each is asked once, when our link to them first works. */
  readonly #toAsk = new Set<string>();
  /** What each person asked still owes us: records left, until a frame says done, and from when. */
  readonly #owed = new Map<string, { left: number; since: number }>();
  /** How many people we asked. */
  #asked = 0;
  /** We came in to a room the server listed nobody in. */
  #alone = false;
  readonly #answeredAt = new WeakMap<Link, number>();
  readonly #copies: Copy[] = [];
  /**
   * Messages shown as they were said (the newest, far more than an answer holds), by author and id:
   * not shown again among the earlier ones. Keyed by both, so nobody's live line hides another's history.
   */
  readonly #live = new Inbox(MAX_LIVE);
  /** Records of the room (messages, actions) heard as they were said, waiting for their signatures (which follow them), by author and id. */
  readonly #unsigned = new Map<string, { by: string; ts: number } & Body>();
  /** Copies are checked one frame after another, so what `earlier` shows follows the order they came in. */
  #checking: Promise<void> = Promise.resolve();
  readonly #changed: () => void;

  constructor(me: string, keys: Promise<SigningKeys | undefined>, options: HistoryOptions, changed: () => void) {
    this.#me = me;
    this.options = options;
    this.archive = new Archive(options.limits);
    this.#changed = changed;
    this.#keys = keys.then((made) => {
      if (!made) return made;
      const from = options.chain?.key === made.key ? options.chain : undefined;
      const save = options.saveChain;
      this.#signer = new Signer({ ...made, room: options.room, me, from, saved: save && ((state) => save({ key: made.key, ...state })) });
      return made;
    });
  }

  /** We came in and these people were here. */
  entered(peers: readonly string[]): void {
    if (!this.options.shared) return;
    this.#alone = peers.length === 0;
    for (const nick of peers) this.#toAsk.add(nick);
  }

  /**
   * `nick` came in after us. Asked too while we came in to nobody and have been given nothing: they
   * may have been here before the server knew them again (it restarted, and they took their seat
   * back after we took ours). Someone new answers with little; at most `MAX_ASKED` are asked.
   */
  joined(nick: string): void {
    if (this.#alone && this.earlier.length === 0) this.#toAsk.add(nick);
  }

  /** Our own link to `holder` works: ask them for what they hold, if they were here before us. */
  linked(holder: Holder): void {
    if (!this.#toAsk.delete(holder.nick) || !this.options.shared || this.#asked >= MAX_ASKED) return;
    const { count, ms } = this.options.limits;
    const since = Math.max(0, Date.now() - ms);
    if (!holder.direct?.send({ type: 'history-ask', limit: count, since })) return;
    this.#owed.set(holder.nick, { left: count, since });
    this.#asked += 1;
  }

  /**
   * Our record in the room (a message, or an action on one), signed into our chain (in the order
   * written) unless we keep ours out of history; kept if signed.
   */
  async sign(record: { id: string; ts: number } & Body): Promise<Chained | undefined> {
    const { id, ts } = record;
    this.#live.accept(said(this.#me, id));
    await this.#keys;
    const signer = this.#signer;
    if (!this.options.shared || !this.options.shareMine() || !signer) return undefined;
    const signed = await signer.sign(record);
    this.archive.keep({ by: this.#me, alg: signer.alg, key: signer.key, id, ts, ...bodyOf(record), ...signed }, await digestOf(record));
    return signed;
  }

  /** A message or an action said to the room arrived as it was said: kept once its author's signature follows it. */
  heard(from: Holder, message: Extract<Said, { type: 'chat' | 'act' }>): void {
    this.#live.accept(said(from.nick, message.id));
    if (!this.options.shared) return;
    this.#unsigned.set(said(from.nick, message.id), { by: from.nick, ts: message.ts, ...bodyOf(message) });
    if (this.#unsigned.size > MAX_UNSIGNED) this.#unsigned.delete(this.#unsigned.keys().next().value ?? '');
  }

  /**
   * The signature of a message `from` said: the message is kept if it checks out (off the message's
   * way to the screen). One that does not is not kept: given on, it would look like our forgery.
   */
  signed(from: Holder, { id, n, prev, sig }: Signature): void {
    const message = this.#unsigned.get(said(from.nick, id));
    const key = from.signingKey;
    if (!message || !key) return;
    this.#unsigned.delete(said(from.nick, id));
    const record: HistoryRecord = { ...message, ...key, id, n, prev, sig };
    void signableOf(record).then(async (signable) => {
      if (signable && (await verifySignature(key.alg, key.key, signedBytes(this.options.room, signable), sig))) this.archive.keep(record, signable.digest);
    });
  }

  /** `from` asks what we hold: answered, in parts the link's buffer can take, at most once a minute per link. */
  async asked(from: Holder, ask: Extract<PeerMessage, { type: 'history-ask' }>): Promise<void> {
    // A request can come before our end counts the link as open (the browser says so a moment later).
    const link = from.direct ?? (await opened(from));
    if (!link) return;
    const now = Date.now();
    if (now - (this.#answeredAt.get(link) ?? -Infinity) < ANSWER_EVERY_MS) return;
    this.#answeredAt.set(link, now);
    const records = this.options.shared ? this.archive.answer(ask.limit, ask.since) : [];
    for (const part of chunks(records)) {
      while ((link.buffered?.() ?? 0) > BUFFER_HIGH_BYTES && link.open) await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
      if (!link.open || !link.send(part)) return;
    }
  }

  /**
   * Part of an answer from `from`: refused (their link cut, as for a flood) if we did not ask them or
   * it holds more than we asked for; else each copy is checked and the whole merged again.
   */
  answered(from: Holder, frame: Extract<PeerMessage, { type: 'history' }>, present: () => ReadonlyMap<string, string>): boolean {
    const owed = this.#owed.get(from.nick);
    if (owed === undefined || frame.records.length > owed.left) {
      this.#owed.delete(from.nick);
      return false;
    }
    if (frame.done) this.#owed.delete(from.nick);
    else this.#owed.set(from.nick, { ...owed, left: owed.left - frame.records.length });
    const room = this.options.room;
    // Dated outside what we asked for (give or take clock drift), or in the future: left out, as no message of that room's recent past.
    const now = Date.now();
    const inTime = frame.records.filter((record) => record.ts >= owed.since - CLOCK_AHEAD_MS && record.ts <= now + CLOCK_AHEAD_MS);
    // A frame's copies are checked all at once (the browser's crypto runs them side by side); frames in the order they came.
    const checked = Promise.all(
      inTime.map(async (record): Promise<Copy & { digest: string }> => {
        // A record that says nothing, or both says and stands for what it said, is nobody's.
        const signable = (await signableOf(record)) ?? { ...record, digest: '' };
        const bytes = signedBytes(room, signable);
        const [valid, hash] = await Promise.all([signable.digest !== '' && verifySignature(record.alg, record.key, bytes, record.sig), messageHash(room, signable)]);
        return { holder: from.nick, record, valid, hash, digest: signable.digest };
      }),
    );
    this.#checking = this.#checking.then(async () => {
      const keys = present();
      for (const copy of await checked) {
        this.#copies.push(copy);
        // Ours to give on only if signed with the key its author showed us on our own link: a
        // holder's word for an absent author's key is not ours to pass on as theirs.
        if (copy.valid && keys.get(copy.record.by) === copy.record.key) this.archive.keep(copy.record, copy.digest);
      }
      this.earlier = merge(this.#copies, keys).filter((entry) => entry.kind !== 'message' || !this.#live.has(said(entry.record.by, entry.record.id)));
      this.#changed();
    }).catch((error: unknown) => console.warn('meshchat: could not check history', error));
    return true;
  }

  /** Messages of the room already on screen, brought back from what was kept: not shown again among the earlier ones. */
  shownAlready(refs: Iterable<{ by: string; id: string }>): void {
    for (const { by, id } of refs) this.#live.accept(said(by, id));
    this.earlier = this.earlier.filter((entry) => entry.kind !== 'message' || !this.#live.has(said(entry.record.by, entry.record.id)));
    this.#changed();
  }

  /** Our own key, once made: what we send on each link, and what our own earlier messages are checked against. */
  get key(): { alg: SigningAlgorithm; key: string } | undefined {
    const signer = this.#signer;
    return signer ? { alg: signer.alg, key: signer.key } : undefined;
  }

  /** Resolves once our key is made (or could not be). */
  get ready(): Promise<unknown> {
    return this.#keys;
  }

  /** The key each person here showed us, and ours: what their earlier messages are verified against. */
  presentKeys(people: Iterable<{ nick: string; signingKey: { key: string } | undefined }>): Map<string, string> {
    const keys = new Map<string, string>();
    for (const peer of people) if (peer.signingKey) keys.set(peer.nick, peer.signingKey.key);
    if (this.key) keys.set(this.#me, this.key.key);
    return keys;
  }
}

/** `holder`'s own link once it is open (and in a private room proved), if that is soon. */
async function opened(holder: Holder): Promise<Link | undefined> {
  for (let waited = 0; waited < OPEN_WAIT_MS && !holder.direct; waited += DRAIN_POLL_MS) await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  return holder.direct;
}

/** Records in frames of at most `HISTORY_CHUNK_RECORDS` and `CHUNK_BYTES`; one too large for any frame is left out. */
export function chunks(records: readonly HistoryRecord[]): Extract<PeerMessage, { type: 'history' }>[] {
  const frames: Extract<PeerMessage, { type: 'history' }>[] = [];
  let part: HistoryRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = JSON.stringify(record).length + 1;
    if (size > CHUNK_BYTES) continue;
    if (part.length === HISTORY_CHUNK_RECORDS || bytes + size > CHUNK_BYTES) {
      frames.push({ type: 'history', records: part, done: false });
      part = [];
      bytes = 0;
    }
    part.push(record);
    bytes += size;
  }
  frames.push({ type: 'history', records: part, done: true });
  return frames;
}

/** What a message or record says, without what it does not. */
function bodyOf(record: Body): Body {
  const { text, re, act, of } = record;
  return { ...(text === undefined ? {} : { text }), ...(re ? { re } : {}), ...(act ? { act } : {}), ...(of ? { of } : {}) };
}

/**
 * What the people here gave us of the room's history: log lines above the live ones (`words` puts
 * notices in the reader's language), and the actions taken on its messages, which are no lines of
 * their own.
 */
export function earlierLines(earlier: readonly Earlier[], words: (notice: Notice) => string): { lines: Omit<ChatLine, 'id'>[]; acts: ActRecord[] } {
  const lines: Omit<ChatLine, 'id'>[] = [];
  const acts: ActRecord[] = [];
  for (const entry of earlier) {
    if (entry.kind === 'message') {
      const { by, text, ts, id, re, act, of } = entry.record;
      if (act && of) {
        // An edit or deletion of someone else's message was never theirs to make: said, not applied.
        if ((act === 'edit' || act === 'delete') && of.by !== by) lines.push({ kind: 'warning', from: by, text: words({ type: 'act-not-theirs', nick: by, of: of.by }), ts });
        else acts.push({ by, act, of, text, ts, id });
      } else {
        lines.push({ kind: 'public', from: by, text: text ?? '', ts, known: entry.known, ref: { by, id }, ...(re ? { re } : {}) });
      }
    } else if (entry.kind === 'gap') lines.push({ kind: 'notice', text: words({ type: 'history-gap', nick: entry.by, count: entry.count }), ts: entry.ts });
    else lines.push({ kind: 'warning', from: entry.by, text: words({ type: 'history-unverifiable', nick: entry.by, holders: entry.holders }), ts: entry.ts });
  }
  return { lines, acts };
}
