import { LitElement, css, html } from 'lit';
import { msg, updateWhenLocaleChanges } from '@lit/localize';
import { MESSAGE_TEXT_MAX_LENGTH } from '@meshchat/protocol';
import { DraftEvent, SendFilesEvent, SendMessageEvent } from './events';
import { PAPERCLIP } from './icons';

/**
 * Where messages are written. Enter sends, Shift+Enter starts a new line; the paperclip offers files.
 * @fires send-message
 * @fires send-files
 * @fires draft - on every edit, so the app can say we are typing
 */
export class MessageComposer extends LitElement {
  static override properties = { placeholder: { type: String } };

  /** Who the message goes to, as a hint in the empty box. */
  declare placeholder: string;

  constructor() {
    super();
    this.placeholder = '';
    updateWhenLocaleChanges(this);
  }

  static override styles = css`
    form {
      display: flex;
      gap: 0.5rem;
      align-items: end;
    }
    label {
      flex: 1;
      min-width: 0;
      display: grid;
      gap: 0.25rem;
      font-weight: 600;
    }
    textarea {
      /* Its own width would be its 20 default columns: 250 px in Firefox, more than a phone leaves. */
      box-sizing: border-box;
      width: 100%;
      min-width: 0;
      font: inherit;
      font-weight: normal;
      padding: 0.5rem;
      resize: vertical;
      min-height: 2.5rem;
      /* Grows with what is typed, up to about eight lines, then scrolls: by field-sizing where it
         exists (Chromium), elsewhere (Firefox, Safari) by #fit. */
      field-sizing: content;
      max-height: calc(8lh + 1rem);
      color: inherit;
      background: var(--field);
      border: 1px solid var(--border);
      border-radius: 0.25rem;
    }
    button {
      font: inherit;
      padding: 0.5rem 0.8rem;
    }
    svg {
      vertical-align: -0.2em;
    }
    input[type='file'] {
      display: none;
    }
  `;

  override render() {
    return html`
      <form @submit=${this.#submit}>
        <label
          >${msg('Message')}
          <textarea
            rows="2"
            maxlength=${MESSAGE_TEXT_MAX_LENGTH}
            placeholder=${this.placeholder}
            @keydown=${this.#keydown}
            @input=${this.#input}
          ></textarea>
        </label>
        <input type="file" multiple tabindex="-1" aria-hidden="true" @change=${this.#picked} />
        <button type="button" title=${msg('Send a file')} aria-label=${msg('Send a file')} @click=${this.#pick}>${PAPERCLIP}</button>
        <button type="submit">${msg('Send')}</button>
      </form>
    `;
  }

  get #textarea(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  /** Put `text` in the box and the caret after it, e.g. "/msg bob ". */
  start(text: string): void {
    const box = this.#textarea;
    if (!box) return;
    box.value = text;
    box.focus();
    box.setSelectionRange(text.length, text.length);
  }

  override focus(): void {
    this.#textarea?.focus();
  }

  #keydown(event: KeyboardEvent) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.#send();
    }
  }

  /** Where the browser cannot size the box to its text, size it here (max-height still caps it). */
  #fit() {
    const box = this.#textarea;
    if (SIZES_ITSELF || !box) return;
    box.style.height = 'auto';
    box.style.height = `${box.scrollHeight + box.offsetHeight - box.clientHeight}px`;
  }

  #input() {
    this.#fit();
    this.dispatchEvent(new DraftEvent(this.#textarea?.value ?? ''));
  }

  #pick() {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click();
  }

  #picked(event: Event) {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length > 0) this.dispatchEvent(new SendFilesEvent(files));
  }

  #submit(event: SubmitEvent) {
    event.preventDefault();
    this.#send();
  }

  #send() {
    const box = this.#textarea;
    if (!box || box.value.trim() === '') return;
    this.dispatchEvent(new SendMessageEvent(box.value));
    box.value = '';
    this.#fit();
    box.focus();
  }
}

/** Whether the browser grows the box with its text by itself (CSS field-sizing). */
const SIZES_ITSELF = CSS.supports('field-sizing', 'content');

customElements.define('mc-message-composer', MessageComposer);
declare global {
  interface HTMLElementTagNameMap {
    'mc-message-composer': MessageComposer;
  }
}
