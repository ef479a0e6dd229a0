// An in-memory stand-in for the signaling server and WebRTC, to run several rooms in one process.
// Links open once an offer and its answer have crossed; frames arrive in order, a turn later.
import { HISTORY_DEFAULTS, type ErrorCode, type PeerMessage, type Result, type SignalData } from '@meshchat/protocol';
import type { DirectLink, LinkFactory, LinkFailure, LinkHooks, LinkState } from '../../src/net';
import { Log, Room, type Arrival, type Notice, type RoomOptions, type SigningKeys } from '../../src/room';
import { newKeyPair, publicKey } from '../../src/room/signing';

/** A member's signing keys, as a tab makes them. */
export async function signingKeys(): Promise<SigningKeys> {
  const { alg, pair } = await newKeyPair();
  return { alg, key: await publicKey(pair), privateKey: pair.privateKey };
}

const later = (run: () => void) => setImmediate(run);

class FakeLink implements DirectLink {
  state: LinkState = 'connecting';
  partner: FakeLink | undefined;

  constructor(
    readonly me: string,
    readonly nick: string,
    readonly initiator: boolean,
    readonly hooks: LinkHooks,
    readonly net: FakeNet,
    /** This end's certificate fingerprint: one per browser. */
    readonly fingerprint: string,
  ) {
    if (initiator) later(() => this.hooks.onSignal({ type: 'offer', sdp: `offer from ${me}` }));
  }

  get open() {
    return this.state === 'connected';
  }

  get fingerprints() {
    return this.open && this.partner ? { local: this.fingerprint, remote: this.partner.fingerprint } : undefined;
  }

  signal(data: SignalData) {
    if (this.state !== 'connecting') return;
    if (data.type === 'offer') later(() => this.hooks.onSignal({ type: 'answer', sdp: `answer from ${this.me}` }));
    if (data.type === 'answer') this.net.pair(this);
  }

  send(message: PeerMessage) {
    const partner = this.partner;
    if (!this.open || !partner) return false;
    this.net.frames.push({ from: this.me, to: this.nick, message });
    const copy = this.net.meddle?.(this.me, structuredClone(message)) ?? structuredClone(message);
    if (copy === 'drop') return true;
    later(() => {
      if (partner.open && partner.hooks.budget.take('frame', performance.now())) partner.hooks.onMessage(copy);
    });
    return true;
  }

  sendChunk(): Promise<void> {
    return Promise.reject(new Error('no file channel in this stand-in'));
  }

  chunkBytes() {
    return 0;
  }

  probe() {}

  renegotiates() {
    return false;
  }

  // No media in this stand-in: calls are tested in real browsers.
  sendMedia() {}
  audioLevel() {
    return undefined;
  }
  shapeVideo() {}
  sendStats() {
    return Promise.resolve(undefined);
  }
  quietAudio() {}

  close() {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.state = 'closed';
    this.partner?.fail({ why: 'closed' });
  }

  /** The connection broke: both ends fail, as when a network path goes away. */
  fail(reason: LinkFailure) {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.state = 'failed';
    later(() => this.hooks.onState('failed', reason));
    this.partner?.fail(reason);
  }

  connected() {
    this.state = 'connected';
    later(() => this.hooks.onState('connected'));
  }
}

export interface Member {
  room: Room;
  log: Log;
  notices: Notice[];
  arrivals: Arrival[];
}

/** What a meddling member does to a frame it sends: changes it, or drops it. */
export type Meddle = (from: string, message: PeerMessage) => PeerMessage | 'drop' | undefined;

export class FakeNet {
  readonly members = new Map<string, Member>();
  /** Every frame sent, as it left its sender. */
  readonly frames: { from: string; to: string; message: PeerMessage }[] = [];
  /** Pairs whose own links never open (their NATs let nothing through), as `a|b` sorted. */
  readonly blocked = new Set<string>();
  meddle: Meddle | undefined;
  readonly links: FakeLink[] = [];
  /** Who the server says is away: signals to them are refused. */
  readonly away = new Set<string>();
  /** Every signal sent through the server, as it left its sender. */
  readonly signals: { from: string; to: string; data: SignalData }[] = [];

