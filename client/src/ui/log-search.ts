import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { msg } from '@lit/localize';
import { focused } from './focus';
import './search-bar';
import type { Found, SearchBar, SearchQueryEvent, SearchStepEvent } from './search-bar';

/**
 * Search in the conversation on screen, for the message log: Ctrl+F (Cmd+F) or the Search button
 * opens the box; the log marks what it looks for, and this finds the marks among the lines shown,
 * newest first, and goes from one to the next. Closing gives focus back to where it was.
 */
export class LogSearch implements ReactiveController {
  open = false;
  query = '';
  found: Found = { count: 0, index: -1 };
  /** The marks of the matches shown, newest first. */
  #marks: HTMLElement[] = [];
  #before: HTMLElement | null = null;
  /** Whether the next drawing is of a new search. */
  #fresh = false;
  readonly #host: ReactiveControllerHost & { renderRoot: ParentNode };

  constructor(host: ReactiveControllerHost & { renderRoot: ParentNode }) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('keydown', this.#onKey);
  }

  hostDisconnected(): void {
    window.removeEventListener('keydown', this.#onKey);
  }

  readonly #onKey = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'f') {
      event.preventDefault();
      this.show();
    }
  };

  /** The search box, or the button that opens it. */
  render() {
    if (!this.open) return html`<button type="button" class="search-open" @click=${() => this.show()}>${msg('Search')}</button>`;
    return html`<mc-search-bar
      .found=${this.found}
      @search-query=${(event: SearchQueryEvent) => this.#ask(event.query)}
      @search-step=${(event: SearchStepEvent) => this.#step(event.step)}
      @search-close=${() => this.close()}
    ></mc-search-bar>`;
  }

  show(): void {
    if (!this.open) this.#before = focused();
    this.open = true;
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#host.renderRoot.querySelector<SearchBar>('mc-search-bar')?.focus());
  }

  close(): void {
    this.open = false;
    this.query = '';
    this.found = { count: 0, index: -1 };
    this.#marks = [];
    this.#host.requestUpdate();
    this.#before?.focus();
    this.#before = null;
  }

  /** Find the marks among the lines shown (`fresh`: a new search, which starts at, and shows, the newest). */
  #count(fresh: boolean): void {
    if (this.query === '') return;
    this.#marks = [...this.#host.renderRoot.querySelectorAll<HTMLElement>('.line mark')].filter((mark) => mark.checkVisibility()).reverse();
    const count = this.#marks.length;
    const index = fresh ? 0 : Math.min(this.found.index, count - 1);
    this.found = { count, index: count === 0 ? -1 : Math.max(0, index) };
    this.#show(fresh);
    this.#host.requestUpdate();
  }

  #ask(query: string) {
    this.query = query;
    this.found = { count: 0, index: -1 };
    this.#fresh = true;
    this.#host.requestUpdate();
  }

  /** The host drew its lines (`linesChanged`: other lines than before): what is found may have changed. */
  drawn(linesChanged: boolean): void {
    if (this.#fresh || (linesChanged && this.query !== '')) this.#count(this.#fresh);
    this.#fresh = false;
  }

  /** The next match (older, `1`) or the one before (newer, `-1`), going round. */
  #step(step: 1 | -1) {
    const count = this.#marks.length;
    if (count === 0) return;
    this.found = { count, index: (this.found.index + step + count) % count };
    this.#show(true);
    this.#host.requestUpdate();
  }

  /** Mark the current match; `scroll`: bring it into view. */
  #show(scroll: boolean) {
    this.#marks.forEach((mark, index) => mark.classList.toggle('current', index === this.found.index));
    if (scroll) this.#marks[this.found.index]?.scrollIntoView({ block: 'center' });
  }
}
