import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { Attention, type Permission } from './attention';
import { ChatController, type SignalingState } from './chat-controller';
import { iceTransportPolicy, roomFromLocation, roomLink, signalingOverride, signalingUrl } from './config';
import type {
  CreatePrivateEvent,
  DraftEvent,
  FileActionEvent,
  JoinRequestEvent,
  PairRequestEvent,
  PrivateToEvent,
  SendFilesEvent,
  SendMessageEvent,
} from './events';
import { LANGUAGES, currentLanguage, useLanguage, type Language } from './i18n';
import { newRoomSecret, secretFromHash } from './private-room';
import './join-screen';
import './message-composer';
import './message-log';
import './people-list';
import type { MessageComposer } from './message-composer';
import type { PeopleList } from './people-list';

function signalingWords(state: SignalingState): string {
  switch (state) {
    case 'connecting':
      return msg('Connecting to the signaling server…');
    case 'online':
      return msg('Signaling server connected');
    case 'offline':
      return msg('Signaling server unreachable: chats keep flowing over direct links; retrying…');
  }
}

function typingWords(nicks: readonly string[]): string {
  const [first, second] = nicks;
  if (first === undefined) return '';
  if (second === undefined) return msg(str`${first} is typing…`);
  if (nicks.length === 2) return msg(str`${first} and ${second} are typing…`);
  return msg('Several people are typing…');
}

/** Narrower than this, People becomes a drawer opened from the header. */
const NARROW = '(max-width: 40rem)';

/** The whole app: join screen, waiting for a stranger, or the room. */
export class ChatApp extends LitElement {
  static override properties = {
    drawerOpen: { state: true },
    narrow: { state: true },
    dragging: { state: true },
    notifications: { state: true },
  };

  readonly chat = new ChatController(this, { signalingUrl: signalingUrl(), iceTransportPolicy: iceTransportPolicy() });
  /** Shown when `?signal=` points the page at another signaling server. */
  readonly #override = signalingOverride();
  /**
   * The screen and conversation last rendered, to move focus when they change. None at first, so
   * the first screen takes focus too: Firefox ignores `autofocus` inside a shadow root.
   */
  #shown = '';
  readonly #narrowQuery = window.matchMedia(NARROW);
  declare drawerOpen: boolean;
  declare narrow: boolean;
  /** Files are being dragged over the conversation. */
  declare dragging: boolean;
  /** Whether desktop notifications may be shown, as of the last time we asked. */
  declare notifications: Permission;

  /**
   * Render at most once per animation frame, however many frames arrive in between: a burst of
   * messages costs one render, not one each. A hidden tab gets no animation frames, so a timer
   * stands in for them there.
   */
  protected override async scheduleUpdate(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 100);
      requestAnimationFrame(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    super.scheduleUpdate();
  }

  constructor() {
    super();
    this.drawerOpen = false;
    this.narrow = this.#narrowQuery.matches;
    this.dragging = false;
    this.notifications = Attention.permission;
    updateWhenLocaleChanges(this);
  }

