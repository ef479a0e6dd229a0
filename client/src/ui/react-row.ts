import { LitElement, css, html } from 'lit';
import { msg, updateWhenLocaleChanges } from '@lit/localize';
import { QUICK_REACTIONS } from '@meshchat/protocol';
import type { ChatLine } from '../room';
import { MessageActionEvent } from './events';

/**
 * The quick reactions, for one message at a time: opened by a message's React button, beside it,
 * with focus on the first emoji; choosing one, Escape or a click elsewhere closes it and gives focus
 * back to the button.
 */
export class ReactRow extends LitElement {
  #line: ChatLine | undefined;
  #anchor: HTMLElement | undefined;

  constructor() {
    super();
    this.popover = 'auto';
    this.setAttribute('role', 'dialog');
    updateWhenLocaleChanges(this);
    this.addEventListener('toggle', (event) => {
      if ((event as ToggleEvent).newState === 'closed') this.#closed();
    });
  }

  static override styles = css`
    :host {
      inset: auto;
      margin: 0;
      padding: 0.25rem;
      border: 1px solid var(--border);
      border-radius: 0.5rem;
      background: var(--bg);
      color: inherit;
      box-shadow: 0 0.2rem 0.8rem rgb(0 0 0 / 0.2);
    }
    button {
      font: inherit;
      font-size: 1.3rem;
      min-width: 2.75rem;
      min-height: 2.75rem;
      border: none;
      border-radius: 0.4rem;
      background: none;
      cursor: pointer;
    }
    button:hover,
    button:focus-visible {
      background: color-mix(in srgb, var(--accent) 18%, transparent);
    }
  `;

  override render() {
    this.setAttribute('aria-label', msg('React with'));
    return html`${QUICK_REACTIONS.map((emoji) => html`<button type="button" @click=${() => this.#chose(emoji)}>${emoji}</button>`)}`;
  }

  /** Offer the quick reactions for `line`, beside `anchor` (its React button). */
  async open(line: ChatLine, anchor: HTMLElement): Promise<void> {
    this.#line = line;
    this.#anchor = anchor;
    const place = anchor.getBoundingClientRect();
    this.showPopover();
    await this.updateComplete;
    const width = this.offsetWidth;
    const height = this.offsetHeight;
    this.style.left = `${Math.max(4, Math.min(place.right - width, innerWidth - width - 4))}px`;
    this.style.top = `${place.top - height - 4 >= 0 ? place.top - height - 4 : place.bottom + 4}px`;
    this.renderRoot.querySelector('button')?.focus();
  }

  #chose(emoji: string) {
    const line = this.#line;
    if (line) this.dispatchEvent(new MessageActionEvent('react', line, emoji));
    this.hidePopover();
  }

  #closed() {
    this.#line = undefined;
    this.#anchor?.focus();
    this.#anchor = undefined;
  }
}

customElements.define('mc-react-row', ReactRow);
declare global {
  interface HTMLElementTagNameMap {
    'mc-react-row': ReactRow;
  }
}
