import { LitElement, css, html } from 'lit';
import { msg, updateWhenLocaleChanges } from '@lit/localize';
import { currentLanguage } from './i18n';

/** One emoji as the picker offers it: the character(s), its name and words to find it by. */
interface Emoji {
  emoji: string;
  label: string;
  tags: readonly string[];
}

interface Group {
  name: string;
  emoji: readonly Emoji[];
}

interface CompactEmoji {
  unicode: string;
  label: string;
  group?: number;
  order?: number;
  tags?: string[];
}

/** Emojibase's data for each language the page speaks, served with the app and loaded when the picker first opens. */
type Loader = () => Promise<[{ default: CompactEmoji[] }, { default: { groups: { message: string; order: number }[] } }]>;
const english: Loader = () => Promise.all([import('emojibase-data/en/compact.json'), import('emojibase-data/en/messages.json')]);
const DATA: Record<string, Loader> = {
  en: english,
  pl: () => Promise.all([import('emojibase-data/pl/compact.json'), import('emojibase-data/pl/messages.json')]),
  ru: () => Promise.all([import('emojibase-data/ru/compact.json'), import('emojibase-data/ru/messages.json')]),
};

/** Skin tones and hair styles on their own (group 2), and lone regional letters (no group), are no reactions. */
const COMPONENTS = 2;
const COLUMNS = 8;

const loaded = new Map<string, Promise<Group[]>>();

function groupsFor(language: string): Promise<Group[]> {
  let groups = loaded.get(language);
  if (!groups) {
    groups = (DATA[language] ?? english)().then(([{ default: data }, { default: messages }]) =>
      messages.groups
        .filter(({ order }) => order !== COMPONENTS)
        .map(({ message, order }) => ({
          name: message,
          emoji: data
            .filter((each) => each.group === order)
            .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
            .map(({ unicode, label, tags }) => ({ emoji: unicode, label, tags: tags ?? [] })),
        })),
    );
    loaded.set(language, groups);
  }
  return groups;
}

/**
 * Every emoji, by group, with a search box: for reacting with something beyond the quick six. Its
 * data (Emojibase, in the page's language) comes from the app's own origin the first time it
 * opens. One emoji at a time is in the tab order; the arrow keys move through the grid.
 * @fires emoji-chosen - with the emoji as `detail`
 */
export class EmojiPicker extends LitElement {
  static override properties = { groups: { state: true }, query: { state: true } };

  declare groups: Group[] | undefined;
  declare query: string;
  #active = 0;

  constructor() {
    super();
    this.groups = undefined;
    this.query = '';
    updateWhenLocaleChanges(this);
  }

  static override styles = css`
    :host {
      display: grid;
      gap: 0.3rem;
      width: min(22rem, 90vw);
    }
    input {
      font: inherit;
      padding: 0.3rem 0.5rem;
      color: inherit;
      background: var(--field);
      border: 1px solid var(--border);
      border-radius: 0.25rem;
    }
    .grid {
      max-height: 16rem;
      overflow-y: auto;
    }
    h3 {
      margin: 0.4rem 0 0.2rem;
      font-size: 0.8rem;
      font-weight: 600;
      color: var(--muted);
      text-transform: capitalize;
    }
    .row {
      display: grid;
      grid-template-columns: repeat(${COLUMNS}, 1fr);
    }
    button {
      font-size: 1.3rem;
      min-height: 2.5rem;
      border: none;
      border-radius: 0.3rem;
      background: none;
      cursor: pointer;
    }
    button:hover,
    button:focus-visible {
      background: color-mix(in srgb, var(--accent) 18%, transparent);
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    void groupsFor(currentLanguage()).then((groups) => (this.groups = groups));
  }

  override render() {
    // One template whatever the state, so the search box (and its focus) outlives the data's loading.
    return html`
      <input type="search" aria-label=${msg('Search emoji')} placeholder=${msg('Search emoji')} @input=${this.#typed} @keydown=${this.#searchKey} />
      <div class="grid" @keydown=${this.#gridKey}>${this.groups ? this.#grid(this.groups) : html`<p role="status">${msg('Loading emoji…')}</p>`}</div>
    `;
  }

  #grid(groups: readonly Group[]) {
    const query = this.query.trim().toLocaleLowerCase();
    const shown = groups
      .map(({ name, emoji }) => ({ name, emoji: query ? emoji.filter((each) => each.label.toLocaleLowerCase().includes(query) || each.tags.some((tag) => tag.startsWith(query))) : emoji }))
      .filter(({ emoji }) => emoji.length > 0);
    if (shown.length === 0) return html`<p>${msg('No emoji found')}</p>`;
    let index = 0;
    return shown.map(
      ({ name, emoji }) => html`<h3>${name}</h3>
        <div class="row">
          ${emoji.map((each) => {
            const at = index++;
            return html`<button type="button" tabindex=${at === this.#active ? 0 : -1} aria-label=${each.label} title=${each.label} @click=${() => this.#choose(each.emoji)}>
              ${each.emoji}
            </button>`;
          })}
        </div>`,
    );
  }

  override focus(): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector('input')?.focus());
  }

  #typed(event: Event) {
    this.query = (event.target as HTMLInputElement).value;
    this.#active = 0;
  }

  /** Down from the search box goes into the grid. */
  #searchKey(event: KeyboardEvent) {
    if (event.key !== 'ArrowDown') return;
    event.preventDefault();
    this.#focusAt(0);
  }

  #gridKey(event: KeyboardEvent) {
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    this.#focusAt(this.#active + step);
  }

  #focusAt(index: number) {
    const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.grid button')];
    const at = Math.max(0, Math.min(index, buttons.length - 1));
    buttons[this.#active]?.setAttribute('tabindex', '-1');
    buttons[at]?.setAttribute('tabindex', '0');
    buttons[at]?.focus();
    this.#active = at;
  }

  #choose(emoji: string) {
    this.dispatchEvent(new CustomEvent('emoji-chosen', { detail: emoji, bubbles: true, composed: true }));
  }
}

customElements.define('mc-emoji-picker', EmojiPicker);
declare global {
  interface HTMLElementTagNameMap {
    'mc-emoji-picker': EmojiPicker;
  }
}
