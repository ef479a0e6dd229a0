import unhomoglyph from 'unhomoglyph';
import { nickKey } from '@meshchat/protocol';

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
