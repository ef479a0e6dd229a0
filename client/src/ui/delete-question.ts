import { LitElement, css, html, nothing } from 'lit';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import type { ChatLine } from '../room';
import { MessageActionEvent } from './events';
import { focused } from './focus';

/** How much of the message the question quotes. */
const QUOTE_LENGTH = 80;

/**
 * "Delete this message?": asked before one's own message is taken back from everyone, in a modal
 * dialog. Delete fires the `message-action` that deletes it; Cancel (or Escape) changes nothing.
 * Focus goes back where it was, or to the conversation when that is gone with the message.
 */
export class DeleteQuestion extends LitElement {
  static override properties = { line: { state: true } };

  declare line: ChatLine | undefined;
  #before: HTMLElement | null = null;

  constructor() {
    super();
    this.line = undefined;
    updateWhenLocaleChanges(this);
  }

  static override styles = css`
    dialog {
      max-width: min(92vw, 28rem);
      border: 1px solid var(--border);
      border-radius: 0.5rem;
      background: var(--bg);
      color: var(--fg);
    }
    dialog::backdrop {
      background: rgb(0 0 0 / 0.5);
    }
    h2 {
      font-size: 1rem;
      margin: 0 0 0.5rem;
    }
    p {
      margin: 0 0 0.75rem;
      overflow-wrap: anywhere;
    }
    .quote {
      border-left: 3px solid var(--border);
      padding-left: 0.5rem;
      color: var(--muted);
    }
    .bar {
      display: flex;
      justify-content: flex-end;
      gap: 0.5rem;
    }
    button {
      font: inherit;
      padding: 0.3rem 0.8rem;
    }
  `;

  /** Ask whether to delete our message shown by `line`. */
  async ask(line: ChatLine): Promise<void> {
    this.#before = focused();
    this.line = line;
    await this.updateComplete;
    this.renderRoot.querySelector('dialog')?.showModal();
    this.renderRoot.querySelector<HTMLButtonElement>('.cancel')?.focus();
  }

  override render() {
    const text = this.line?.text ?? '';
    const quote = text.length > QUOTE_LENGTH ? `${text.slice(0, QUOTE_LENGTH)}…` : text;
    return html`<dialog aria-labelledby="question" @close=${this.#closed}>
      <h2 id="question">${msg('Delete this message?')}</h2>
      ${this.line ? html`<p class="quote">${quote}</p>` : nothing}
      <p>${this.line?.kind === 'private' ? msg(str`It is taken back from ${this.line.to ?? ''} too.`) : msg('It is taken back from everyone in the room, and from the history the people here keep.')}</p>
      <div class="bar">
        <button type="button" class="cancel" @click=${() => this.#dialog?.close()}>${msg('Cancel')}</button>
        <button type="button" class="delete" @click=${() => this.#dialog?.close('delete')}>${msg('Delete')}</button>
      </div>
    </dialog>`;
  }

  get #dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  #closed() {
    const dialog = this.#dialog;
    const line = this.line;
    const deleting = dialog?.returnValue === 'delete';
    if (dialog) dialog.returnValue = '';
    this.line = undefined;
    if (deleting && line) this.dispatchEvent(new MessageActionEvent('delete', line, undefined, true));
    const before = this.#before;
    this.#before = null;
    if (before?.isConnected) before.focus();
    else this.dispatchEvent(new Event('close', { bubbles: true, composed: true }));
  }
}

customElements.define('mc-delete-question', DeleteQuestion);
declare global {
  interface HTMLElementTagNameMap {
    'mc-delete-question': DeleteQuestion;
  }
}
