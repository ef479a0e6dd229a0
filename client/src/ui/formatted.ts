import { html, nothing, type TemplateResult } from 'lit';
import type { Token, Tokens } from 'marked';

/**
 * Formatting in messages (**bold**, _italic_, `code`, fenced code, > quotes, lists, links), drawn
 * from the tokens of a Markdown parser (marked's lexer) straight into Lit templates: nothing is
 * ever HTML, raw HTML in a message stays text, and a link goes only to http(s). The parser loads
 * the first time a message looks formatted, never with the first screen.
 */

type Lex = (text: string) => Token[];
let lex: Lex | undefined;
let loading: Promise<unknown> | undefined;

/** Whether `text` may hold formatting (cheap: most messages do not, and are drawn as they are). */
export function mayBeFormatted(text: string): boolean {
  return /[*_`~]|^\s{0,3}(?:>|[-+*]\s|\d{1,9}[.)]\s)|\]\(/m.test(text);
}

/** Load the parser, once; `ready` runs when it can be used (messages then drawn again are formatted). */
export function loadFormatting(ready: () => void): void {
  loading ??= import('marked').then(({ Lexer }) => {
    lex = (text) => Lexer.lex(text, { gfm: true, breaks: true });
    ready();
  });
}

/** How plain words are drawn: with mentions, links and search marks (see `linked`). */
type Words = (text: string) => unknown;

/** Deeper than this (a wall of nested quotes or lists), what is left is drawn as it was written. */
const MAX_DEPTH = 8;

/** `text` formatted, or `undefined` while the parser is not loaded or `text` needs none. */
export function formatted(text: string, words: Words): TemplateResult | undefined {
  if (!lex || !mayBeFormatted(text)) return undefined;
  try {
    return html`${blocks(lex(text), words, 0)}`;
  } catch (error: unknown) {
    console.warn('meshchat: a message could not be formatted', error);
    return undefined;
  }
}

function blocks(tokens: readonly Token[], words: Words, depth: number): unknown[] {
  return tokens.map((token) => block(token, words, depth));
}

function block(token: Token, words: Words, depth: number): unknown {
  if (depth > MAX_DEPTH) return words(token.raw);
  switch (token.type) {
    case 'space':
      return nothing;
    case 'paragraph':
    case 'heading':
      return html`<span class="para">${inline((token as Tokens.Paragraph).tokens, words, depth)}</span>`;
    case 'text':
      return 'tokens' in token && token.tokens ? inline(token.tokens, words, depth) : words(token.raw);
    case 'code':
      return html`<pre><code>${(token as Tokens.Code).text}</code></pre>`;
    case 'blockquote':
      return html`<blockquote>${blocks((token as Tokens.Blockquote).tokens, words, depth + 1)}</blockquote>`;
    case 'list': {
      const list = token as Tokens.List;
      const items = list.items.map((item) => html`<li>${blocks(item.tokens, words, depth + 1)}</li>`);
      const start = typeof list.start === 'number' && list.start !== 1 ? list.start : nothing;
      return list.ordered ? html`<ol start=${start}>${items}</ol>` : html`<ul>${items}</ul>`;
    }
    default:
      // Raw HTML, tables, rules and anything newer: as written.
      return html`<span class="para">${words(token.raw)}</span>`;
  }
}

function inline(tokens: readonly Token[] | undefined, words: Words, depth: number): unknown[] {
  return (tokens ?? []).map((token) => {
    if (depth > MAX_DEPTH) return words(token.raw);
    switch (token.type) {
      case 'text':
        // As typed: an entity (&#106;) stays as written, not decoded.
        return 'tokens' in token && token.tokens ? inline(token.tokens, words, depth + 1) : words(token.raw);
      case 'escape':
        return words((token as Tokens.Escape).text);
      case 'strong':
        return html`<strong>${inline((token as Tokens.Strong).tokens, words, depth + 1)}</strong>`;
      case 'em':
        return html`<em>${inline((token as Tokens.Em).tokens, words, depth + 1)}</em>`;
      case 'del':
        return html`<del>${inline((token as Tokens.Del).tokens, words, depth + 1)}</del>`;
      case 'codespan':
        return html`<code>${(token as Tokens.Codespan).text}</code>`;
      case 'br':
        return html`<br />`;
      case 'link': {
        const link = token as Tokens.Link;
        const href = webAddress(link.href);
        // Its words as they are: a link's label holds no other link.
        return href ? html`<a href=${href} target="_blank" rel="noopener noreferrer">${link.text}</a>` : words(link.raw);
      }
      default:
        // Raw HTML and images (never fetched: a picture from elsewhere would tell its host who reads): as written.
        return words(token.raw);
    }
  });
}

/** `href` if it is an http(s) address, else nothing: no `javascript:`, `data:` or relative links. */
function webAddress(href: string): string | undefined {
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
