import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { focused } from './focus';

/** A picture of the conversation: where it is shown from, and its file's name. */
export interface Picture {
  url: string;
  name: string;
}

/**
 * A picture of the conversation, large, in a modal dialog: Close (or Escape) closes it and gives
 * focus back; the arrow keys (and Previous and Next) go to the conversation's other pictures.
 * @fires close - once it is closed
 */
export class PictureViewer extends LitElement {
  static override properties = { pictures: { attribute: false }, current: { type: String } };

  /** The conversation's pictures, oldest first. */
  declare pictures: readonly Picture[];
  /** The URL of the picture shown; none: closed. */
  declare current: string | undefined;
  #before: HTMLElement | null = null;

  constructor() {
    super();
    this.pictures = [];
    this.current = undefined;
    updateWhenLocaleChanges(this);
  }

  static override styles = css`
    dialog {
      max-width: min(96vw, 80rem);
      max-height: 96vh;
      padding: 0.5rem;
      border: 1px solid var(--border);
      border-radius: 0.5rem;
      background: var(--bg);
      color: var(--fg);
    }
    dialog::backdrop {
      background: rgb(0 0 0 / 0.75);
    }
    img {
      display: block;
      max-width: 100%;
      max-height: calc(96vh - 5rem);
      margin: 0 auto;
    }
    .bar {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      margin-top: 0.5rem;
    }
    .name {
      flex: 1;
      overflow-wrap: anywhere;
    }
    button {
      font: inherit;
      padding: 0.3rem 0.7rem;
    }
  `;

  override render() {
    const index = this.pictures.findIndex(({ url }) => url === this.current);
    const picture = this.pictures[index];
    return html`<dialog aria-label=${picture ? picture.name : msg('Picture')} @close=${this.#closed} @keydown=${this.#keydown}>
      ${picture
        ? html`<img src=${picture.url} alt=${picture.name} />
            <div class="bar">
              <span class="name">${msg(str`${picture.name} (${index + 1} of ${this.pictures.length})`)}</span>
              <button type="button" ?disabled=${index === 0} @click=${() => this.#go(-1)}>${msg('Previous picture')}</button>
              <button type="button" ?disabled=${index === this.pictures.length - 1} @click=${() => this.#go(1)}>${msg('Next picture')}</button>
              <button type="button" class="close" @click=${() => this.#dialog?.close()}>${msg('Close')}</button>
            </div>`
        : nothing}
    </dialog>`;
  }

  get #dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  protected override updated(changed: PropertyValues<this>): void {
    const dialog = this.#dialog;
    if (!changed.has('current') || !dialog) return;
    if (this.current !== undefined && !dialog.open) {
      this.#before = focused();
      dialog.showModal();
      this.renderRoot.querySelector<HTMLButtonElement>('.close')?.focus();
    } else if (this.current === undefined && dialog.open) dialog.close();
  }

  #go(step: 1 | -1) {
    const index = this.pictures.findIndex(({ url }) => url === this.current);
    const next = this.pictures[index + step];
    if (next) this.current = next.url;
  }

  #keydown(event: KeyboardEvent) {
    if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      event.preventDefault();
      this.#go(event.key === 'ArrowLeft' ? -1 : 1);
    }
  }

  #closed() {
    this.current = undefined;
    this.#before?.focus();
    this.#before = null;
    this.dispatchEvent(new Event('close', { bubbles: true, composed: true }));
  }
}

customElements.define('mc-picture-viewer', PictureViewer);
declare global {
  interface HTMLElementTagNameMap {
    'mc-picture-viewer': PictureViewer;
  }
}
