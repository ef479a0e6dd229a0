import { LitElement, css, html, nothing } from 'lit';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { MESSAGE_TEXT_MAX_LENGTH } from '@meshchat/protocol';
import type { Draft } from '../app';
import { CancelDraftEvent, DraftEvent, EditLastEvent, SendFilesEvent, SendMessageEvent } from './events';
import { PAPERCLIP } from './icons';

/**
 * Where messages are written. Enter sends, Shift+Enter starts a new line; the paperclip offers files.
 * A reply or an edit under way shows above the box, with a way to cancel it (Escape too); Arrow Up
 * in an empty box edits our last message.
 * @fires send-message
 * @fires send-files
 * @fires draft - on every edit, so the app can say we are typing
 * @fires cancel-draft
 * @fires edit-last
 */
export class MessageComposer extends LitElement {
  static override properties = {
    placeholder: { type: String },
    draft: { attribute: false },
    // Given anew on every render of the page (a message arriving included): the same names are no change.
    people: { attribute: false, hasChanged: (now: readonly string[] = [], before: readonly string[] = []) => now.join('\n') !== before.join('\n') },
    mentioning: { state: true },
  };

  /** Who the message goes to, as a hint in the empty box. */
  declare placeholder: string;
  declare draft: Draft | undefined;
  /** Who can be mentioned: "@" and the start of a name offers them. */
  declare people: readonly string[];
  /** The names offered for the "@…" before the caret, and which one is active; none while nothing is offered. */
  declare mentioning: { names: readonly string[]; active: number } | undefined;

