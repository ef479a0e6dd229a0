import type { PeerMessage } from '@meshchat/protocol';
import type { Link } from '../net';
import type { Notice } from './notices';
import { linkProof, safetyCode, verifyLinkProof } from './private-room';

/** In a private room, a link whose peer has not proved the secret by then is flagged (users are warned within 5 s). */
const PROOF_TIMEOUT_MS = 4_000;
/** Messages held per link while it is being verified. */
const MAX_HELD = 200;

/** The person whose link is being proved, as the proof sees them. */
export interface Prover {
  readonly nick: string;
  readonly disposed: boolean;
  readonly verification: 'verifying' | 'verified' | 'failed' | undefined;
  update(change: { safety?: string; verification?: 'verifying' | 'verified' | 'failed' }): void;
  /** Their mail: what waits for them goes out once the link is proved (or is dropped). */
  readonly mail: { flush(): void; dropOutbox(): number };
  /** A frame they sent before proving the secret, taken as if it came now: they proved it. */
  replay(message: PeerMessage): void;
}

/**
 * One person's current link, proved: its safety code, and in a private room the proof each side
 * sends that it holds the room's secret, bound to this very link's DTLS fingerprints. Until the
 * proof checks out their messages are held, and nothing is sent to them.
 */
export class Proof {
  readonly #peer: Prover;
  readonly #key: CryptoKey | undefined;
  readonly #say: (notice: Notice) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #held: PeerMessage[] = [];

  constructor(peer: Prover, key: CryptoKey | undefined, say: (notice: Notice) => void) {
    this.#peer = peer;
    this.#key = key;
    this.#say = say;
  }

  /** A link just opened: in a private room, prove we hold the secret. */
  async start(link: Link): Promise<void> {
    const fingerprints = link.fingerprints;
    const key = this.#key;
    if (key && this.#peer.verification === undefined) {
      this.#peer.update({ verification: 'verifying' });
      this.#timer = setTimeout(() => this.#settle(false, 'no-proof'), PROOF_TIMEOUT_MS);
    }
    if (!fingerprints) return;
    if (key) link.send({ type: 'proof', mac: await linkProof(key, fingerprints.local, fingerprints.remote) });
  }

  /**
   * Both ends' signing keys are known on `link`: its safety code, from both DTLS fingerprints and
   * both keys, so comparing codes checks the keys that sign the room's history too.
   */
  async keyed(link: Link, ours: string, theirs: string): Promise<void> {
    const fingerprints = link.fingerprints;
    if (!fingerprints) return;
    const safety = await safetyCode(`${fingerprints.local} ${ours}`, `${fingerprints.remote} ${theirs}`);
    if (!this.#peer.disposed) this.#peer.update({ safety });
  }

  /** Their proof arrived on `link`. */
  async check(link: Link, mac: string): Promise<void> {
    const key = this.#key;
    const fingerprints = link.fingerprints;
    if (!key) return;
    const proved = fingerprints !== undefined && (await verifyLinkProof(key, mac, fingerprints.local, fingerprints.remote));
    this.#settle(proved, 'bad-proof');
  }

  /**
   * A frame from them before they proved the secret (a message, or anything else: a request for
   * the room's history sent the moment their side saw our proof, before ours saw theirs): taken, in
   * order, if they do.
   */
  hold(message: PeerMessage): void {
    if (this.#held.length < MAX_HELD) this.#held.push(message);
  }

  /** A new link, or they left: the proof so far is void. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#held = [];
  }

  /** Record whether they proved the secret; show what they sent meanwhile, or hide it for good. */
  #settle(proved: boolean, why: 'no-proof' | 'bad-proof'): void {
    const peer = this.#peer;
    if (peer.disposed || peer.verification === 'verified' || peer.verification === 'failed') return;
    const held = this.#held;
    this.dispose();
    peer.update({ verification: proved ? 'verified' : 'failed' });
    if (proved) {
      for (const message of held) peer.replay(message);
      peer.mail.flush();
      return;
    }
    peer.mail.dropOutbox();
    this.#say({ type: 'unverified', nick: peer.nick, why });
  }
}
