import { nickKey, type PeerMessage, type Result, type SignalData } from '@meshchat/protocol';
import {
  RelayLink,
  TokenBucket,
  base64url,
  relayKeyPair,
  relayKeys,
  type LinkFailure,
  type LinkState,
  type RelayKeyPair,
  type RelayKeys,
  type RelayLinkOptions,
} from '../net';
import { linkProof, verifyLinkProof } from './private-room';

/** What a detour needs from the room. */
export interface DetourRoom {
  readonly me: string;
  readonly proofKey: CryptoKey | undefined;
  /** People we have a usable link to who say they have one to `nick`. */
  vias(nick: string): string[];
  /** Whether our own link to `via` is usable. */
  reaches(via: string): boolean;
  /** Send a signal to `to` through the signaling server; `answered` gets its verdict. */
  relay(to: string, data: SignalData, answered: (result: Result) => void): void;
}

/** What a way round needs from the person it is to: how our own link to them stands, and where its frames go. */
export interface OwnLink {
  /** Our own link to them works. */
  direct(): boolean;
  /** Their seat is held while they are away: nothing can reach them. */
  away(): boolean;
  /** Hooks for each relayed link made: its frames, and its state as it changes (after the detour's own bookkeeping). */
  relayHooks(via: string): Pick<RelayLinkOptions, 'budget' | 'onDropped' | 'carry'>;
  relayMessage(link: RelayLink, message: PeerMessage): void;
  relayState(link: RelayLink, state: LinkState, reason: LinkFailure | undefined): void;
}

/**
 * A person our own link has not reached by then (or whose link broke) is reached through someone
 * else who reaches them both, while our own link keeps trying; when it opens, traffic moves back.
 */
const DETOUR_AFTER_MS = 5_000;

type RelaySignal = Extract<SignalData, { type: 'relay-offer' | 'relay-answer' }>;
type FailureReport = Extract<SignalData, { type: 'relay-failed' }>;

/** A proposal the server could not deliver times out like one nobody answered. */
const ignore = () => undefined;

/** A proposal that got no answer within this time is given up, and the next person who reaches them asked. */
const ANSWER_TIMEOUT_MS = 5_000;
/**
 * A third person whose relayed link carried nothing (or went silent) is not asked again for this
 * long, doubling with each failure: others who reach both are tried first.
 */
const BACKOFF_FIRST_MS = 30_000;
const BACKOFF_MAX_MS = 10 * 60_000;
/**
 * Proposals answered per person: a few at once, then one every ten seconds. Each answer is a signal
 * of ours through the server, so proposals must not be able to spend our signal budget for us.
 */
const ANSWERS = { burst: 3, perSecond: 1 / 10 } as const;

/**
 * The way to one person through a third when our own link to them does not form: which third
 * person carries it, and the keys, agreed through the signaling server so the third person never
 * sees them. The side whose nickname sorts first proposes (as with offers); the other answers.
 * In a private room each side's public key comes with an HMAC under the room's key, so the server
 * cannot put itself in between either. Someone caught tampering is never asked again for this pair.
 */
