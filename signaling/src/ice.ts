import { createHmac } from 'node:crypto';
import type { IceConfig, IceServerConfig } from '@meshchat/protocol';

export interface IceOptions {
  /** `stun:` URLs handed out as they are. */
  stunUrls: readonly string[];
  /** `turn:`/`turns:` URLs that get time-limited credentials. */
  turnUrls: readonly string[];
  /** coturn's `static-auth-secret`; never leaves the server. */
  turnSecret: string | undefined;
  turnTtlSeconds: number;
}

/**
 * coturn's REST-API credentials (`use-auth-secret`): the username carries its own expiry,
 * `expiry:user`, and the password is base64(HMAC-SHA1(secret, username)).
 */
export function turnCredentials(secret: string, user: string, expiresAtSeconds: number) {
  const username = `${expiresAtSeconds}:${user}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/**
 * The ICE servers for one client: this server's own STUN first, then those configured. With
 * nothing at all: none, so host candidates only.
 */
export function iceConfig(options: IceOptions, user: string, ownStunUrl?: string, now = Date.now()): IceConfig {
  const iceServers: IceServerConfig[] = [];
  const stunUrls = [...(ownStunUrl ? [ownStunUrl] : []), ...options.stunUrls];
  if (stunUrls.length > 0) iceServers.push({ urls: stunUrls });
  if (options.turnUrls.length === 0 || options.turnSecret === undefined) return { iceServers, expiresAt: null };
  const expiresAtSeconds = Math.floor(now / 1000) + options.turnTtlSeconds;
  iceServers.push({ urls: [...options.turnUrls], ...turnCredentials(options.turnSecret, user, expiresAtSeconds) });
  return { iceServers, expiresAt: expiresAtSeconds * 1000 };
}

/** A TURN username part from a nickname: ASCII letters, digits, `-` and `_` only. */
export function turnUser(raw: unknown): string {
  const user = typeof raw === 'string' ? raw.normalize('NFC').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 32) : '';
  return user || 'guest';
}