  static override styles = css`
    :host {
      /* Colours for light and dark, each with at least 4.5:1 contrast on its background. */
      color-scheme: light dark;
      --bg: light-dark(#ffffff, #15171a);
      --fg: light-dark(#1b1d21, #e8e9eb);
      --muted: light-dark(#595d66, #a9adb5);
      --border: light-dark(#c4c7cc, #4a4e55);
      --field: light-dark(#ffffff, #1f2226);
      --accent: light-dark(#1f5fbf, #7fb0ff);
      --link: light-dark(#1a56b0, #8cb8ff);
      --ok: light-dark(#1b7a3a, #6fd08f);
      --danger: light-dark(#b00020, #ff8a8a);
      --badge-bg: light-dark(#1f5fbf, #7fb0ff);
      --badge-fg: light-dark(#ffffff, #0b1220);
      display: flex;
      flex-direction: column;
      height: 100vh;
      height: 100dvh;
      font-family: system-ui, sans-serif;
      background: var(--bg);
      color: var(--fg);
    }
    header {
      display: flex;
      align-items: center;
      gap: 0.5rem 1rem;
      flex-wrap: wrap;
      padding: 0.5rem 1rem;
      border-bottom: 1px solid var(--border);
    }
    h1 {
      font-size: 1.2rem;
      margin: 0;
    }
    .status {
      margin: 0 0 0 auto;
      font-size: 0.85em;
      color: var(--muted);
    }
    .via {
      font-size: 0.85em;
    }
    .status[data-state='offline'] {
      color: var(--danger);
    }
    select,
    button {
      font: inherit;
    }
    main {
      flex: 1;
      min-height: 0;
    }
    .room {
      display: grid;
      grid-template-columns: 1fr minmax(10rem, 16rem);
      height: 100%;
    }
    .chat {
      display: grid;
      /* Nothing inside (a field's default size, a long word) may widen the conversation past the screen. */
      grid-template-columns: minmax(0, 1fr);
      grid-template-rows: auto 1fr auto auto;
      min-height: 0;
      min-width: 0;
      padding: 0 0.5rem 0.5rem;
    }
    .chat[data-dragging] {
      outline: 3px dashed var(--accent);
      outline-offset: -6px;
    }
    nav {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
      padding: 0.4rem 0 0.2rem;
      border-bottom: 1px solid var(--border);
    }
    nav button {
      background: none;
      color: inherit;
      border: 1px solid transparent;
      border-radius: 0.3rem 0.3rem 0 0;
      padding: 0.25rem 0.6rem;
      cursor: pointer;
    }
    nav button[aria-current='true'] {
      border-color: var(--border);
      border-bottom: 3px solid var(--accent);
      font-weight: 600;
    }
    .badge {
      display: inline-block;
      min-width: 1.2em;
      margin-left: 0.3em;
      padding: 0 0.3em;
      border-radius: 1em;
      background: var(--badge-bg);
      color: var(--badge-fg);
      font-size: 0.8em;
      text-align: center;
    }
    .typing {
      min-height: 1.3em;
      margin: 0.1rem 0.5rem;
      font-size: 0.85em;
      font-style: italic;
      color: var(--muted);
    }
    aside {
      display: flex;
      flex-direction: column;
      gap: 0.75rem;
      padding: 0.5rem 1rem;
      border-left: 1px solid var(--border);
      background: var(--bg);
      overflow-y: auto;
    }
    aside h2 {
      font-size: 1rem;
      margin: 0;
    }
    aside button,
    .waiting button {
      padding: 0.4rem 0.8rem;
    }
    .waiting {
      text-align: center;
      margin-top: 3rem;
    }
    .sr-only {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    @media (max-width: 40rem) {
      header {
        padding: 0.4rem 0.5rem;
      }
      .status {
        flex-basis: 100%;
        margin: 0;
      }
      .room {
        grid-template-columns: 1fr;
      }
      /* People slides over the conversation from the right. */
      aside {
        position: fixed;
        inset: 0 0 0 auto;
        width: min(18rem, 85vw);
        z-index: 2;
        border-left: 1px solid var(--border);
        box-shadow: -4px 0 16px #0005;
      }
    }
  `;

