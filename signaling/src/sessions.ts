import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a session token says about the seat it was issued for. */
export interface SessionClaims {
  room: string;
  nick: string;
  /** When it was issued, ms since the epoch. */
  issuedAt: number;
  /** The seat's id in the store: every token re-issued for one seat carries the same. */
  seat: string;
}

const MAC_BYTES = 18;
/** An HMAC key shorter than this is no secret (an empty file, a typo in the environment). */
export const SESSION_SECRET_MIN_BYTES = 32;

/** Thrown for a secret too short to sign with. */
export class WeakSecretError extends Error {
  override readonly name = 'WeakSecretError';
}

/**
 * Session tokens the server signs, so a restarted server (which has forgotten every seat) can still
 * tell a member coming back from a stranger guessing names: `payload.mac`, the payload naming the
 * room, nickname, time of issue and seat, the MAC an HMAC-SHA256 under the server's secret. A seat
 * keeps its id while its member holds it; the server re-issues its token now and then, so the time
 * of issue says how recently the member was there.
 */
export class SessionTokens {
  readonly #secret: Buffer;

  constructor(secret: string) {
    this.#secret = Buffer.from(secret, 'utf8');
    if (this.#secret.length < SESSION_SECRET_MIN_BYTES) throw new WeakSecretError(`a session secret needs at least ${SESSION_SECRET_MIN_BYTES} bytes, got ${this.#secret.length}`);
  }

  mint(room: string, nick: string, seat: string, now = Date.now()): string {
    const payload = Buffer.from(JSON.stringify([room, nick, now, seat]), 'utf8').toString('base64url');
    return `${payload}.${this.#mac(payload)}`;
  }

  /** The claims of a token this server's secret signed; `undefined` for anything else. */
  verify(token: string): SessionClaims | undefined {
    const [payload, mac, extra] = token.split('.');
    if (payload === undefined || mac === undefined || extra !== undefined) return undefined;
    const expected = Buffer.from(this.#mac(payload), 'utf8');
    const given = Buffer.from(mac, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const [room, nick, issuedAt, seat] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[];
      if (typeof room !== 'string' || typeof nick !== 'string' || typeof issuedAt !== 'number' || typeof seat !== 'string') return undefined;
      return { room, nick, issuedAt, seat };
    } catch {
      // Signed by us, so this cannot happen short of a key compromise; refuse it all the same.
      return undefined;
    }
  }

  #mac(payload: string): string {
    return createHmac('sha256', this.#secret).update(payload).digest().subarray(0, MAC_BYTES).toString('base64url');
  }
}

/** A fresh random secret, for a server that was given none. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A fresh id for a seat. */
export function seatId(): string {
  return randomBytes(12).toString('base64url');
}
