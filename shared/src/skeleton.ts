import unhomoglyph from 'unhomoglyph';
import { nickKey } from './names';

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * What nicknames are unique on within a room: a confusable skeleton in the sense of Unicode TS #39
 * (§4), taken after NFKC and case folding, so "ana", "ANA", full-width "ａｎａ", mathematical "𝖺𝗇𝖺" and
 * Cyrillic "аna" all have one skeleton and cannot share a room. The server keys public rooms' seats
 * on it; in a private room the client hashes it into the member id the server sees instead.
 *
 * The confusables map is unhomoglyph's, generated from Unicode's own confusables.txt (what Matrix
 * clients use to tell look-alike display names apart). It is about 28 KB gzipped: imported from
 * its own path (`@meshchat/protocol/skeleton`), so a page loads it only for a private room.
 */
export function nickSkeleton(nick: string): string {
  const folded = nickKey(nick).normalize('NFD').replace(IGNORABLE, '');
  return unhomoglyph(folded).normalize('NFD');
}