  override render() {
    const { chat } = this;
    return html`
      <header>
        <h1>meshchat</h1>
        ${chat.screen === 'room'
          ? chat.secret
            ? html`<span>🔒 <strong>${msg('Private room')}</strong></span>`
            : html`<span>${msg('Room')} <strong>${chat.room}</strong></span>`
          : nothing}
        ${chat.screen === 'room' && this.narrow
          ? html`<button
              class="drawer-toggle"
              aria-expanded=${this.drawerOpen ? 'true' : 'false'}
              aria-controls="people-panel"
              @click=${() => this.#toggleDrawer()}
            >
              ${msg(str`People (${chat.people.size + 1})`)}
            </button>`
          : nothing}
        ${this.#override ? html`<span class="via">${msg(str`Signaling via ${new URL(this.#override).host}`)}</span>` : nothing}
        <label
          >${msg('Language')}
          <select @change=${(event: Event) => void useLanguage((event.target as HTMLSelectElement).value as Language, true)}>
            ${LANGUAGES.map(
              ({ code, name }) => html`<option value=${code} lang=${code} ?selected=${code === currentLanguage()}>${name}</option>`,
            )}
          </select>
        </label>
        <p class="status" role="status" data-state=${chat.signaling}>${signalingWords(chat.signaling)}</p>
      </header>
      <main>${this.#screen()}</main>
      <div class="sr-only" aria-live="polite" data-announcer>${chat.announcement}</div>
    `;
  }

  #screen() {
    const { chat } = this;
    switch (chat.screen) {
      case 'join':
        return html`<mc-join-screen
          .room=${roomFromLocation()}
          .privateRoom=${secretFromHash(location.hash) !== undefined}
          .error=${chat.error?.() ?? ''}
          .busy=${chat.busy}
          @join-request=${(event: JoinRequestEvent) => this.#join(event)}
          @create-private=${(event: CreatePrivateEvent) => this.#createPrivate(event.nick)}
          @pair-request=${(event: PairRequestEvent) => void chat.pair(event.nick)}
        ></mc-join-screen>`;
      case 'waiting':
        return html`<section class="waiting">
          <p>${msg('Waiting for a stranger to talk to…')}</p>
          <button @click=${() => void chat.cancelPairing()}>${msg('Cancel')}</button>
        </section>`;
      case 'room':
        return html`<div class="room">
          <div
            class="chat"
            ?data-dragging=${this.dragging}
            @dragover=${this.#dragOver}
            @dragleave=${() => (this.dragging = false)}
            @drop=${this.#drop}
          >
            ${this.#conversations()}
            <mc-message-log .lines=${chat.lines} .me=${chat.nick} .dropped=${chat.dropped} .view=${chat.view}></mc-message-log>
            <p class="typing">${typingWords(chat.typers())}</p>
            <mc-message-composer
              .placeholder=${chat.view === undefined ? msg('To everyone in the room') : msg(str`To ${chat.view} only`)}
              @send-message=${(event: SendMessageEvent) => chat.submit(event.text)}
              @draft=${(event: DraftEvent) => chat.typed(event.text)}
              @send-files=${(event: SendFilesEvent) => void chat.sendFiles(event.files)}
            ></mc-message-composer>
          </div>
          ${this.narrow && !this.drawerOpen ? nothing : this.#people()}
        </div>`;
    }
  }

