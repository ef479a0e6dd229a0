/**
 * @mentions: "@alice" in a message names alice, when alice is someone the writer could mean (a
 * member of the room, or the reader). Nicknames may hold spaces, so the longest name that fits
 * wins, and it must end where a word ends. Pure.
 */

/** Where each mention of `nicks` is in `text`: its place, its length (the @ included), and whom it names. */
export function findMentions(text: string, nicks: Iterable<string>): { at: number; length: number; nick: string }[] {
  if (!text.includes('@')) return [];
  const names = [...new Set(nicks)].filter((nick) => nick !== '').sort((a, b) => b.length - a.length);
  const lower = names.map((nick) => nick.toLocaleLowerCase());
  const found: { at: number; length: number; nick: string }[] = [];
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    // An @ inside a word (an e-mail address) names nobody.
    if (at > 0 && /[\p{L}\p{N}._-]/u.test(text[at - 1] ?? '')) continue;
    const rest = text.slice(at + 1).toLocaleLowerCase();
    const index = lower.findIndex((name) => rest.startsWith(name) && !/^[\p{L}\p{N}\p{M}_-]/u.test(rest.slice(name.length)));
    const nick = names[index];
    if (nick === undefined) continue;
    found.push({ at, length: nick.length + 1, nick });
    at += nick.length;
  }
  return found;
}

/** Whom `text` mentions, once each, in the order first mentioned. */
export function mentionsIn(text: string, nicks: Iterable<string>): string[] {
  return [...new Set(findMentions(text, nicks).map(({ nick }) => nick))];
}
