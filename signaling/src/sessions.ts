import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a session token says about the seat it was issued for. */
export interface SessionClaims {
  room: string;
  nick: string;
  /** When it was issued, ms since the epoch. */
  issuedAt: number;
}

const MAC_BYTES = 18;

/**
 * Session tokens the server signs, so a restarted server (which has forgotten every seat) can still
 * tell a member coming back from a stranger guessing names: `payload.mac`, the payload naming the
 * room, nickname and time of issue, the MAC an HMAC-SHA256 under the server's secret.
 */
export class SessionTokens {
  readonly #secret: Buffer;

  constructor(secret: string) {
    this.#secret = Buffer.from(secret, 'utf8');
  }

  mint(room: string, nick: string, now = Date.now()): string {
    const payload = Buffer.from(JSON.stringify([room, nick, now, randomBytes(9).toString('base64url')]), 'utf8').toString('base64url');
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
      const [room, nick, issuedAt] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[];
      if (typeof room !== 'string' || typeof nick !== 'string' || typeof issuedAt !== 'number') return undefined;
      return { room, nick, issuedAt };
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
