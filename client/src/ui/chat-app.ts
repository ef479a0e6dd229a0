import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { chatAppStyles } from './chat-app.styles';
import { callEntry, callNeeded, callShortcut } from './call-keys';
import { alone, conversationTabs, languagePicker, moveQuestion, waitingScreen, whereWeAre } from './room-panes';
import { InviteCopy, inviteLink, ownLink } from './room-links';
import type { ChatController } from './chat-controller';
import { SessionLoader } from './session-loader';
import { signalingOverride } from './config';
import type {
  DraftEvent,
  MessageActionEvent,
  FileActionEvent,
  PrivateToEvent,
  SendFilesEvent,
  SendMessageEvent,
} from './events';
import { composerPlaceholder, signalingWords, typingWords } from './first-words';
import { secretFromHash } from '../room';
import { joinView } from './join-view';
import type { MessageComposer } from './message-composer';

/** Narrower than this, People becomes a drawer opened from the header. */
const NARROW = '(max-width: 40rem)';
/** One frame at 60 Hz. */
const FRAME_MS = 16;

/** The whole app: join screen, waiting for a stranger, or the room. */
export class ChatApp extends LitElement {
  static override properties = {
    drawerOpen: { state: true },
    narrow: { state: true },
    dragging: { state: true },
    movingTo: { state: true },
  };

