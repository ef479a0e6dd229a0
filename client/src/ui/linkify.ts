/** A piece of a message: plain text, or a web link. */
export type Piece = { text: string } | { text: string; href: string };

// http(s) URLs, and bare www. addresses, not inside a word, an e-mail address or a path.
const URL_PATTERN = /(?<![\w.@/-])(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;
/** A bare address is a link only when it names a host under a real-looking top-level domain. */
const BARE_HOST = /^www\.[^.]+(\.[^.]+)*\.[a-z]{2,}$/i;
/** Punctuation that ends a sentence rather than a URL. */
const TRAILING = /[.,;:!?)\]}]+$/;

/**
 * Split message text into plain text and links. Only http(s) URLs and bare `www.` addresses
 * (opened as https) become links; everything else, markup and `javascript:` included, stays text
 * that is rendered as text.
 */
export function linkify(text: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = match[0].replace(TRAILING, '');
    const start = match.index;
    let href: string | undefined;
    const bare = !/^https?:/i.test(raw);
    try {
      const url = new URL(bare ? `https://${raw}` : raw);
      if (bare ? BARE_HOST.test(url.hostname) : url.protocol === 'http:' || url.protocol === 'https:') href = url.href;
    } catch {
      href = undefined; // Not a URL after all: it stays text.
    }
    if (href === undefined) continue;
    if (start > last) pieces.push({ text: text.slice(last, start) });
    pieces.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });
  return pieces;
}
