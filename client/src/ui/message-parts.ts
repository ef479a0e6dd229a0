import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import type { ChatLine } from '../room';
import { MessageActionEvent } from './events';
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
  return html`<span class="actions" role="group" aria-label=${msg('Message actions')}>
    <button type="button" @click=${act('reply')}>${msg('Reply')}</button>
    <button type="button" aria-haspopup="true" @click=${act('react')}>${msg('React')}</button>
    ${mine
      ? html`<button type="button" @click=${act('edit')}>${msg('Edit')}</button>
          <button type="button" @click=${act('delete')}>${msg('Delete')}</button>`
      : nothing}
  </span>`;
}

/** The words of a message as its actions left them: "(edited)" after new words, "message deleted" in place of taken-back ones. */
export function amendedMark(line: ChatLine): TemplateResult | typeof nothing {
  if (line.edited) return html` <span class="edited">${msg('(edited)')}</span>`;
  return nothing;
}
