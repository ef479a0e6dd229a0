import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { DEFAULT_ROOM, NICK_MAX_LENGTH, ROOM_NAME_MAX_LENGTH, normalizeNick, normalizeRoom } from '@meshchat/protocol';
import { CreatePrivateEvent, JoinRequestEvent, KeepChoiceEvent, PairRequestEvent } from './events';
import { errorText, keepWords } from './first-words';
import { currentLanguage } from './i18n';

type Field = 'nick' | 'room';

/**
 * Pick a nickname and a room, start a private room, or ask to be paired with a stranger.
 * @fires join-request
 * @fires create-private
 * @fires pair-request
 */
export class JoinScreen extends LitElement {
  static override properties = {
    room: { type: String },
    nick: { type: String },
    privateRoom: { type: Boolean },
    historyShared: { type: Boolean },
    keep: { type: Boolean },
    error: { type: String },
    errorField: { type: String },
    suggestion: { type: String },
    busy: { type: Boolean },
    localError: { state: true },
    localField: { state: true },
    otherRoom: { state: true },
  };

  declare room: string;
  /** The nickname to start from: the one used last in this tab (after Leave), or none. */
  declare nick: string;
  /** The page's link carries a private room's secret: join that, not a named room. */
  declare privateRoom: boolean;
  /** Whether the page's link lets the room's members give its recent messages to people who join later. */
  declare historyShared: boolean;
  /** Whether "Keep this room on this device" is on (it is for a room kept here already). */
  declare keep: boolean;
  declare error: string;
  /** The field `error` is about: marked invalid, focused and selected. */
  declare errorField: Field | undefined;
  /** A free nickname like the refused one, offered with `error`. */
  declare suggestion: string | undefined;
  declare busy: boolean;
  declare localError: string;
  declare localField: Field | undefined;
  /** Someone with an invite asked to join a room of their own choosing instead. */
  declare otherRoom: boolean;
  /** The language of the last render, to tell a refusal from the same refusal relabelled. */
  #language = currentLanguage();

  constructor() {
    super();
    this.room = '';
    this.nick = '';
    this.privateRoom = false;
    this.historyShared = true;
    this.keep = false;
    this.error = '';
    this.busy = false;
    this.localError = '';
    this.errorField = undefined;
    this.suggestion = undefined;
    this.localField = undefined;
    this.otherRoom = false;
    updateWhenLocaleChanges(this);
  }

  static override styles = css`
    form {
      display: grid;
      gap: 0.75rem;
      box-sizing: border-box;
      max-width: 24rem;
      margin: 2rem auto;
      padding: 0 1rem;
    }
    label {
      display: grid;
      gap: 0.25rem;
      font-weight: 600;
    }
    input {
      font: inherit;
      font-weight: normal;
      padding: 0.5rem;
      color: inherit;
      background: var(--field);
      border: 1px solid var(--border);
      border-radius: 0.25rem;
    }
    input[aria-invalid='true'] {
      border-color: var(--danger);
      outline-color: var(--danger);
    }
    h2 {
      margin: 0;
      font-size: 1.25rem;
    }
    .intro {
      margin: 0;
      font-size: 1.1rem;
    }
    button {
      font: inherit;
      padding: 0.5rem 1rem;
    }
    button.primary {
      font-weight: 600;
      color: var(--badge-fg);
      background: var(--accent);
      border: 1px solid var(--accent);
      border-radius: 0.25rem;
    }
    button.quiet {
      justify-self: start;
      padding: 0.25rem 0;
      color: var(--link);
      background: none;
      border: none;
      text-decoration: underline;
      cursor: pointer;
    }
    .other-ways {
      display: grid;
      gap: 0.5rem;
      padding-top: 0.75rem;
      border-top: 1px solid var(--border);
      color: var(--muted);
    }
    .other-ways p {
      margin: 0;
    }
    .other-ways button {
      margin-right: 0.5rem;
      color: var(--fg);
    }
    .private,
    .history {
      margin: 0;
    }
    .history {
      color: var(--muted);
    }
    label.check {
      display: flex;
      gap: 0.5rem;
      align-items: baseline;
      font-weight: normal;
      color: var(--muted);
    }
    [role='alert'] {
      color: var(--danger);
      min-height: 1.5em;
      margin: 0;
    }
  `;

