import { HELLO, MAX_PEER_FRAME_BYTES, encodePeerMessage, parsePeerFrame, type PeerMessage } from '@meshchat/protocol';
import { base64url, fromBase64url } from './base64';
import { Heartbeat, Probe, type HeartbeatTimes } from './heartbeat';
import type { Link, LinkFailure, LinkHooks, LinkState } from './link';
import { ownFrame } from './own-frames';

/*
 * A link to a person through a third one, `via`, who both reach when their own link does not form.
 * The two agree on keys with ECDH through the signaling server (never through `via`), and every
 * frame goes sealed with AES-GCM under a key per direction, numbered: its number is its nonce, and
 * the receiver takes only the next number. So `via` reads nothing, and whatever it changes, drops,
 * replays or reorders fails the link, with `via` named: it cannot drop a message and let a later
 * acknowledgement cover it.
 */

/** One end's half of the key agreement. */
export interface RelayKeyPair {
  readonly pair: CryptoKeyPair;
  /** The public key, raw, in base64url: what goes to the other end. */
  readonly key: string;
}

/** The keys of one relayed conversation: ours to seal with, theirs to open with. */
export interface RelayKeys {
  readonly seal: CryptoKey;
  readonly open: CryptoKey;
}

/** Who the two ends are and what they agreed on: everything the keys are bound to. */
export interface RelayParties {
  me: string;
  nick: string;
  via: string;
  session: string;
  /** The proposer's public key, then the answerer's. */
  offerKey: string;
  answerKey: string;
}

const encoder = new TextEncoder();
const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;

export async function relayKeyPair(): Promise<RelayKeyPair> {
  const pair = await crypto.subtle.generateKey(ECDH, false, ['deriveBits']);
  return { pair, key: base64url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))) };
}

/** Derive both directions' keys from our key pair and their public key; `undefined` if theirs is no P-256 point. */
export async function relayKeys(mine: RelayKeyPair, theirs: string, parties: RelayParties): Promise<RelayKeys | undefined> {
  const raw = fromBase64url(theirs);
  if (!raw) return undefined;
  let shared: ArrayBuffer;
  try {
    const publicKey = await crypto.subtle.importKey('raw', raw, ECDH, false, []);
    shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: publicKey }, mine.pair.privateKey, 256);
  } catch {
    return undefined;
  }
  const material = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  const { session, via, offerKey, answerKey } = parties;
  const direction = async (from: string, to: string) =>
    crypto.subtle.deriveKey(
      {
        name: 'HKDF',
        hash: 'SHA-256',
        salt: encoder.encode(`${offerKey}\n${answerKey}`),
        info: encoder.encode(`meshchat relay v1\n${session}\n${via}\n${from}\n${to}`),
      },
      material,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
  return { seal: await direction(parties.me, parties.nick), open: await direction(parties.nick, parties.me) };
}

/** The nonce of frame `n`: its number, big-endian, in the last 8 of 12 bytes (each key seals one direction). */
function nonce(n: number): Uint8Array<ArrayBuffer> {
  const iv = new Uint8Array(12);
  new DataView(iv.buffer).setBigUint64(4, BigInt(n));
  return iv;
}

/** What goes through `via`: which conversation, which frame, and the sealed frame. */
export interface RelayFrame {
  session: string;
  n: number;
  box: string;
}

/** Only these travel sealed: no files (they need a channel of their own), nothing about links or relays. */
const RELAYED_TYPES = new Set<PeerMessage['type']>(['hello', 'key', 'chat', 'signed', 'private', 'act', 'ack', 'typing', 'seen', 'ping', 'pong']);

/** A relayed link that has carried nothing of theirs within this time is given up. */
const OPEN_TIMEOUT_MS = 6_000;
const PROBE_TIMEOUT_MS = 5_000;
/**
 * An open relayed link is listened to like our own links, with room for its two hops: a third
 * person who stops passing frames on (or goes away unnoticed) fails it within seconds, and what
 * waited for an acknowledgement goes again another way.
 */
const HEARTBEAT: HeartbeatTimes = { quietMs: 3_000, silentMs: 7_000 };

export interface RelayLinkOptions extends Pick<LinkHooks, 'budget' | 'onMessage' | 'onState' | 'onDropped'> {
  nick: string;
  via: string;
  session: string;
  keys: RelayKeys;
  /** The proposer says hello first; the answerer answers it. Each end opens on the other's first frame. */
  proposer: boolean;
  /** Hand a sealed frame to `via`; `false` when our link to them cannot take it. */
  carry(frame: RelayFrame): boolean;
}