export class Detour {
  link: RelayLink | undefined;
  readonly #nick: string;
  readonly #room: DetourRoom;
  #pending: { session: string; via: string; mine: Promise<RelayKeyPair>; timer: ReturnType<typeof setTimeout> } | undefined;
  /** People who changed or dropped this pair's frames. */
  readonly #distrusted = new Set<string>();
  /** People asked and not answered since things last changed: not asked again until then. */
  readonly #asked = new Set<string>();
  /** People whose relayed link for this pair failed without tampering: not asked until `until`. */
  readonly #backoff = new Map<string, { until: number; failures: number }>();
  /** Proposes again once the earliest back-off ends, if nobody else could be asked. */
  #afterBackoff: ReturnType<typeof setTimeout> | undefined;
  /** The budget for answering their proposals. */
  readonly #answers = new TokenBucket(ANSWERS);
  readonly #own: OwnLink;
  /** Whether a way round is wanted: our own link has not worked for a while, or broke. */
  #wanted = false;
  #wantLater: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(nick: string, room: DetourRoom, own: OwnLink) {
    this.#nick = nick;
    this.#room = room;
    this.#own = own;
    this.#wantLater = setTimeout(() => this.want(), DETOUR_AFTER_MS);
  }

  /** Our own link has not worked for a while, or broke: reach them through someone else if anyone can. */
  want(): void {
    clearTimeout(this.#wantLater);
    if (this.#own.direct()) return;
    this.#wanted = true;
    this.consider(true);
  }

  /** Our own link works again: no way round is wanted (a relayed link up now stays until it ends). */
  unwant(): void {
    this.#wanted = false;
  }

  /**
   * Propose reaching them through someone else if a way round is wanted and someone reaches both
   * of us (only the side whose nickname sorts first proposes). `afresh`: something changed (whom
   * someone reaches, or our own link failed again), so people asked before are asked again.
   */
  consider(afresh = false): void {
    if (this.#closed || !this.#wanted || this.#own.direct() || this.#own.away()) return;
    if (nickKey(this.#room.me) >= nickKey(this.#nick)) return;
    if (afresh) this.reconsider();
    else this.propose();
  }

  /** Who carries the open relayed link. */
  get via(): string | undefined {
    return this.link?.open ? this.link.via : undefined;
  }

  /** Propose a relayed link through someone who reaches them, unless one is up, coming, or nobody can. */
  propose(): void {
    const state = this.link?.state;
    if (state === 'connected' || state === 'connecting' || this.#pending) return;
    // Each person once, until someone says whom they reach again or our own link fails again; one
    // whose relayed link failed only after their back-off.
    const now = Date.now();
    const candidates = this.#room.vias(this.#nick).filter((each) => !this.#distrusted.has(each) && !this.#asked.has(each));
    const via = candidates.find((each) => (this.#backoff.get(each)?.until ?? 0) <= now);
    if (via === undefined) {
      this.#retryAfterBackoff(candidates, now);
      return;
    }
    this.#asked.add(via);
    const session = base64url(crypto.getRandomValues(new Uint8Array(16)));
    const mine = relayKeyPair();
    const timer = setTimeout(() => {
      if (this.#pending?.session !== session) return;
      this.#pending = undefined;
      this.propose();
    }, ANSWER_TIMEOUT_MS);
    this.#pending = { session, via, mine, timer };
    void mine.then(async ({ key }) => {
      const mac = await this.#mac(`relay-offer ${session} ${via} ${key}`, `to ${this.#nick}`);
      if (this.#pending?.session === session) this.#room.relay(this.#nick, { type: 'relay-offer', session, via, key, ...mac }, ignore);
    });
  }

  /** Whom we reach, or whom someone reaches, changed: everyone may be asked again. */
  reconsider(): void {
    this.#asked.clear();
    this.propose();
  }

  /** A relayed-link proposal, answer or failure report that came through the server; `false` for any other signal. */
  signal(data: SignalData): boolean {
    if (data.type === 'relay-offer') void this.offered(data);
    else if (data.type === 'relay-answer') void this.answered(data);
    else if (data.type === 'relay-failed') void this.reported(data);
    else return false;
    return true;
  }

  /** They proposed talking through `via`: answer if we reach `via` too and the proposal is theirs. */
  async offered(offer: RelaySignal): Promise<void> {
    const { session, via, key } = offer;
    if (via === this.#room.me || via === this.#nick || this.#distrusted.has(via) || !this.#room.reaches(via)) return;
    // Only while our own link to them does not work, and only so often.
    if (this.#room.reaches(this.#nick) || !this.#answers.take(Date.now())) return;
    if (!(await this.#proved(offer.mac, `to ${this.#room.me}`, `relay-offer ${session} ${via} ${key}`))) return;
    const mine = await relayKeyPair();
    const keys = await relayKeys(mine, key, { me: this.#room.me, nick: this.#nick, via, session, offerKey: key, answerKey: mine.key });
    if (!keys) return;
    this.#cancel();
    this.link?.close();
    // The link exists before the answer leaves, so the proposer's first frame always finds it.
    this.link = this.#make(via, session, keys, false);
    const mac = await this.#mac(`relay-answer ${session} ${via} ${mine.key}`, `for ${key}`);
    this.#room.relay(this.#nick, { type: 'relay-answer', session, via, key: mine.key, ...mac }, ignore);
  }

  /** They answered our proposal. */
  async answered(answer: RelaySignal): Promise<void> {
    const pending = this.#pending;
    if (!pending || answer.session !== pending.session || answer.via !== pending.via) return;
    const mine = await pending.mine;
    if (!(await this.#proved(answer.mac, `for ${mine.key}`, `relay-answer ${pending.session} ${pending.via} ${answer.key}`))) return;
    const parties = { me: this.#room.me, nick: this.#nick, via: pending.via, session: pending.session, offerKey: mine.key, answerKey: answer.key };
    const keys = await relayKeys(mine, answer.key, parties);
    if (!keys || this.#pending !== pending) return;
    this.#cancel();
    this.link?.close();
    this.link = this.#make(pending.via, pending.session, keys, true);
    this.#asked.clear();
  }

  /** A sealed frame of theirs that `via` passed on. */
  frame(via: string, frame: { session: string; n: number; box: string }): void {
    const link = this.link;
    if (link?.via === via && link.session === frame.session) link.receive(frame);
  }

  /** Our link to `via` broke, or `via` no longer reaches them: nothing more goes that way. */
  viaLost(via: string): void {
    if (this.#pending?.via === via) this.#cancel();
    if (this.link?.via === via) this.link.lost();
  }

  /**
   * The relayed link failed. If `via` tampered with it, `via` is never asked again for this pair; if
   * it carried nothing or went silent, `via` waits out a back-off. Either way, when we found out
   * ourselves the other end is told, through the server, so it stops sending that way too.
   */
  failed(link: RelayLink, reason: LinkFailure | undefined): void {
    if (reason?.why === 'tampered') this.#distrusted.add(link.via);
    else if (reason?.why === 'timeout' || reason?.why === 'silent') {
      const failures = (this.#backoff.get(link.via)?.failures ?? 0) + 1;
      this.#backoff.set(link.via, { failures, until: Date.now() + Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (failures - 1)) });
    }
    if ((reason?.why === 'tampered' || reason?.why === 'silent') && !reason.reported) void this.#report(link, reason.why);
    if (this.link === link) this.link = undefined;
  }

  /** The other end found `via` tampering or silent: our end of that link fails the same way. */
  async reported(report: FailureReport): Promise<void> {
    const link = this.link;
    if (!link || link.session !== report.session || link.via !== report.via) return;
    if (!(await this.#proved(report.mac, `to ${this.#room.me}`, `relay-failed ${report.session} ${report.via} ${report.why}`))) return;
    if (this.link !== link) return;
    link.fail(report.why === 'tampered' ? { why: 'tampered', via: link.via, reported: true as const } : { why: 'silent', reported: true as const });
  }

  async #report(link: RelayLink, why: FailureReport['why']): Promise<void> {
    const mac = await this.#mac(`relay-failed ${link.session} ${link.via} ${why}`, `to ${this.#nick}`);
    this.#room.relay(this.#nick, { type: 'relay-failed', session: link.session, via: link.via, why, ...mac }, ignore);
  }

  /** Nobody can be asked now, but someone will be once their back-off ends. */
  #retryAfterBackoff(candidates: readonly string[], now: number): void {
    const ends = candidates.map((each) => this.#backoff.get(each)?.until ?? now).filter((until) => until > now);
    if (ends.length === 0 || this.#afterBackoff !== undefined) return;
    this.#afterBackoff = setTimeout(() => {
      this.#afterBackoff = undefined;
      this.propose();
    }, Math.min(...ends) - now);
  }

  /** A link through `via`, sealed with keys only they and we hold. */
  #make(via: string, session: string, keys: RelayKeys, proposer: boolean): RelayLink {
    const link: RelayLink = new RelayLink({
      ...this.#own.relayHooks(via),
      nick: this.#nick,
      via,
      session,
      keys,
      proposer,
      onMessage: (message) => this.#own.relayMessage(link, message),
      onState: (state, reason) => {
        if (this.#closed) return;
        if (state === 'failed') this.failed(link, reason);
        this.#own.relayState(link, state, reason);
      },
    });
    return link;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#wantLater);
    clearTimeout(this.#afterBackoff);
    this.#afterBackoff = undefined;
    this.#cancel();
    this.link?.close();
    this.link = undefined;
  }

  #cancel(): void {
    clearTimeout(this.#pending?.timer);
    this.#pending = undefined;
  }

  /** In a private room, the HMAC that binds what we send to the room's secret. */
  async #mac(sender: string, receiver: string): Promise<{ mac?: string }> {
    const key = this.#room.proofKey;
    return key ? { mac: await linkProof(key, sender, receiver) } : {};
  }

  async #proved(mac: string | undefined, receiver: string, sender: string): Promise<boolean> {
    const key = this.#room.proofKey;
    if (!key) return true;
    return mac !== undefined && (await verifyLinkProof(key, mac, receiver, sender));
  }
}