  /** The chat session, with the room's code, loaded when it is first needed. */
  readonly #session = new SessionLoader(this);
  /** Shown when `?signal=` points the page at another signaling server. */
  readonly #override = signalingOverride();
  /**
   * The screen and conversation last rendered, to move focus when they change. None at first, so
   * the first screen takes focus too: Firefox ignores `autofocus` inside a shadow root.
   */
  #shown = '';
  /** When we last rendered: within a frame of it, the next render waits for the next frame. */
  #renderedAt = -Infinity;
  readonly #narrowQuery = window.matchMedia(NARROW);
  declare drawerOpen: boolean;
  declare narrow: boolean;
  /** Files are being dragged over the conversation. */
  declare dragging: boolean;
  /** Copying the invite link, and saying so beside the button. */
  readonly #invite = new InviteCopy(
    () => {
      this.requestUpdate();
      return this.updateComplete;
    },
    (text) => this.chat?.announce(text),
    () => this.renderRoot,
  );
  /** A link to another private room was opened in this tab while in a room: its secret, until the user chooses. */
  declare movingTo: string | undefined;

  /**
   * Render at once after a quiet spell, and otherwise at most once per animation frame, however
   * many frames arrive in between: a lone message is on screen within the task that brought it, and
   * a burst costs one render a frame, not one a message. A hidden tab gets no animation frames, so a
   * timer stands in for them there.
   */
  protected override async scheduleUpdate(): Promise<void> {
    if (performance.now() - this.#renderedAt < FRAME_MS) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        requestAnimationFrame(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.#renderedAt = performance.now();
    super.scheduleUpdate();
  }

  constructor() {
    super();
    this.drawerOpen = false;
    this.narrow = this.#narrowQuery.matches;
    this.dragging = false;
    updateWhenLocaleChanges(this);
  }

  static override styles = chatAppStyles;

  /** The chat session, once the room's code has loaded. */
  get chat(): ChatController | undefined {
    return this.#session.chat;
  }

  override render() {
    const { chat } = this;
    return html`
      <header>
        <h1>meshchat</h1>
        ${chat ? whereWeAre(chat) : nothing}
        ${chat?.screen === 'room' && this.narrow
          ? html`<button
              class="drawer-toggle"
              aria-expanded=${this.drawerOpen ? 'true' : 'false'}
              aria-controls="people-panel"
              @click=${() => this.#toggleDrawer()}
            >
              ${msg(str`People (${chat.people.size + 1})`)}
            </button>`
          : nothing}
        ${this.#override ? html`<span class="via">${msg(str`Server: ${new URL(this.#override).host}`)}</span>` : nothing}
        ${languagePicker()}
        <p class="status" role="status" data-state=${chat?.lobby.signaling ?? 'idle'}><span class="words">${chat ? signalingWords(chat.lobby.signaling) : ''}</span></p>
      </header>
      <main>${this.#screen()}</main>
      <div class="sr-only" aria-live="polite" data-announcer>${chat?.announcement ?? ''}</div>
    `;
  }

  #screen() {
    const { chat } = this;
    if (!chat) return joinView(this.#session.first);
    switch (chat.screen) {
      case 'join':
        return joinView(this.#session.first);
      case 'waiting':
        return waitingScreen(chat);
      case 'room':
        return this.#room(chat);
    }
  }

  #room(chat: ChatController) {
    return html`<div class="room">
      <div class="chat" ?data-dragging=${this.dragging} @dragover=${this.#dragOver} @dragleave=${() => (this.dragging = false)} @drop=${this.#drop}>
        ${moveQuestion(chat, this.movingTo, (go) => this.#move(go))} ${conversationTabs(chat, (nick) => this.#closeConversation(nick))} ${this.#call(chat)}
        <mc-message-log
          .lines=${chat.lines}
          .earlier=${chat.earlier}
          .keptUntil=${chat.keptUntil}
          .me=${chat.nick}
          .dropped=${chat.dropped}
          .view=${chat.view}
          @message-action=${this.#messageAction}
        ></mc-message-log>
        <p class="typing">${typingWords(chat.composing.typers())}</p>
        ${alone(chat, () => this.#invite.render(() => inviteLink(chat), 'primary'))}
        <mc-message-composer
          .placeholder=${composerPlaceholder(chat.view, chat.withStranger ? (chat.people.keys().next().value ?? null) : undefined)}
          @send-message=${(event: SendMessageEvent) => chat.composing.submit(event.text)}
          .draft=${chat.composing.draft}
          .people=${[...chat.people.keys()]}
          @draft=${(event: DraftEvent) => chat.composing.typed(event.text)}
          @cancel-draft=${() => chat.composing.cancel()}
          @edit-last=${() => this.#edit(chat.composing.editLast())}
          @send-files=${(event: SendFilesEvent) => void chat.sendFiles(event.files)}
        ></mc-message-composer>
      </div>
      ${this.narrow && !this.drawerOpen
        ? nothing
        : html`<mc-people-pane
            id="people-panel"
            .chat=${chat}
            ?narrow=${this.narrow}
            @private-to=${(event: PrivateToEvent) => this.#openPrivate(event.nick)}
            @leave-room=${() => chat.leave()}
            @close-drawer=${() => this.#toggleDrawer(false)}
          ></mc-people-pane>`}
    </div>`;
  }

  /** The call's shortcuts, wherever the focus is in the room. */
  readonly #onKey = (event: KeyboardEvent) => {
    if (this.chat) callShortcut(event, this.chat);
  };
  /** The call's own screen, loaded the first time a call is needed (see call-keys.ts). */
  #callPanel: Promise<unknown> | undefined;

  #closeConversation(nick: string): void {
    this.chat?.closeView(nick);
    // Focus goes to what now shows: the room's tab.
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('nav button[data-view=""]')?.focus());
  }

  /** A pasted link with another private room's secret changes only the fragment: asked, never followed unasked. */
  readonly #onHashChange = () => {
    const secret = secretFromHash(location.hash);
    if (this.chat?.screen === 'room' && secret !== undefined && secret !== this.chat.secret) this.movingTo = secret;
    this.requestUpdate();
  };

  #move(go: boolean): void {
    const { chat } = this;
    const secret = this.movingTo;
    this.movingTo = undefined;
    if (!chat) return;
    if (!go || secret === undefined) {
      history.replaceState(null, '', ownLink(chat));
      return;
    }
    const nick = chat.nick;
    chat.leave();
    void chat.lobby.joinPrivate(nick, secret);
  }

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
    window.addEventListener('keydown', this.#onKey);
    this.#session.begin();
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this.#onHashChange);
    this.#narrowQuery.removeEventListener('change', this.#onNarrow);
    this.removeEventListener('file-action', this.#onFileAction);
    window.removeEventListener('keydown', this.#onKey);
    super.disconnectedCallback();
  }

  readonly #onFileAction = (event: FileActionEvent) => this.#fileAction(event);

  #fileAction(event: FileActionEvent): void {
    event.stopPropagation();
    this.chat?.files?.[event.action](event.transfer);
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
    if (files.length > 0) void this.chat?.sendFiles(files);
  }

  #toggleDrawer(open = !this.drawerOpen): void {
    this.drawerOpen = open;
    // Focus goes into the drawer when it opens, and back to its button when it closes.
    void this.updateComplete.then(async () => {
      if (!open) {
        this.renderRoot.querySelector<HTMLElement>('.drawer-toggle')?.focus();
        return;
      }
      await this.renderRoot.querySelector('mc-people-pane')?.focusInside();
    });
  }

  #openPrivate(nick: string): void {
    if (this.narrow) this.drawerOpen = false;
    this.chat?.openView(nick);
  }

  /** The call: its own screen once one is needed (loaded then, once), its Join call button until then. */
  #call(chat: ChatController) {
    if (!this.#callPanel && callNeeded(chat)) this.#callPanel = import('./call-panel').then(() => this.requestUpdate());
    return this.#callPanel ? html`<mc-call .chat=${chat}></mc-call>` : callEntry(chat);
  }

  /** Reply, react, edit or delete, from a message's actions or its reactions. */
  #messageAction = (event: MessageActionEvent) => {
    if (!this.chat) return;
    const { composing } = this.chat;
    if (event.action === 'reply') {
      composing.reply(event.line);
      this.#composer?.focus();
    } else if (event.action === 'react' && event.emoji !== undefined) composing.react(event.line, event.emoji);
    else if (event.action === 'edit') {
      composing.edit(event.line);
      this.#edit(true);
    } else if (event.action === 'delete' && event.confirmed) composing.remove(event.line);
  };

  /** An edit began: the composer holds the message's words, to be changed. */
  #edit(began: boolean): void {
    const draft = this.chat?.composing.draft;
    if (began && draft?.kind === 'edit') this.#composer?.start(draft.line.text);
  }

  get #composer(): MessageComposer | null {
    return this.renderRoot.querySelector('mc-message-composer');
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    // The call's screen is drawn again with the app: it reads the same chat (once its module has
    // defined it: until then the element is a plain one, drawn when it is upgraded).
    const call: { requestUpdate?: () => void } | null = this.renderRoot.querySelector('mc-call');
    call?.requestUpdate?.();
    this.renderRoot.querySelector('mc-people-pane')?.requestUpdate();
    const { screen, view } = this.chat ?? { screen: 'join', view: undefined };
    const shown = `${screen}\n${view ?? ''}`;
    if (shown === this.#shown) return;
    const screenChanged = !this.#shown.startsWith(`${screen}\n`);
    this.#shown = shown;
    if (this.chat && screen === 'room' && screenChanged && !this.chat.withStranger) history.replaceState(null, '', ownLink(this.chat));
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

}

customElements.define('mc-chat-app', ChatApp);
declare global {
  interface HTMLElementTagNameMap {
    'mc-chat-app': ChatApp;
  }
}