export class RelayLink implements Link {
  readonly nick: string;
  readonly via: string;
  readonly session: string;
  readonly fingerprints = undefined;
  #state: LinkState = 'connecting';
  readonly #options: RelayLinkOptions;
  #sent = 0;
  #expected = 0;
  /** Sealing and opening are asynchronous: each runs after the one before, so frames keep their order. */
  #sealing: Promise<void> = Promise.resolve();
  #opening: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #probe = new Probe(PROBE_TIMEOUT_MS, {
    open: () => this.open,
    ping: () => this.send({ type: 'ping' }),
    unanswered: () => this.#fail({ why: 'timeout' }),
  });
  readonly #heartbeat = new Heartbeat(HEARTBEAT, {
    ping: () => this.send({ type: 'ping' }),
    silent: () => this.#fail({ why: 'silent' }),
  });

  constructor(options: RelayLinkOptions) {
    this.nick = options.nick;
    this.via = options.via;
    this.session = options.session;
    this.#options = options;
    // Open only once a frame of theirs came through `via` intact: a link that carries nothing one
    // way (a `via` that tampers with the first frame) never shows as working at either end.
    this.#timer = setTimeout(() => this.#fail({ why: 'timeout' }), OPEN_TIMEOUT_MS);
    if (options.proposer) this.#seal(HELLO);
  }

  get state(): LinkState {
    return this.#state;
  }

  get open(): boolean {
    return this.#state === 'connected';
  }

  send(message: PeerMessage): boolean {
    return this.open && this.#seal(message);
  }

  /** Seal one frame and hand it to `via`, after every frame before it. */
  #seal(message: PeerMessage): boolean {
    if (!RELAYED_TYPES.has(message.type)) return false;
    const plain = encoder.encode(encodePeerMessage(message));
    if (plain.byteLength > MAX_PEER_FRAME_BYTES) return false;
    const n = this.#sent++;
    this.#sealing = this.#sealing.then(async () => {
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce(n) }, this.#options.keys.seal, plain);
      if (this.#state === 'closed' || this.#state === 'failed') return;
      if (!this.#options.carry({ session: this.session, n, box: base64url(new Uint8Array(sealed)) })) this.#fail({ why: 'closed' });
    });
    return true;
  }

  /** A frame `via` passed on from them. */
  receive(frame: RelayFrame): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    if (frame.n !== this.#expected) {
      this.#fail({ why: 'tampered', via: this.via });
      return;
    }
    this.#expected += 1;
    this.#opening = this.#opening.then(async () => {
      const box = fromBase64url(frame.box);
      let plain: ArrayBuffer;
      try {
        if (!box) throw new Error('not base64url');
        plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce(frame.n) }, this.#options.keys.open, box);
      } catch {
        this.#fail({ why: 'tampered', via: this.via });
        return;
      }
      this.#deliver(new Uint8Array(plain));
    });
  }

  probe(): void {
    this.#probe.ask();
  }

  /** `via` can no longer carry it (they left, or a link to them broke): no frame of it can arrive. */
  lost(): void {
    this.#fail({ why: 'closed' });
  }

  fail(reason: LinkFailure): void {
    this.#fail(reason);
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#stop();
    this.#state = 'closed';
  }

  /** A frame they sealed, opened: it is theirs, so what it says is judged like any frame of theirs. */
  #deliver(plain: Uint8Array): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    const options = this.#options;
    if (!options.budget.take('frame', performance.now())) {
      this.#fail({ why: 'flood' });
      return;
    }
    const parsed = parsePeerFrame(plain);
    if (!parsed.ok || !RELAYED_TYPES.has(parsed.message.type)) {
      options.onDropped();
      return;
    }
    const { message } = parsed;
    this.#heartbeat.heard();
    if (this.#state === 'connecting') {
      clearTimeout(this.#timer);
      this.#heartbeat.start();
      this.#state = 'connected';
      if (!options.proposer) this.send(HELLO);
      options.onState('connected');
    }
    if (!ownFrame(message, this.#own)) options.onMessage(message);
  }

  readonly #own = {
    send: (message: PeerMessage) => this.send(message),
    fail: (reason: LinkFailure) => this.#fail(reason),
    ponged: () => this.#probe.answered(),
  };

  #stop(): void {
    this.#heartbeat.stop();
    clearTimeout(this.#timer);
    this.#probe.answered();
  }

  #fail(reason: LinkFailure): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    this.#stop();
    this.#state = 'failed';
    this.#options.onState('failed', reason);
  }
}
