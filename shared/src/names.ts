import { DEFAULT_ROOM, NAME_SUGGESTIONS, NICK_MAX_COMBINING_MARKS, NICK_MAX_LENGTH, ROOM_NAME_MAX_LENGTH } from './limits';

const NICK_CHARS = /^[\p{L}\p{M}\p{N} _-]+$/u;
const NICK_NEEDS = /[\p{L}\p{N}]/u;
const ROOM_CHARS = /^[A-Za-z0-9_-]+$/;
/**
 * Code points that draw nothing or look like a space: default-ignorables (joiners, variation
 * selectors, U+3164 HANGUL FILLER, U+034F) and the blank letters Unicode lists as look-alikes of
 * a space (U+115F/U+1160 Hangul fillers, U+FFA0 half-width filler, U+2800 braille blank).
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u115F\u1160\u3164\uFFA0\u2800]/u;
/** A run of nonspacing or enclosing marks longer than the limit (Zalgo text). */
const STACKED_MARKS = new RegExp(`[\\p{Mn}\\p{Me}]{${NICK_MAX_COMBINING_MARKS + 1},}`, 'u');
/** The same nonspacing mark twice in a row (UTS #39 §5.4), e.g. two acute accents. */
const REPEATED_MARK = /(\p{Mn})\1/u;

/**
 * Scripts told apart for the mixed-script rule. A letter of a script not listed counts as a
 * script of its own. Common and Inherited code points (digits, `-`, `_`, combining marks shared by
 * scripts, mathematical letters) belong to every script and never make a name mixed.
 */
const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Devanagari', 'Bengali',
  'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao',
  'Tibetan', 'Myanmar', 'Georgian', 'Hangul', 'Ethiopic', 'Cherokee', 'Canadian_Aboriginal', 'Khmer',
  'Mongolian', 'Hiragana', 'Katakana', 'Bopomofo', 'Han', 'Tifinagh', 'Nko', 'Vai', 'Javanese', 'Balinese',
  'Sundanese', 'Ol_Chiki', 'Adlam', 'Coptic', 'Runic', 'Ogham', 'Yi', 'Tagalog',
] as const;
type Script = (typeof SCRIPTS)[number] | 'Other';
const SCRIPT_TESTS = SCRIPTS.map((name) => [name, new RegExp(`\\p{scx=${name}}`, 'u')] as const);
const COMMON = /[\p{scx=Common}\p{scx=Inherited}]/u;

/**
 * The sets of scripts UTS #39's "highly restrictive" profile lets one identifier mix: one script
 * alone, or Latin with the scripts Japanese, Chinese and Korean are written in.
 */
const ALLOWED_MIXES: readonly ReadonlySet<Script>[] = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];

/** The scripts each code point may belong to (Script_Extensions); empty for Common and Inherited. */
function scriptsOf(char: string): Script[] {
  const found: Script[] = SCRIPT_TESTS.filter(([, test]) => test.test(char)).map(([name]) => name);
  if (found.length > 0) return found;
  return COMMON.test(char) ? [] : ['Other'];
}

/** Whether `text` stays within one script or one of the allowed mixes (UTS #39 §5.2, highly restrictive). */
function isSingleScript(text: string): boolean {
  // The resolved script set: the scripts every code point could belong to.
  let resolved: Set<Script> | undefined;
  const used = new Set<Script>();
  for (const char of text) {
    const scripts = scriptsOf(char);
    if (scripts.length === 0) continue;
    if (scripts.includes('Other') && used.has('Other')) return false;
    scripts.forEach((script) => used.add(script));
    resolved = resolved ? new Set(scripts.filter((script) => resolved?.has(script))) : new Set(scripts);
  }
  if (resolved === undefined || resolved.size > 0) return true;
  // Japanese mixes Han with kana and Latin; every code point must fit one allowed mix.
  return ALLOWED_MIXES.some((mix) => [...text].every((char) => {
    const scripts = scriptsOf(char);
    return scripts.length === 0 || scripts.some((script) => mix.has(script));
  }));
}