  /**
   * `nick` joins from `browser` (its certificate): the server tells everyone already in, and the
   * newcomer links up with them. `listed`: whom the server knows is in (a restarted one, before the
   * others took their seats back): only they are told and listed.
   */
  join(nick: string, proofKey?: CryptoKey, browser = `${nick}'s browser`, { listed, ...choices }: Pick<RoomOptions, 'tellSeen'> & { listed?: string[] } = {}): Member {
    const others = listed ?? [...this.members.keys()];
    const log = new Log(() => undefined);
    const notices: Notice[] = [];
    const arrivals: Arrival[] = [];
    const room = new Room({
      me: nick,
      proofKey,
      links: this.linksFor(nick, browser),
      relay: (to, data, answered) => this.#relay(nick, to, data, answered),
      log,
      words: (notice) => {
        notices.push(notice);
        return notice.type;
      },
      arrived: (arrival) => arrivals.push(arrival),
      dropped: () => undefined,
      changed: () => undefined,
      signing: signingKeys(),
      history: { room: 'lobby', shared: true, limits: HISTORY_DEFAULTS, shareMine: () => true },
      ...choices,
    });
    const member = { room, log, notices, arrivals };
    for (const other of others) this.members.get(other)?.room.joined(nick);
    this.members.set(nick, member);
    room.enter('lobby', others);
    return member;
  }

  /** How `nick`'s links are made, from `browser` (its certificate): offers and answers go however its room sends signals. */
  linksFor(nick: string, browser = `${nick}'s browser`): LinkFactory {
    return (remote, initiator, hooks) => {
      const link = new FakeLink(nick, remote, initiator, hooks, this, `sha-256 ${browser}`);
      this.links.push(link);
      return link;
    };
  }

  leave(nick: string): void {
    this.members.get(nick)?.room.dispose();
    this.members.delete(nick);
    for (const member of this.members.values()) member.room.left(nick, 'left');
  }

  /** The newest link from `a` to `b`. */
  link(a: string, b: string): FakeLink | undefined {
    return this.links.findLast((link) => link.me === a && link.nick === b);
  }

  /** Cut the link between `a` and `b`, as a lost network path would. */
  cut(a: string, b: string): void {
    this.link(a, b)?.fail({ why: 'timeout' });
  }

  /** From now on `a` and `b` cannot link directly (or, with `false`, can again). */
  block(a: string, b: string, blocked = true): void {
    const key = [a, b].sort().join('|');
    if (blocked) this.blocked.add(key);
    else this.blocked.delete(key);
  }

  /** An answer reached its initiator: the link opens at both ends, unless the pair is blocked, when both fail. */
  pair(initiator: FakeLink): void {
    const answerer = this.links.findLast((link) => link.me === initiator.nick && link.nick === initiator.me && !link.initiator && link.state === 'connecting');
    if (!answerer) return;
    initiator.partner = answerer;
    answerer.partner = initiator;
    if (this.blocked.has([initiator.me, answerer.me].sort().join('|'))) {
      initiator.fail({ why: 'timeout' });
      return;
    }
    initiator.connected();
    answerer.connected();
  }

  #relay(from: string, to: string, data: SignalData, answered: (result: Result) => void): void {
    this.signals.push({ from, to, data });
    later(() => {
      const code: ErrorCode | undefined = this.away.has(to) ? 'PEER_AWAY' : this.members.has(to) ? undefined : 'PEER_NOT_FOUND';
      answered(code ? { ok: false, code } : { ok: true });
      if (!code) this.members.get(to)?.room.signal(from, data);
    });
  }
}

/** Resolves once `check` holds, trying after each turn of the event loop; fails the test after `ms`. */
/** The real setTimeout, kept before any test mocks it: waiting must go on while a room's timers are mocked. */
const realSetTimeout = globalThis.setTimeout;

export async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => realSetTimeout(resolve, 5));
  }
}

/** What a member's log shows from other people, as `from: text`. */
export function heard(member: Member): string[] {
  return member.log.lines.filter((line) => (line.kind === 'public' || line.kind === 'private') && line.from !== member.room.me).map((line) => `${line.from}: ${line.text}`);
}