  /** The room and each private conversation, with what is unread in each. */
  #conversations() {
    const { chat } = this;
    const tab = (nick: string | undefined, label: string, unread: number) => html`<button
      aria-current=${chat.view === nick ? 'true' : 'false'}
      data-view=${nick ?? ''}
      @click=${() => chat.openView(nick)}
    >
      ${label}${unread > 0
        ? html`<span class="badge" aria-hidden="true">${unread}</span><span class="sr-only">${msg(str`(${unread} unread)`)}</span>`
        : nothing}
    </button>`;
    return html`<nav aria-label=${msg('Conversations')}>
      ${tab(undefined, msg('Everyone'), chat.roomUnread)}
      ${chat.conversations.map((nick) => tab(nick, msg(str`Private: ${nick}`), chat.unread.get(nick) ?? 0))}
    </nav>`;
  }

  #people() {
    const { chat } = this;
    const permission = this.notifications;
    return html`<aside
      id="people-panel"
      aria-label=${msg('People and room')}
      @keydown=${(event: KeyboardEvent) => {
        if (event.key === 'Escape' && this.narrow) this.#toggleDrawer(false);
      }}
    >
      <h2>${msg('People')}</h2>
      <mc-people-list .me=${chat.nick} .people=${new Map(chat.people)} @private-to=${(event: PrivateToEvent) => this.#openPrivate(event.nick)}></mc-people-list>
      ${permission === 'default'
        ? html`<button @click=${() => void Attention.ask().then((answer) => (this.notifications = answer))}>
            ${msg('Notify me of new messages')}
          </button>`
        : nothing}
      ${permission === 'denied' ? html`<p>${msg('Notifications are blocked for this page in your browser settings.')}</p>` : nothing}
      <button @click=${() => void this.#copyLink()}>${msg('Copy room link')}</button>
      <button @click=${() => chat.leave()}>${msg('Leave')}</button>
      ${this.narrow ? html`<button @click=${() => this.#toggleDrawer(false)}>${msg('Close')}</button>` : nothing}
    </aside>`;
  }

  readonly #onHashChange = () => this.requestUpdate();
  readonly #onNarrow = () => {
    this.narrow = this.#narrowQuery.matches;
    if (!this.narrow) this.drawerOpen = false;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    // A pasted link with another private room's secret changes only the fragment.
    window.addEventListener('hashchange', this.#onHashChange);
    this.#narrowQuery.addEventListener('change', this.#onNarrow);
    // File cards live inside the log; their accept, decline and cancel bubble up to here.
    this.addEventListener('file-action', this.#onFileAction);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this.#onHashChange);
    this.#narrowQuery.removeEventListener('change', this.#onNarrow);
    this.removeEventListener('file-action', this.#onFileAction);
    super.disconnectedCallback();
  }

  readonly #onFileAction = (event: FileActionEvent) => this.#fileAction(event);

  #fileAction(event: FileActionEvent): void {
    event.stopPropagation();
    const { files } = this.chat;
    files[event.action](event.transfer);
  }

  #dragOver(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  }

  #drop(event: DragEvent): void {
    event.preventDefault();
    this.dragging = false;
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length > 0) void this.chat.sendFiles(files);
  }

  #toggleDrawer(open = !this.drawerOpen): void {
    this.drawerOpen = open;
    // Focus goes into the drawer when it opens, and back to its button when it closes.
    void this.updateComplete.then(async () => {
      if (!open) {
        this.renderRoot.querySelector<HTMLElement>('.drawer-toggle')?.focus();
        return;
      }
      const people = this.renderRoot.querySelector<PeopleList>('aside mc-people-list');
      await people?.updateComplete;
      people?.focus();
      if (!this.renderRoot.querySelector('aside')?.contains((this.renderRoot as ShadowRoot).activeElement)) {
        this.renderRoot.querySelector<HTMLElement>('aside button')?.focus();
      }
    });
  }

  #openPrivate(nick: string): void {
    if (this.narrow) this.drawerOpen = false;
    this.chat.openView(nick);
  }

  #join(event: JoinRequestEvent): void {
    const secret = secretFromHash(location.hash);
    void (secret ? this.chat.joinPrivate(event.nick, secret) : this.chat.join(event.nick, event.room));
  }

  #createPrivate(nick: string): void {
    const secret = newRoomSecret();
    history.replaceState(null, '', `/#${secret}`);
    void this.chat.joinPrivate(nick, secret);
  }

  /** The link that brings someone here: a private room's carries its secret in the fragment only. */
  #inviteLink(): string {
    const { secret, room } = this.chat;
    return secret ? new URL(`/#${secret}`, location.origin).href : roomLink(room);
  }

  get #composer(): MessageComposer | null {
    return this.renderRoot.querySelector('mc-message-composer');
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const { screen, view } = this.chat;
    const shown = `${screen}\n${view ?? ''}`;
    if (shown === this.#shown) return;
    const screenChanged = !this.#shown.startsWith(`${screen}\n`);
    this.#shown = shown;
    if (screen === 'room' && screenChanged && !this.chat.room.startsWith('pair-')) history.replaceState(null, '', this.#inviteLink());
    // Focus follows the screen: the composer in a room or conversation, the nickname box on the
    // join screen, Cancel while waiting. Child elements render after this one, so wait for them.
    const target =
      screen === 'room'
        ? this.#composer
        : screen === 'join'
          ? this.renderRoot.querySelector('mc-join-screen')
          : this.renderRoot.querySelector<HTMLButtonElement>('.waiting button');
    if (target instanceof LitElement) void target.updateComplete.then(() => target.focus());
    else target?.focus();
  }

  async #copyLink(): Promise<void> {
    const link = this.#inviteLink();
    try {
      await navigator.clipboard.writeText(link);
      this.chat.notice(msg(str`Room link copied: ${link}`));
    } catch {
      this.chat.notice(msg(str`Copy this link to invite people: ${link}`));
    }
  }
}

customElements.define('mc-chat-app', ChatApp);
declare global {
  interface HTMLElementTagNameMap {
    'mc-chat-app': ChatApp;
  }
}