  /** The page was opened from a link to a room: the form is just a name and Join. */
  get #invited(): boolean {
    return this.room !== '' && !this.privateRoom && !this.otherRoom;
  }

  override render() {
    const invalid = this.#invalidField();
    const described = (field: Field) => (invalid === field ? 'join-error' : nothing);
    const invited = this.#invited;
    // maxlength counts UTF-16 units, twice the rule's code points so letters outside the BMP fit;
    // the input handler holds the field to the rule's 24 code points.
    return html`
      <form @submit=${this.#join} novalidate>
        ${invited
          ? html`<h2>${msg(str`Join ${this.room}`)}</h2>`
          : this.privateRoom
            ? nothing
            : html`<p class="intro">${msg('A private group chat that goes straight from browser to browser. Nothing you say is stored on a server.')}</p>`}
        <label
          >${msg('Nickname')}
          <input
            name="nick"
            autocomplete="nickname"
            maxlength=${NICK_MAX_LENGTH * 2}
            required
            autofocus
            .value=${this.nick}
            aria-invalid=${invalid === 'nick' ? 'true' : 'false'}
            aria-describedby=${described('nick')}
            @input=${this.#limitNick}
        /></label>
        ${this.privateRoom
          ? html`<p class="private">🔒 ${msg('Joining the private room from your link. Its secret never leaves your browser.')}</p>`
          : invited
            ? nothing
            : html`<label
                >${msg('Room')}
                <input
                  name="room"
                  .value=${this.room || DEFAULT_ROOM}
                  maxlength=${ROOM_NAME_MAX_LENGTH}
                  aria-invalid=${invalid === 'room' ? 'true' : 'false'}
                  aria-describedby=${described('room')}
              /></label>`}
        ${invited || this.privateRoom
          ? html`<p class="history">
              ${this.historyShared
                ? msg('The people in the room give you its recent messages from their browsers, each signed by its author. Nothing is kept on a server.')
                : msg('This room keeps no history: you see what is said after you join.')}
            </p>`
          : html`<label class="check"
              ><input type="checkbox" name="history" ?checked=${this.historyShared} />
              ${msg('Give people who join later the recent messages (kept in the browsers of the people here, never on a server)')}</label
            >`}
        <label class="check"
          ><input type="checkbox" role="switch" name="keep" .checked=${this.keep} @change=${this.#keepChanged} />
          ${msg('Keep this room on this device')}</label
        >
        <p class="history">${keepWords()}</p>
        <button type="submit" class="primary" ?disabled=${this.busy}>${msg('Join')}</button>
        <p role="alert" id="join-error">${this.localError || this.error}</p>
        ${this.suggestion && !this.localError && this.error
          ? html`<button type="button" class="suggestion" @click=${() => this.#useSuggestion()}>${msg(str`Use “${this.suggestion}”`)}</button>`
          : nothing}
        ${invited
          ? html`<button type="button" class="quiet" @click=${() => (this.otherRoom = true)}>${msg('Join another room instead')}</button>`
          : this.privateRoom
            ? nothing
            : html`<div class="other-ways">
                <p>
                  <button type="button" ?disabled=${this.busy} @click=${this.#createPrivate}>${msg('Create private room')}</button>
                  ${msg('A new room only people with its link can enter; its secret never reaches the server.')}
                </p>
                <p>
                  <button type="button" ?disabled=${this.busy} @click=${this.#pair}>${msg('Talk to a stranger')}</button>
                  ${msg('Chat one to one with the next person who asks.')}
                </p>
              </div>`}
      </form>
    `;
  }

  override focus(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[name=nick]')?.focus();
  }

  /**
   * A refusal moves the focus to the field it is about, its text selected to be typed over; the
   * same refusal in another language (the switcher) leaves the focus where it is.
   */
  protected override updated(changed: PropertyValues<this>): void {
    const language = currentLanguage();
    const relabelled = language !== this.#language;
    this.#language = language;
    if (relabelled || (!changed.has('error') && !changed.has('localError'))) return;
    const field = this.#invalidField();
    const input = field && this.renderRoot.querySelector<HTMLInputElement>(`input[name=${field}]`);
    if (!input) return;
    input.focus();
    input.select();
  }

  /** Join with the offered nickname: one press, as the button says. */
  #useSuggestion(): void {
    const input = this.renderRoot.querySelector<HTMLInputElement>('input[name=nick]');
    if (!input || !this.suggestion) return;
    input.value = this.suggestion;
    input.focus();
    this.renderRoot.querySelector('form')?.requestSubmit();
  }

  #invalidField(): Field | undefined {
    if (this.localError) return this.localField;
    return this.error ? this.errorField : undefined;
  }

  #limitNick(event: InputEvent) {
    const input = event.target as HTMLInputElement;
    const points = [...input.value];
    if (points.length > NICK_MAX_LENGTH) input.value = points.slice(0, NICK_MAX_LENGTH).join('');
  }

  #field(name: string): string {
    return this.renderRoot.querySelector<HTMLInputElement>(`input[name=${name}]`)?.value ?? '';
  }

  /** The nickname if it is valid; otherwise explains why not, before asking the server. */
  #nick(): string | undefined {
    const nick = this.#field('nick');
    this.localError = normalizeNick(nick) === undefined ? errorText('NICK_INVALID') : '';
    this.localField = this.localError ? 'nick' : undefined;
    return this.localError ? undefined : nick;
  }

  #join(event: SubmitEvent) {
    event.preventDefault();
    const nick = this.#nick();
    if (nick === undefined) return;
    const room = this.#invited ? this.room : this.#field('room');
    if (!this.privateRoom && normalizeRoom(room) === undefined) {
      this.localError = errorText('ROOM_INVALID');
      this.localField = 'room';
      return;
    }
    this.dispatchEvent(new JoinRequestEvent(nick, room, this.#history()));
  }

  /** The history box, where the form has one; else what the link says. */
  #history(): boolean {
    const box = this.renderRoot.querySelector<HTMLInputElement>('input[name=history]');
    return box ? box.checked : this.historyShared;
  }

  #createPrivate() {
    const nick = this.#nick();
    if (nick !== undefined) this.dispatchEvent(new CreatePrivateEvent(nick, this.#history()));
  }

  #keepChanged(event: Event) {
    this.dispatchEvent(new KeepChoiceEvent((event.target as HTMLInputElement).checked));
  }

  #pair() {
    const nick = this.#nick();
    if (nick !== undefined) this.dispatchEvent(new PairRequestEvent(nick));
  }
}

customElements.define('mc-join-screen', JoinScreen);
declare global {
  interface HTMLElementTagNameMap {
    'mc-join-screen': JoinScreen;
  }
}