/** Why a nickname is refused, for tests and logs; `undefined` when it is fine. */
export function nickProblem(nick: string): 'length' | 'characters' | 'invisible' | 'marks' | 'mixed-scripts' | undefined {
  const length = [...nick].length;
  if (length < 1 || length > NICK_MAX_LENGTH) return 'length';
  if (INVISIBLE.test(nick)) return 'invisible';
  if (!NICK_CHARS.test(nick) || !NICK_NEEDS.test(nick)) return 'characters';
  if (STACKED_MARKS.test(nick) || REPEATED_MARK.test(nick)) return 'marks';
  if (!isSingleScript(nick)) return 'mixed-scripts';
  return undefined;
}

/**
 * A nickname as it is shown: trimmed and NFC-normalised, 1–24 code points of letters, digits,
 * space, `-` and `_`, with at least one letter or digit, nothing invisible, no stacks of combining
 * marks, and letters of one script (or Latin with Han and kana or Hangul). `undefined` when invalid.
 */
export function normalizeNick(raw: string): string | undefined {
  const nick = raw.normalize('NFC').trim();
  return nickProblem(nick) === undefined ? nick : undefined;
}

/**
 * Whether two nicknames are the same person's in commands and lists: compatibility-normalised
 * and case-folded, so "ANA", "ana" and full-width "ａｎａ" match. The server's uniqueness key
 * goes further and also folds look-alikes (see the signaling server's `seatKey`).
 */
export function nickKey(nick: string): string {
  return nick.normalize('NFKC').toLowerCase();
}

/** Names to offer in place of a taken `nick`, best first: `nick2`, `nick3`, … (shortened to fit the length rule). */
export function numberedNicks(nick: string): string[] {
  const points = [...nick];
  const names: string[] = [];
  for (let n = 2; n <= NAME_SUGGESTIONS + 1; n++) {
    const name = normalizeNick(points.slice(0, NICK_MAX_LENGTH - String(n).length).join('') + n);
    if (name !== undefined) names.push(name);
  }
  return names;
}

/** A room name as given, or the default room when blank. Returns `undefined` when invalid. */
export function normalizeRoom(raw: string | undefined): string | undefined {
  const room = (raw ?? '').trim();
  if (room === '') return DEFAULT_ROOM;
  if (room.length > ROOM_NAME_MAX_LENGTH || !ROOM_CHARS.test(room)) return undefined;
  return room;
}

/** What every room the server makes for a pair of strangers is named with, and nothing else is. */
export const PAIR_ROOM_PREFIX = 'pair-';

/** Whether `room` is one the server made for two strangers (never shown, never shared by link). */
export function isPairRoom(room: string): boolean {
  return room.startsWith(PAIR_ROOM_PREFIX);
}

/** A private room as the server knows it: `p-` and 128 bits (base64url) derived from the room's secret. */
const PRIVATE_ROOM = /^p-[A-Za-z0-9_-]{22}$/;
/**
 * A member of a private room as the server knows them: `~` and a keyed hash (HMAC-SHA256, base64url)
 * of their nickname's confusable skeleton, under a key derived from the room's secret. No nickname
 * holds `~`, so the two never meet.
 */
const MEMBER_ID = /^~[A-Za-z0-9_-]{43}$/;

/** Whether `room` is a private room's id (whose members are seated by opaque ids, not nicknames). */
export function isPrivateRoom(room: string): boolean {
  return PRIVATE_ROOM.test(room);
}

/** Whether `name` is a private room member's opaque id rather than a nickname. */
export function isMemberId(name: string): boolean {
  return MEMBER_ID.test(name);
}

/**
 * The name a member is seated under in `room`: an opaque member id in a private room, a nickname
 * (normalised) in any room. `undefined` when it is neither, or an id outside a private room.
 * (Private rooms still take nicknames while the web client registers by nickname: issue 45 moves
 * it to ids, and then they take ids only.)
 */
export function seatName(raw: string, room: string): string | undefined {
  if (isMemberId(raw)) return isPrivateRoom(room) ? raw : undefined;
  return normalizeNick(raw);
}
