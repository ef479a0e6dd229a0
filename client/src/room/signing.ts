import type { Chained, HistoryRecord, SigningAlgorithm } from '@meshchat/protocol';
import { base64url, fromBase64url, keptInTab } from '../net';

/**
 * Who wrote a room message, provably: each member signs what it says to the room with a key of its
 * own (Ed25519; ECDSA P-256 where a browser lacks it). Its public half goes over each link and into
 * the link's safety code, so comparing codes checks the key too. Messages chain: each names its
 * author's previous one by hash, so a missing or changed message shows.
 */

const encoder = new TextEncoder();

/** Generation and verification parameters of each algorithm. */
const PARAMS: Record<SigningAlgorithm, { key: EcKeyImportParams | Algorithm; sign: EcdsaParams | Algorithm }> = {
  Ed25519: { key: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  'P-256': { key: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
};

/** What a record says: its words, and what they reply to or act on. */
export type Body = Pick<HistoryRecord, 'text' | 're' | 'act' | 'of'>;

/** What a record is signed over: its place in the chain, its time and id, what it acts on, and a digest of its words (in the room it was said in). */
export interface Signable extends Pick<HistoryRecord, 'by' | 'n' | 'prev' | 'ts' | 'id' | 'act' | 'of'> {
  digest: string;
}

/**
 * The SHA-256 of a record's words and what they reply to, base64url: a holder may drop the words of
 * a message (or an edit) overtaken since and keep this; what a record is (a message, an edit of
 * which message) stays signed in the open.
 */
export async function digestOf({ text, re }: Pick<Body, 'text' | 're'>): Promise<string> {
  const words = JSON.stringify([text ?? null, re ? [re.by, re.id] : null]);
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(words))));
}

/**
 * What `record` is signed over: with the digest of its words, or, held without them, the digest
 * it carries. `undefined` for a record that has both words and a digest, or is nothing at all.
 */
export async function signableOf(record: HistoryRecord): Promise<Signable | undefined> {
  const { by, n, prev, ts, id, act, of } = record;
  const placed = { by, n, prev, ts, id, ...(act ? { act } : {}), ...(of ? { of } : {}) };
  const words = record.text !== undefined || record.re !== undefined;
  if (record.digest !== undefined) return words ? undefined : { ...placed, digest: record.digest };
  return words || act !== undefined ? { ...placed, digest: await digestOf(record) } : undefined;
}

/** The bytes an author signs for a record in `room`; JSON, so no field can run into the next. */
export function signedBytes(room: string, signable: Signable): Uint8Array<ArrayBuffer> {
  const { by, n, prev, ts, id, act, of, digest } = signable;
  return encoder.encode(JSON.stringify(['meshchat record v3', room, by, n, prev, ts, id, act ?? null, of ? [of.by, of.id] : null, digest]));
}

/** What the next record of an author names as its `prev`: the SHA-256 of the record's signed bytes. */
export async function messageHash(room: string, signable: Signable): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', signedBytes(room, signable))));
}

/** One member's signing key and where its chain stands in one room. */
export class Signer {
  readonly alg: SigningAlgorithm;
  /** The public key, raw, base64url. */
  readonly key: string;
  readonly #private: CryptoKey;
  readonly #room: string;
  readonly #me: string;
  #n: number;
  #prev: string;
  /** Messages are signed one after another, so each names the one before. */
  #last: Promise<unknown> = Promise.resolve();
  readonly #saved: ((state: { n: number; prev: string }) => void) | undefined;

  constructor(options: {
    alg: SigningAlgorithm;
    key: string;
    privateKey: CryptoKey;
    room: string;
    me: string;
    /** Where the chain stood when this key last signed in this room (a reloaded tab goes on from there). */
    from?: { n: number; prev: string } | undefined;
    saved?: ((state: { n: number; prev: string }) => void) | undefined;
  }) {
    this.alg = options.alg;
    this.key = options.key;
    this.#private = options.privateKey;
    this.#room = options.room;
    this.#me = options.me;
    this.#n = options.from?.n ?? 0;
    this.#prev = options.from?.prev ?? '';
    this.#saved = options.saved;
  }

  /** Sign our next record in the room (a message or an action), after any still being signed. */
  sign(record: { id: string; ts: number } & Body): Promise<Chained> {
    const next = this.#last.then(async () => {
      const { id, ts, act, of } = record;
      const signable: Signable = { by: this.#me, n: this.#n + 1, prev: this.#prev, id, ts, ...(act ? { act } : {}), ...(of ? { of } : {}), digest: await digestOf(record) };
      const bytes = signedBytes(this.#room, signable);
      const signature = new Uint8Array(await crypto.subtle.sign(PARAMS[this.alg].sign, this.#private, bytes));
      this.#n = signable.n;
      this.#prev = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
      this.#saved?.({ n: this.#n, prev: this.#prev });
      return { n: signable.n, prev: signable.prev, sig: base64url(signature) };
    });
    this.#last = next.catch(() => undefined);
    return next;
  }
}

/** A fresh key pair: Ed25519 where the browser has it, else ECDSA P-256. */
export async function newKeyPair(): Promise<{ alg: SigningAlgorithm; pair: CryptoKeyPair }> {
  for (const alg of ['Ed25519', 'P-256'] as const) {
    try {
      const pair = (await crypto.subtle.generateKey(PARAMS[alg].key, false, ['sign', 'verify'])) as CryptoKeyPair;
      return { alg, pair };
    } catch {
      // This browser lacks it: the next one.
    }
  }
  throw new Error('this browser can make no signing key');
}

/** The raw public key of `pair`, base64url. */
export async function publicKey(pair: CryptoKeyPair): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
}

/** Imported public keys, by algorithm and key: a room's history names few keys many times. */
const imported = new Map<string, Promise<CryptoKey | undefined>>();

/** Whether `sig` is `key`'s signature of `bytes`; `false` for a key or signature that is not one. */
export async function verifySignature(alg: SigningAlgorithm, key: string, bytes: Uint8Array<ArrayBuffer>, sig: string): Promise<boolean> {
  const name = `${alg} ${key}`;
  let publicKey = imported.get(name);
  if (!publicKey) {
    const raw = fromBase64url(key);
    publicKey = raw ? crypto.subtle.importKey('raw', raw, PARAMS[alg].key, false, ['verify']).catch(() => undefined) : Promise.resolve(undefined);
    if (imported.size > 1000) imported.clear();
    imported.set(name, publicKey);
  }
  const signature = fromBase64url(sig);
  const verifier = await publicKey;
  if (!verifier || !signature) return false;
  return crypto.subtle.verify(PARAMS[alg].sign, verifier, signature, bytes).catch(() => false);
}

/**
 * This tab's signing keys, kept across its reloads (like its DTLS certificate), so a reloaded tab
 * goes on with the same key and its own earlier messages come back verified; `undefined` where
 * the browser can make none (its messages then go unsigned).
 */
export async function tabSigningKeys(): Promise<{ alg: SigningAlgorithm; key: string; privateKey: CryptoKey } | undefined> {
  try {
    const kept = await keptInTab(
      'signing key',
      (made: { alg: SigningAlgorithm; pair: CryptoKeyPair }) => made.pair.privateKey instanceof CryptoKey,
      newKeyPair,
    );
    return { alg: kept.alg, key: await publicKey(kept.pair), privateKey: kept.pair.privateKey };
  } catch (error: unknown) {
    console.warn('meshchat: no signing key', error);
    return undefined;
  }
}
