import { LitElement, css, html } from 'lit';
import { MESSAGE_TEXT_MAX_LENGTH } from '@meshchat/protocol';
import { SendMessageEvent } from './events';

/**
 * Where messages are written. Enter sends, Shift+Enter starts a new line.
 * @fires send-message
 */
export class MessageComposer extends LitElement {
  static override styles = css`
    form {
      display: flex;
      gap: 0.5rem;
      align-items: end;
    }
    label {
      flex: 1;
      display: grid;
      gap: 0.25rem;
      font-weight: 600;
    }
    textarea {
      font: inherit;
      font-weight: normal;
      padding: 0.5rem;
      resize: vertical;
      min-height: 2.5rem;
    }
    button {
      font: inherit;
      padding: 0.5rem 1rem;
    }
  `;

  override render() {
    return html`
      <form @submit=${this.#submit}>
        <label>Message <textarea rows="2" maxlength=${MESSAGE_TEXT_MAX_LENGTH} @keydown=${this.#keydown}></textarea></label>
        <button type="submit">Send</button>
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

  #submit(event: SubmitEvent) {
    event.preventDefault();
    this.#send();
  }

  #send() {
    const box = this.#textarea;
    if (!box || box.value.trim() === '') return;
    this.dispatchEvent(new SendMessageEvent(box.value));
    box.value = '';
    box.focus();
  }
}

customElements.define('mc-message-composer', MessageComposer);
declare global {
  interface HTMLElementTagNameMap {
    'mc-message-composer': MessageComposer;
  }
}
