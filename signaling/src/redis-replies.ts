import type { ErrorCode } from '@meshchat/protocol';
import type { ClaimOutcome, Departure, Seat, Stranger } from './store';

// What the Lua scripts of `RedisStore` answer, and how it is checked into the store's types.

/** What the Lua scripts answer, before it is checked into the store's types. */
export interface ScriptReply {
  code?: string;
  evicted?: unknown;
  departures?: unknown;
  departure?: RawDeparture;
  claimed?: { room: string; nick: string; peers: unknown; capacity: number; session: string; replaced: string };
  seat?: Seat;
  from?: string;
  socketId?: string;
  status?: 'already' | 'queued' | 'match';
  stranger?: Stranger;
  removed?: boolean;
}

interface RawDeparture {
  room: string;
  nick: string;
  socketId: string;
  reason: Departure['reason'];
}

export function claimOutcome(reply: ScriptReply): ClaimOutcome {
  const evicted = departures(reply.evicted);
  if (reply.code === 'OK' && reply.claimed) {
    const { peers, replaced, ...claimed } = reply.claimed;
    return {
      ok: true,
      claimed: { ...claimed, peers: Array.isArray(peers) ? peers.map(String) : [], replaced: replaced === '' ? null : replaced },
      evicted,
    };
  }
  return { ok: false, code: (reply.code ?? 'BAD_REQUEST') as ErrorCode, evicted };
}

/** Lua's cjson writes an empty list as `{}`. */
export function departures(raw: unknown): Departure[] {
  return Array.isArray(raw) ? raw.map((entry) => departure(entry as RawDeparture)).filter((d) => d !== undefined) : [];
}

export function departure(raw: RawDeparture | undefined): Departure | undefined {
  return raw && { room: raw.room, nick: raw.nick, socketId: raw.socketId === '' ? null : raw.socketId, reason: raw.reason };
}

/** The URL without its password, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unparsable URL)';
  }
}
