import type { LinkFailure, LinkState } from '../net';
import type { ChatLine } from './log';
import type { Notice, Standing } from './notices';

export type { Standing } from './notices';

/** What People shows of someone's link (a `PeerView`'s part a standing is read from). */
interface Shown {
  state: LinkState | 'away' | 'leaving';
  via?: string | undefined;
  problem?: LinkFailure | undefined;
}

/** Where the standings are told: lines changed in place while an incident goes on (a `Log`). */
interface StandingLog {
  put(key: string, line: Omit<ChatLine, 'id'>): void;
  settle(key: string): void;
}

/** What People shows of someone, as a standing; `everUp`: our own link to them has worked before. */
export function standingOf(view: Shown, everUp: boolean): Standing {
  if (view.state === 'leaving') return { is: 'leaving' };
  if (view.state === 'away') return { is: 'away' };
  if (view.via !== undefined) return { is: 'relayed', via: view.via };
  if (view.state === 'connected') return { is: 'here' };
  if (view.state === 'connecting' && !everUp && view.problem === undefined) return { is: 'new' };
  return { is: 'lost', reason: view.problem };
}

/** One person's trouble, told in one log line that changes as it goes. */
interface Incident {
  /** When it began (ms since the epoch). */
  since: number;
  /** How it began, said first on its line whatever follows: the link lost (with its first reason), or none formed. */
  opening: Notice;
}

const same = (a: Standing, b: Standing) => a.is === b.is && (a.is !== 'relayed' || b.is !== 'relayed' || a.via === b.via);

/**
 * The log's account of each person's link: one line an incident ("Lost the direct link to bob.",
 * then "… now through carol", then "… linked directly after 12 s"), kept up to date in place, never
 * one line per change. What its end says is always how they stand now.
 */
export class Standings {
  readonly #log: StandingLog;
  readonly #words: (notice: Notice) => string;
  /** The standing last told of each person. */
  readonly #told = new Map<string, Standing>();
  readonly #incidents = new Map<string, Incident>();
  /**
   * The line saying whom we joined, while it may still change: the server lists seats kept for
   * people whose connection is down (or who just closed their page), and the line names only
   * those who turn out to be here.
   */
  #entered: Extract<Notice, { type: 'entered' }> | undefined;

  constructor(log: StandingLog, words: (notice: Notice) => string) {
    this.#log = log;
    this.#words = words;
  }

  /** Look at how `nick` stands now, and tell it if it changed. */
  review(nick: string, standing: Standing, now = Date.now()): void {
    const told = this.#told.get(nick) ?? { is: 'new' };
    if (same(told, standing)) return;
    this.#told.set(nick, standing);
    const incident = this.#incidents.get(nick);
    // Coming and going on purpose is told by the join and leave lines, not here.
    if (standing.is === 'leaving' || standing.is === 'new') return;
    if (standing.is === 'here') {
      if (!incident) return;
      this.#put(nick, incident, { type: 'link-back', nick, ms: now - incident.since }, standing);
      this.#settle(nick);
      return;
    }
    // A link that failed says why, even the first; reached through someone before any link formed: none yet.
    const opening: Notice =
      standing.is !== 'lost' && told.is === 'new' ? { type: 'link-none', nick } : { type: 'link-lost', nick, reason: standing.is === 'lost' ? standing.reason : undefined };
    const open = incident ?? { since: now, opening };
    this.#incidents.set(nick, open);
    const status: Notice =
      standing.is === 'relayed' ? { type: 'relayed', nick, via: standing.via } : standing.is === 'away' ? { type: 'peer-away', nick } : { type: 'link-waiting', nick };
    this.#put(nick, open, status, standing);
  }

  /** We came in, with the people the server listed. */
  entered(notice: Extract<Notice, { type: 'entered' }>): void {
    this.#entered = notice;
    this.#log.put('entered', { kind: 'notice', text: this.#words(notice), ts: Date.now() });
    if (notice.peers.length === 0) this.#settleEntered();
  }

  /** The join line names only who is here; it settles once nobody it names is still being linked to. */
  reviewEntered(standing: (nick: string) => Standing | undefined): void {
    const entered = this.#entered;
    if (!entered) return;
    const listed = entered.peers.flatMap((nick) => {
      const now = standing(nick);
      return now ? [{ nick, now }] : [];
    });
    const here = listed.filter(({ now }) => now.is !== 'away' && now.is !== 'leaving').map(({ nick }) => nick);
    if (here.join('\n') !== entered.peers.join('\n')) {
      this.#entered = { ...entered, peers: here };
      this.#log.put('entered', { kind: 'notice', text: this.#words(this.#entered), ts: Date.now() });
    }
    if (listed.every(({ now }) => now.is !== 'new')) this.#settleEntered();
  }

  #settleEntered(): void {
    this.#entered = undefined;
    this.#log.settle('entered');
  }

  /** They left: their incident, if any, is over as it stands, and nothing more is told of them. */
  gone(nick: string): void {
    this.#settle(nick);
    this.#told.delete(nick);
  }

  #put(nick: string, incident: Incident, status: Notice, standing: Standing): void {
    const text = `${this.#words(incident.opening)} ${this.#words(status)}`;
    const via = standing.is === 'relayed' ? { via: standing.via } : {};
    this.#log.put(`link:${nick}`, { kind: 'notice', text, ts: incident.since, about: { nick, is: standing.is, ...via } });
  }

  #settle(nick: string): void {
    this.#incidents.delete(nick);
    this.#log.settle(`link:${nick}`);
  }
}
