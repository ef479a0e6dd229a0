import { DEFAULT_ROOM, NICK_MAX_LENGTH, ROOM_NAME_MAX_LENGTH } from './limits';

const NICK_CHARS = /^[\p{L}\p{M}\p{N} _-]+$/u;
const NICK_NEEDS = /[\p{L}\p{N}]/u;
const ROOM_CHARS = /^[A-Za-z0-9_-]+$/;

/**
 * A nickname as it is shown: trimmed and NFC-normalised, 1–24 code points of letters, digits,
 * space, `-` and `_`, with at least one letter or digit. Returns `undefined` when invalid.
 */
export function normalizeNick(raw: string): string | undefined {
  const nick = raw.normalize('NFC').trim();
  const length = [...nick].length;
  if (length < 1 || length > NICK_MAX_LENGTH) return undefined;
  if (!NICK_CHARS.test(nick) || !NICK_NEEDS.test(nick)) return undefined;
  return nick;
}

/** The key two nicknames are compared by: "Alice" and "alice" cannot share a room. */
export function nickKey(nick: string): string {
  return nick.normalize('NFC').toLowerCase();
}

/** A room name as given, or the default room when blank. Returns `undefined` when invalid. */
export function normalizeRoom(raw: string | undefined): string | undefined {
  const room = (raw ?? '').trim();
  if (room === '') return DEFAULT_ROOM;
  if (room.length > ROOM_NAME_MAX_LENGTH || !ROOM_CHARS.test(room)) return undefined;
  return room;
}
