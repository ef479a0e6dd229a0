import { NAME_SUGGESTIONS, isMemberId, numberedNicks } from '@meshchat/protocol';
import { nickSkeleton } from '@meshchat/protocol/skeleton';

/** The key a nickname's seat is unique on within a room: its confusable skeleton (see `nickSkeleton`). */
export const seatKey = nickSkeleton;

/** The key a seat is unique on: a private room member's opaque id as it is (already a keyed hash of a skeleton), a nickname's skeleton. */
export function memberKey(name: string): string {
  return isMemberId(name) ? name : seatKey(name);
}

/**
 * Names to suggest in place of a taken `nick`, best first: `nick2`, `nick3`, …. A private room
 * member's id says nothing the server could vary: the client sends the ids of the names it would
 * suggest (`alternatives`, made the same way), and those are tried.
 */
export function namesLike(nick: string, alternatives: readonly string[]): string[] {
  return isMemberId(nick) ? alternatives.filter(isMemberId).slice(0, NAME_SUGGESTIONS) : numberedNicks(nick);
}