  constructor() {
    super();
    this.placeholder = '';
    this.draft = undefined;
    this.people = [];
    this.mentioning = undefined;
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
    form {
      position: relative;
    }
    [role='listbox'] {
      position: absolute;
      bottom: 100%;
      left: 0;
      z-index: 3;
      margin: 0 0 0.25rem;
      padding: 0.25rem;
      list-style: none;
      border: 1px solid var(--border);
      border-radius: 0.4rem;
      background: var(--bg);
      box-shadow: 0 0.2rem 0.8rem rgb(0 0 0 / 0.2);
    }
    [role='option'] {
      padding: 0.3rem 0.6rem;
      border-radius: 0.3rem;
      cursor: pointer;
    }
    [role='option'][aria-selected='true'] {
      background: color-mix(in srgb, var(--accent) 20%, transparent);
    }
    .draft {
      display: flex;
      align-items: baseline;
      gap: 0.5rem;
      margin-bottom: 0.3rem;
      padding: 0.2rem 0.5rem;
      border-left: 3px solid var(--accent);
      font-size: 0.9rem;
    }
    .draft-what {
      font-weight: 600;
      white-space: nowrap;
    }
    .draft-quote {
      flex: 1;
      min-width: 0;
      overflow: hidden;
      white-space: nowrap;
      text-overflow: ellipsis;
      color: var(--muted);
    }
    .draft button {
      margin-left: auto;
      padding: 0.15rem 0.5rem;
      font-size: 0.85rem;
    }
  `;

  override render() {
    return html`
      ${this.#draftBar()}
      <form @submit=${this.#submit}>
        <label
          >${msg('Message')}
          <textarea
            rows="2"
            maxlength=${MESSAGE_TEXT_MAX_LENGTH}
            placeholder=${this.placeholder}
            aria-autocomplete="list"
            aria-controls=${this.mentioning ? 'mention-list' : nothing}
            aria-activedescendant=${this.mentioning ? `mention-${this.mentioning.active}` : nothing}
            @keydown=${this.#keydown}
            @input=${this.#input}
            @click=${this.#offerMentions}
            @blur=${() => (this.mentioning = undefined)}
          ></textarea>
        </label>
        ${this.#mentionList()}
        <input type="file" multiple tabindex="-1" aria-hidden="true" @change=${this.#picked} />
        <button type="button" title=${msg('Send a file')} aria-label=${msg('Send a file')} @click=${this.#pick}>${PAPERCLIP}</button>
        <button type="submit">${msg('Send')}</button>
      </form>
    `;
  }

  /** "Replying to alice" with the start of her words, or "Editing your message", and a way out. */
  #draftBar() {
    const draft = this.draft;
    if (!draft) return nothing;
    const reply = draft.kind === 'reply';
    return html`<div class="draft" role="group" aria-label=${reply ? msg('Reply') : msg('Edit')}>
      <span class="draft-what">${reply ? msg(str`Replying to ${draft.line.ref.by}`) : msg('Editing your message')}</span>
      ${reply ? html`<span class="draft-quote">${draft.line.text.slice(0, 120)}</span>` : nothing}
      <button type="button" @click=${this.#cancel}>${reply ? msg('Cancel reply') : msg('Cancel edit')}</button>
    </div>`;
  }

  #cancel() {
    if (this.draft?.kind === 'edit') this.start('');
    this.dispatchEvent(new CancelDraftEvent());
    this.focus();
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

  /** The people offered for the "@…" being typed: a listbox the arrow keys move through, Enter or Tab choose from. */
  #mentionList() {
    const offered = this.mentioning;
    if (!offered) return nothing;
    return html`<ul id="mention-list" role="listbox" aria-label=${msg('People to mention')}>
      ${offered.names.map(
        (nick, index) =>
          html`<li id=${`mention-${index}`} role="option" aria-selected=${index === offered.active ? 'true' : 'false'} @mousedown=${(event: Event) => {
            // Chosen before the box loses focus, so the caret is still where the name goes.
            event.preventDefault();
            this.#mention(nick);
          }}>
            ${nick}
          </li>`,
      )}
    </ul>`;
  }

  /** Offer the people whose names start with the "@…" right before the caret, if any. */
  #offerMentions() {
    const box = this.#textarea;
    const typed = box ? /(?:^|[\s(])@([^@\n]{0,24})$/u.exec(box.value.slice(0, box.selectionStart)) : null;
    const start = typed?.[1]?.toLocaleLowerCase();
    const names = start === undefined ? [] : this.people.filter((nick) => nick.toLocaleLowerCase().startsWith(start)).slice(0, 8);
    this.mentioning = names.length > 0 ? { names, active: Math.min(this.mentioning?.active ?? 0, names.length - 1) } : undefined;
  }

  /** Put "@nick " in place of the "@…" before the caret. */
  #mention(nick: string) {
    const box = this.#textarea;
    if (!box) return;
    const before = box.value.slice(0, box.selectionStart).replace(/@[^@\n]{0,24}$/u, `@${nick} `);
    box.value = before + box.value.slice(box.selectionEnd);
    box.setSelectionRange(before.length, before.length);
    this.mentioning = undefined;
    box.focus();
  }

  /** Arrow keys, Enter, Tab and Escape while names are offered; `true` if the key was theirs. */
  #mentionKey(event: KeyboardEvent): boolean {
    const offered = this.mentioning;
    if (!offered) return false;
    const count = offered.names.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') this.mentioning = { ...offered, active: (offered.active + (event.key === 'ArrowDown' ? 1 : -1) + count) % count };
    else if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') this.#mention(offered.names[offered.active] ?? '');
    else if (event.key === 'Escape') this.mentioning = undefined;
    else return false;
    event.preventDefault();
    return true;
  }

  #keydown(event: KeyboardEvent) {
    if (this.#mentionKey(event)) return;
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.#send();
    } else if (event.key === 'Escape' && this.draft) {
      event.preventDefault();
      this.#cancel();
    } else if (event.key === 'ArrowUp' && !this.draft && this.#textarea?.value === '') {
      event.preventDefault();
      this.dispatchEvent(new EditLastEvent());
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
    this.#offerMentions();
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
