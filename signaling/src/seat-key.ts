import unhomoglyph from 'unhomoglyph';
import { NICK_MAX_LENGTH, isMemberId, nickKey, normalizeNick } from '@meshchat/protocol';

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The key nicknames are unique on within a room: a confusable skeleton in the sense of Unicode
 * TS #39 (§4), taken after NFKC and case folding, so "ana", "ANA", full-width "ａｎａ",
 * mathematical "𝖺𝗇𝖺" and Cyrillic "аna" all have one key and cannot share a room.
 *
 * The confusables map is unhomoglyph's, which is generated from Unicode's own confusables.txt and
 * is what Matrix clients use to tell look-alike display names apart.
 */
export function seatKey(nick: string): string {
  const folded = nickKey(nick).normalize('NFD').replace(IGNORABLE, '');
  return unhomoglyph(folded).normalize('NFD');
}

/** The key a seat is unique on: a private room member's opaque id as it is (already a keyed hash of a skeleton), a nickname's skeleton. */
export function memberKey(name: string): string {
  return isMemberId(name) ? name : seatKey(name);
}

/** How many names are tried for a suggestion in place of a taken one. */
const SUGGESTIONS = 8;

/**
 * Names to suggest in place of a taken `nick`, best first: `nick2`, `nick3`, … (shortened to fit).
 * A private room member's id says nothing the server could vary: the client sends the ids of the
 * names it would suggest (`alternatives`), and those are tried.
 */
export function namesLike(nick: string, alternatives: readonly string[]): string[] {
  if (isMemberId(nick)) return alternatives.filter(isMemberId).slice(0, SUGGESTIONS);
  const points = [...nick];
  const names: string[] = [];
  for (let n = 2; n <= SUGGESTIONS + 1; n++) {
    const name = normalizeNick(points.slice(0, NICK_MAX_LENGTH - String(n).length).join('') + n);
    if (name !== undefined) names.push(name);
  }
  return names;
}
