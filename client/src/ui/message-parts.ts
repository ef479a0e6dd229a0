import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { findMentions, receiptState, type ChatLine, type Receipt } from '../room';
import { MessageActionEvent } from './events';
import { currentLanguage } from './i18n';
import { linkify } from './linkify';
import { names } from './words';

/**
 * The parts of a message line beyond its words: what it replies to, its reactions, and the actions
 * on it (Reply, React, Edit, Delete), shown where the reader points, focuses or taps.
 */

/** The quote above a reply: activating it goes to the message replied to, where it is held. */
export function replyQuote(line: ChatLine): TemplateResult | typeof nothing {
  const re = line.re;
  if (!re) return nothing;
  const words = re.deleted ? msg('message deleted') : (re.quote ?? msg('a message not held here'));
  const held = !re.deleted && re.quote !== undefined;
  return html`<button type="button" class="quote" data-re-by=${re.by} data-re-id=${re.id} ?disabled=${!held} aria-label=${msg(str`In reply to ${re.by}: ${words}`)}>
    <span class="quote-who">${re.by}</span> <span class="quote-text">${words}</span>
  </button>`;
}

/** One chip an emoji under the message: its name is the emoji and the count; pressed when we reacted; who reacted on hover or focus. */
export function reactionChips(line: ChatLine, me: string): TemplateResult | typeof nothing {
  const reactions = line.reactions ?? [];
  if (reactions.length === 0 || line.deleted) return nothing;
  return html`<span class="reactions">
    ${reactions.map(({ emoji, by }) => {
      const who = names(by);
      return html`<button
        type="button"
        class="chip"
        aria-pressed=${by.includes(me) ? 'true' : 'false'}
        title=${who}
        data-who=${who}
        @click=${(event: Event) => event.target?.dispatchEvent(new MessageActionEvent('react', line, emoji))}
      >
        ${emoji} ${by.length}
      </button>`;
    })}
  </span>`;
}

/** The actions on a message: Reply and React on every one, Edit and Delete on our own; none on a deleted one. */
export function messageActions(line: ChatLine, me: string): TemplateResult | typeof nothing {
  if (!line.ref || line.deleted) return nothing;
  const act = (action: MessageActionEvent['action']) => (event: Event) => event.target?.dispatchEvent(new MessageActionEvent(action, line));
  const mine = line.ref.by === me;
  // No white space between the buttons: a flex row spaces them, and each space would be a node in every line.
  return html`<span class="actions" role="group" aria-label=${msg('Message actions')}
    ><button type="button" @click=${act('reply')}>${msg('Reply')}</button
    ><button type="button" aria-haspopup="true" @click=${act('react')}>${msg('React')}</button
    >${mine ? html`<button type="button" @click=${act('edit')}>${msg('Edit')}</button><button type="button" @click=${act('delete')}>${msg('Delete')}</button>` : nothing}</span
  >`;
}

/** The words of a message as its actions left them: "(edited)" after new words, "message deleted" in place of taken-back ones. */
export function amendedMark(line: ChatLine): TemplateResult | typeof nothing {
  if (line.edited) return html` <span class="edited">${msg('(edited)')}</span>`;
  return nothing;
}

/**
 * ✓ sent, ✓✓ delivered, 🕓 waiting for a link. Public messages say how many of the room have it,
 * and who has seen it ("seen by alice, bob"); the words are in the label, so screen readers hear
 * them too. ✓✓ takes the accent colour once everyone it went to has seen it.
 */
export function receiptMark(receipt: Receipt, isPublic: boolean): TemplateResult {
  const state = receiptState(receipt);
  const k = receipt.delivered.length;
  const n = receipt.to.length;
  const count = msg(str`delivered to ${k}/${n}`);
  const words: Record<typeof state, string> = {
    queued: msg('waiting for the link to come back'),
    sent: msg('sent'),
    delivered: msg('delivered'),
    partial: msg(str`not delivered to ${receipt.lost.join(', ')}: they left`),
  };
  const seen = receipt.seen ?? [];
  const seenWords = seen.length === 0 ? [] : [isPublic ? msg(str`seen by ${seen.join(', ')}`) : msg('seen')];
  const label = [words[state], ...(isPublic && state !== 'partial' ? [count] : []), ...seenWords].join(', ');
  const everyone = seen.length > 0 && receipt.to.every((nick) => seen.includes(nick));
  const mark = { queued: '🕓', sent: '✓', delivered: '✓✓', partial: '✓!' }[state];
  return html`<span
    class="receipt"
    data-receipt=${state}
    data-delivered=${`${k}/${n}`}
    data-seen=${`${seen.length}/${n}`}
    ?data-seen-all=${everyone}
    title=${label}
    aria-label=${label}
    role="img"
    >${mark}</span
  >`;
}

/**
 * Message text with its mentions of people marked ("@alice", more strongly where it is the reader),
 * its http(s) URLs as links, and what a search looks for marked; everything is bound as text, never
 * as HTML.
 */
export function linked(text: string, query = '', mentions: readonly string[] = [], me = ''): unknown {
  // Most lines are plain words: bound as one text node, not as a list of pieces (each costs the line DOM nodes).
  if (query === '' && !text.includes('@') && !MAY_LINK.test(text)) return text;
  const pieces: unknown[] = [];
  let from = 0;
  for (const { at, length, nick } of findMentions(text, mentions)) {
    pieces.push(links(text.slice(from, at), query), html`<span class="mention" ?data-me=${nick === me}>${marked(text.slice(at, at + length), query)}</span>`);
    from = at + length;
  }
  pieces.push(links(text.slice(from), query));
  return pieces;
}

/** Text that may hold a link (what `linkify` looks for starts so). */
const MAY_LINK = /https?:|www\./i;

function links(text: string, query: string) {
  return linkify(text).map((piece) =>
    'href' in piece ? html`<a href=${piece.href} target="_blank" rel="noopener noreferrer">${marked(piece.text, query)}</a>` : marked(piece.text, query),
  );
}

/** Whether `text` holds what a search looks for (case aside). */
export function matches(text: string, query: string): boolean {
  return query !== '' && searchPattern(query).test(text);
}

const searchPattern = (query: string) => new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu');

/** `text` with each place it holds `query` (case aside) as a `<mark>`. */
function marked(text: string, query: string) {
  if (query === '') return text;
  const pieces: (string | TemplateResult)[] = [];
  let from = 0;
  for (const match of text.matchAll(searchPattern(query))) {
    pieces.push(text.slice(from, match.index), html`<mark>${match[0]}</mark>`);
    from = match.index + match[0].length;
  }
  pieces.push(text.slice(from));
  return pieces;
}

/** One clock format per language: making one costs far more than using it (toLocaleTimeString makes one on every call). */
const clocks = new Map<string, Intl.DateTimeFormat>();
function clock(language: string): Intl.DateTimeFormat {
  let format = clocks.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' });
    clocks.set(language, format);
  }
  return format;
}

export function timeOf(ts: number) {
  const date = new Date(ts);
  if (Number.isNaN(date.getTime())) return nothing;
  return html`<time datetime=${date.toISOString()}>${clock(currentLanguage()).format(date)}</time>`;
}
