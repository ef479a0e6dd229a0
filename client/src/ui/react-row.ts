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
  static override properties = { more: { state: true } };

  /** Whether every emoji is offered (the picker), not only the quick six. */
  declare more: boolean;
  #line: ChatLine | undefined;
  #anchor: HTMLElement | undefined;

  constructor() {
    super();
    this.more = false;
    updateWhenLocaleChanges(this);
    this.addEventListener('toggle', (event) => {
      if ((event as ToggleEvent).newState === 'closed') this.#closed();
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Attributes are the element's own once it is connected (a constructor may not add any).
    this.popover = 'auto';
    this.setAttribute('role', 'dialog');
  }

  static override styles = css`
    :host {
      inset: auto;
      margin: 0;
      max-width: 96vw;
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
    const quick = QUICK_REACTIONS.map((emoji) => html`<button type="button" @click=${() => this.#chose(emoji)}>${emoji}</button>`);
    if (this.more) return html`${quick}<mc-emoji-picker @emoji-chosen=${(event: CustomEvent<string>) => this.#chose(event.detail)}></mc-emoji-picker>`;
    return html`${quick}<button type="button" class="more" aria-label=${msg('More reactions')} title=${msg('More reactions')} @click=${this.#more}>＋</button>`;
  }

  /** Every emoji: the picker's code and data load the first time it is asked for. */
  async #more() {
    await import('./emoji-picker');
    this.more = true;
    await this.updateComplete;
    this.renderRoot.querySelector('mc-emoji-picker')?.focus();
    if (this.#anchor) this.#place(this.#anchor);
  }

  /** Offer the quick reactions for `line`, beside `anchor` (its React button). */
  async open(line: ChatLine, anchor: HTMLElement): Promise<void> {
    this.#line = line;
    this.#anchor = anchor;
    this.more = false;
    this.showPopover();
    await this.updateComplete;
    this.#place(anchor);
    this.renderRoot.querySelector('button')?.focus();
  }

  /** Beside `anchor`: above it where there is room, else below; within the window. */
  #place(anchor: HTMLElement) {
    const place = anchor.getBoundingClientRect();
    const width = this.offsetWidth;
    const height = this.offsetHeight;
    this.style.left = `${Math.max(4, Math.min(place.right - width, innerWidth - width - 4))}px`;
    this.style.top = `${Math.max(4, place.top - height - 4 >= 0 ? place.top - height - 4 : Math.min(place.bottom + 4, innerHeight - height - 4))}px`;
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
