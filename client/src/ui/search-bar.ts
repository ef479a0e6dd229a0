import { LitElement, css, html } from 'lit';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';

/** What the search found: how many matches, and which one is shown (0-based), if any. */
export interface Found {
  count: number;
  index: number;
}

/** The words to find changed. */
export class SearchQueryEvent extends Event {
  static readonly type = 'search-query';
  constructor(readonly query: string) {
    super(SearchQueryEvent.type, { bubbles: true, composed: true });
  }
}

/** Go to the next match (`1`, older) or the previous one (`-1`, newer). */
export class SearchStepEvent extends Event {
  static readonly type = 'search-step';
  constructor(readonly step: 1 | -1) {
    super(SearchStepEvent.type, { bubbles: true, composed: true });
  }
}

/**
 * The search box over a conversation: what it finds is marked in the messages; Enter goes to the
 * next match (older), Shift+Enter back, Escape (or Close search) closes it.
 * @fires search-query
 * @fires search-step
 * @fires search-close
 */
export class SearchBar extends LitElement {
  static override properties = { found: { attribute: false } };

  declare found: Found;

  constructor() {
    super();
    this.found = { count: 0, index: -1 };
    updateWhenLocaleChanges(this);
  }

  static override styles = css`
    :host {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.4rem;
      padding: 0.3rem 0.5rem;
      border-bottom: 1px solid var(--border);
    }
    input {
      flex: 1;
      min-width: 8rem;
      font: inherit;
      padding: 0.3rem 0.5rem;
      color: inherit;
      background: var(--field);
      border: 1px solid var(--border);
      border-radius: 0.25rem;
    }
    output {
      color: var(--muted);
      font-size: 0.9em;
      min-width: 5rem;
    }
    button {
      font: inherit;
      padding: 0.25rem 0.5rem;
    }
  `;

  override render() {
    const { count, index } = this.found;
    const query = this.#input?.value ?? '';
    const said = query === '' ? '' : count === 0 ? msg('No matches') : msg(str`${index + 1} of ${count}`);
    return html`
      <input type="search" aria-label=${msg('Search messages')} placeholder=${msg('Search messages')} @input=${this.#typed} @keydown=${this.#keydown} />
      <output aria-live="polite">${said}</output>
      <button type="button" aria-label=${msg('Next match')} title=${msg('Next match')} ?disabled=${count === 0} @click=${() => this.#step(1)}>↑</button>
      <button type="button" aria-label=${msg('Previous match')} title=${msg('Previous match')} ?disabled=${count === 0} @click=${() => this.#step(-1)}>↓</button>
      <button type="button" @click=${this.#close}>${msg('Close search')}</button>
    `;
  }

  get #input(): HTMLInputElement | null {
    return this.renderRoot.querySelector('input');
  }

  override focus(): void {
    this.#input?.focus();
    this.#input?.select();
  }

  #typed() {
    this.dispatchEvent(new SearchQueryEvent(this.#input?.value ?? ''));
  }

  #step(step: 1 | -1) {
    this.dispatchEvent(new SearchStepEvent(step));
  }

  #keydown(event: KeyboardEvent) {
    if (event.key === 'Enter') {
      event.preventDefault();
      this.#step(event.shiftKey ? -1 : 1);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      this.#close();
    }
  }

  #close() {
    this.dispatchEvent(new Event('search-close', { bubbles: true, composed: true }));
  }
}

customElements.define('mc-search-bar', SearchBar);
declare global {
  interface HTMLElementTagNameMap {
    'mc-search-bar': SearchBar;
  }
}
