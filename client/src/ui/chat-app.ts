import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { Attention, type Permission } from './attention';
import { chatAppStyles } from './chat-app.styles';
import { ChatController, type SignalingState } from './chat-controller';
import { callSettings, historyLimits, historyShared, iceTransportPolicy, roomFromLocation, roomLink, signalingOverride, signalingUrl } from './config';
import type {
  ComparedEvent,
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
import { isPairRoom } from '@meshchat/protocol';
import { newRoomSecret, secretFromHash } from '../room';
import './join-screen';
import './message-composer';
import './message-log';
import './people-list';
import type { MessageComposer } from './message-composer';
import type { PeopleList } from './people-list';

function signalingWords(state: SignalingState): string {
  switch (state) {
    case 'connecting':
      return msg('Connecting…');
    case 'online':
      return msg('Online');
    case 'offline':
      return msg('Offline: chats keep flowing between browsers; reconnecting…');
  }
}

/** A chat with a stranger is named after them, once they are there. */
function strangerWords(nick: string | undefined): string {
  return nick === undefined ? msg('You and the stranger') : msg(str`You and ${nick}`);
}

function strangerMessage(nick: string | undefined): string {
  const stranger = nick ?? msg('the stranger');
  return msg(str`Message ${stranger}`);
}

function typingWords(nicks: readonly string[]): string {
  const [first, second] = nicks;
  if (first === undefined) return '';
  if (second === undefined) return msg(str`${first} is typing…`);
  if (nicks.length === 2) return msg(str`${first} and ${second} are typing…`);
  return msg('Several people are typing…');
}

/**
 * The call's keyboard shortcuts (Alt with a letter, by key position so every layout has them), as
 * each control's `aria-keyshortcuts` says. J joins, M mutes, V is the camera, S shares the
 * screen, L leaves.
 */
const CALL_KEYS = { join: 'KeyJ', mute: 'KeyM', camera: 'KeyV', screen: 'KeyS', leave: 'KeyL' } as const;
const shortcut = (code: string) => `Alt+${code.slice(3)}`;

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
    notifications: { state: true },
    confirmingLeave: { state: true },
    linkCopied: { state: true },
    movingTo: { state: true },
  };

  readonly chat = new ChatController(this, { signalingUrl: signalingUrl(), iceTransportPolicy: iceTransportPolicy(), callSettings: callSettings() });
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
  /** Leave was pressed with others here: asking first, as what was said is kept nowhere. */
  declare confirmingLeave: boolean;
  declare narrow: boolean;
  /** Files are being dragged over the conversation. */
  declare dragging: boolean;
  /** Whether desktop notifications may be shown, as of the last time we asked. */
  declare notifications: Permission;
  /** The invite link was just copied, or could not be: then it is shown to copy by hand. Never written into the log. */
  declare linkCopied: 'copied' | 'failed' | undefined;
  #linkCopiedTimer: ReturnType<typeof setTimeout> | undefined;
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
    this.confirmingLeave = false;
    this.narrow = this.#narrowQuery.matches;
    this.dragging = false;
    this.notifications = Attention.permission;
    updateWhenLocaleChanges(this);
  }

  static override styles = chatAppStyles;

  override render() {
    const { chat } = this;
    return html`
      <header>
        <h1>meshchat</h1>
        ${chat.screen === 'room'
          ? chat.secret
            ? html`<span class="where">🔒 <strong>${msg('Private room')}</strong></span>`
            : chat.withStranger
              ? html`<span class="where"><strong>${msg('Stranger')}</strong></span>`
              : html`<span class="where"><span class="word">${msg('Room')}</span> <strong>${chat.room}</strong></span>`
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
        ${this.#override ? html`<span class="via">${msg(str`Server: ${new URL(this.#override).host}`)}</span>` : nothing}
        <label class="language"
          ><span class="label-text">${msg('Language')}</span>
          <select @change=${(event: Event) => void useLanguage((event.target as HTMLSelectElement).value as Language, true)}>
            ${LANGUAGES.map(
              ({ code, name }) => html`<option value=${code} lang=${code} ?selected=${code === currentLanguage()}>${name}</option>`,
            )}
          </select>
        </label>
        <p class="status" role="status" data-state=${chat.lobby.signaling}><span class="words">${signalingWords(chat.lobby.signaling)}</span></p>
      </header>
      <main>${this.#screen()}</main>
      <div class="sr-only" aria-live="polite" data-announcer>${chat.announcement}</div>
    `;
  }

  #screen() {
    const { chat } = this;
    switch (chat.screen) {
      case 'join':
        return html`${this.#previousRoom()}<mc-join-screen
          .room=${roomFromLocation()}
          .nick=${chat.nick}
          .privateRoom=${secretFromHash(location.hash) !== undefined}
          .historyShared=${historyShared()}
          .error=${chat.lobby.error?.() ?? ''}
          .errorField=${chat.lobby.errorField}
          .suggestion=${chat.lobby.suggestion}
          .busy=${chat.lobby.busy}
          @join-request=${(event: JoinRequestEvent) => this.#join(event)}
          @create-private=${(event: CreatePrivateEvent) => this.#createPrivate(event)}
          @pair-request=${(event: PairRequestEvent) => void chat.lobby.pair(event.nick)}
        ></mc-join-screen>`;
      case 'waiting':
        return html`<section class="waiting">
          <p>${msg('Waiting for a stranger to talk to…')}</p>
          <p class="hint">
            ${msg('You will be paired with the next person who presses Talk to a stranger. You two get a room of your own, with no name and no link; what you say goes straight between your browsers.')}
          </p>
          <button @click=${() => void chat.lobby.cancelPairing()}>${msg('Cancel')}</button>
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
            ${this.#moveQuestion()} ${this.#conversations()} ${this.#call()}
            <mc-message-log .lines=${chat.lines} .earlier=${chat.earlier} .me=${chat.nick} .dropped=${chat.dropped} .view=${chat.view}></mc-message-log>
            <p class="typing">${typingWords(chat.typers())}</p>
            ${chat.people.size > 0
              ? nothing
              : chat.withStranger
                ? html`<p class="alone">
                    ${msg('The stranger has left.')}
                    <button class="primary" @click=${() => void chat.findAnotherStranger()}>${msg('Find another stranger')}</button>
                  </p>`
                : html`<p class="alone">
                    ${msg('Nobody else is here yet. Send the invite link to the people you want here.')} ${this.#inviteButton('primary')}
                  </p>`}
            <mc-message-composer
              .placeholder=${chat.view !== undefined
                ? msg(str`To ${chat.view} only`)
                : chat.withStranger
                  ? strangerMessage(chat.people.keys().next().value)
                  : msg('To everyone in the room')}
              @send-message=${(event: SendMessageEvent) => chat.submit(event.text)}
              @draft=${(event: DraftEvent) => chat.typed(event.text)}
              @send-files=${(event: SendFilesEvent) => void chat.sendFiles(event.files)}
            ></mc-message-composer>
          </div>
          ${this.narrow && !this.drawerOpen ? nothing : this.#people()}
        </div>`;
    }
  }

  /** The call: its controls, and a tile for everyone else in it while we are. */
  #call() {
    const { chat } = this;
    const call = chat.call;
    const pressed = (on: boolean) => (on ? 'true' : 'false');
    const peers = call.inCall ? [...chat.callPeers].sort(([a], [b]) => a.localeCompare(b)) : [];
    const control = (key: keyof typeof CALL_KEYS, label: string, action: () => unknown, on?: boolean) =>
      html`<button
        aria-pressed=${on === undefined ? nothing : pressed(on)}
        aria-keyshortcuts=${shortcut(CALL_KEYS[key])}
        title=${`${label} (${shortcut(CALL_KEYS[key])})`}
        @click=${action}
      >
        ${label}
      </button>`;
    return html`<section class="call" aria-label=${msg('Call')}>
      <div class="call-controls">
        ${call.inCall
          ? html`${control('mute', msg('Mute'), () => chat.calls.toggleMute(), call.muted)}
            ${control('camera', msg('Camera'), () => void chat.calls.toggleCamera(), call.camera)}
            ${control('screen', msg('Share screen'), () => void chat.calls.toggleScreen(), call.screen !== undefined)}
            ${control('leave', msg('Leave call'), () => chat.calls.leaveCall())} ${this.#devicePicker('audioinput', msg('Microphone'))}
            ${this.#devicePicker('videoinput', msg('Camera to use'))}`
          : control('join', msg('Join call'), () => void chat.calls.joinCall())}
      </div>
      ${peers.length > 0
        ? html`<div class="tiles">
            ${peers.map(([nick, peer]) =>
              peer.screenStream
                ? html`<figure class="screen" data-call-screen=${nick}>
                    <video autoplay playsinline muted .srcObject=${peer.screenStream}></video>
                    <figcaption>${msg(str`${nick}'s screen`)}</figcaption>
                  </figure>`
                : nothing,
            )}
            ${peers.map(
              ([nick, peer]) => html`<figure
                data-call-peer=${nick}
                data-muted=${pressed(peer.muted)}
                data-camera=${pressed(peer.camera)}
                data-speaking=${pressed(peer.speaking)}
              >
                ${peer.camera
                  ? html`<video autoplay playsinline .srcObject=${peer.stream ?? null}></video>`
                  : html`<audio autoplay .srcObject=${peer.stream ?? null}></audio>`}
                <figcaption>${peer.muted ? msg(str`${nick} (muted)`) : nick}</figcaption>
              </figure>`,
            )}
          </div>`
        : nothing}
    </section>`;
  }

  /** Which microphone or camera to use: there is a choice once the browser named more than one. */
  #devicePicker(kind: 'audioinput' | 'videoinput', label: string) {
    const devices = this.chat.calls.devices[kind];
    if (devices.length < 2) return nothing;
    const chosen = this.chat.calls.chosen(kind);
    return html`<label class="device"
      >${label}
      <select @change=${(event: Event) => void this.chat.calls.chooseDevice(kind, (event.target as HTMLSelectElement).value)}>
        ${devices.map(
          (device, i) => html`<option value=${device.deviceId} ?selected=${device.deviceId === chosen}>${device.label || msg(str`Device ${i + 1}`)}</option>`,
        )}
      </select></label
    >`;
  }

  /** The call's shortcuts, wherever the focus is in the room. */
  readonly #onKey = (event: KeyboardEvent) => {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || this.chat.screen !== 'room') return;
    const { chat } = this;
    const inCall = chat.call.inCall;
    const actions: Record<string, (() => unknown) | undefined> = {
      [CALL_KEYS.join]: inCall ? undefined : () => chat.calls.joinCall(),
      [CALL_KEYS.mute]: inCall ? () => chat.calls.toggleMute() : undefined,
      [CALL_KEYS.camera]: inCall ? () => chat.calls.toggleCamera() : undefined,
      [CALL_KEYS.screen]: inCall ? () => chat.calls.toggleScreen() : undefined,
      [CALL_KEYS.leave]: inCall ? () => chat.calls.leaveCall() : undefined,
    };
    const action = actions[event.code];
    if (!action) return;
    event.preventDefault();
    void action();
  };

  /**
   * A tile's video that is scrolled out of sight, or a page in the background, is not shown: its
   * sender is told, and pauses it (see the governor), until it is in sight again.
   */
  readonly #inSight = new Map<Element, boolean>();
  readonly #sight = new IntersectionObserver((entries) => {
    for (const entry of entries) this.#inSight.set(entry.target, entry.isIntersecting);
    this.#tellShowing();
  });
  readonly #onVisibility = () => this.#tellShowing();

  #tellShowing(): void {
    const showing = new Map<string, { video: boolean; screen: boolean }>();
    for (const [video, inSight] of this.#inSight) {
      if (!video.isConnected) {
        this.#inSight.delete(video);
        this.#sight.unobserve(video);
        continue;
      }
      const figure = video.closest('figure');
      const nick = figure?.getAttribute('data-call-peer') ?? figure?.getAttribute('data-call-screen');
      if (!figure || nick === null || nick === undefined) continue;
      const seen = inSight && document.visibilityState === 'visible';
      const each = showing.get(nick) ?? { video: true, screen: true };
      showing.set(nick, figure.hasAttribute('data-call-screen') ? { ...each, screen: seen } : { ...each, video: seen });
    }
    for (const [nick, watching] of showing) this.chat.calls.showing(nick, watching);
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
      ${tab(undefined, chat.withStranger ? strangerWords(chat.people.keys().next().value) : msg('Everyone'), chat.conversations.roomUnread)}
      ${chat.conversations.private.map(
        (nick) =>
          html`<span class="private-tab"
            >${tab(nick, msg(str`Private: ${nick}`), chat.conversations.unread(nick))}<button
              class="close"
              aria-label=${msg(str`Close the conversation with ${nick}`)}
              title=${msg(str`Close the conversation with ${nick}`)}
              @click=${() => this.#closeConversation(nick)}
            >
              ×
            </button></span
          >`,
      )}
    </nav>`;
  }

  /** What the room keeps and where, and whether our own messages are part of it. */
  #historyInfo() {
    const { chat } = this;
    if (!chat.historyShared) {
      return html`<p class="history-info">${msg('This room keeps no history: people who join later see only what is said after they come.')}</p>`;
    }
    const { count, ms } = historyLimits();
    const hours = Math.round(ms / 3600_000);
    return html`<div class="history-info">
      <p>${msg(str`History: the last ${count} messages of the last ${hours} hours are kept in the tabs of the people here (in memory, never on a server) and given, signed by their authors, to people who join later.`)}</p>
      <label
        ><input type="checkbox" .checked=${chat.shareMine} @change=${(event: Event) => (chat.shareMine = (event.target as HTMLInputElement).checked)} />
        ${msg('Share my messages with people who join later')}</label
      >
    </div>`;
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
      <mc-people-list
        .me=${chat.nick}
        .people=${new Map(chat.people)}
        .call=${chat.callPeers}
        .compared=${chat.compared}
        @private-to=${(event: PrivateToEvent) => this.#openPrivate(event.nick)}
        @compared=${(event: ComparedEvent) => chat.markCompared(event.nick, event.code)}
      ></mc-people-list>
      ${permission === 'default'
        ? html`<button @click=${() => void Attention.ask().then((answer) => (this.notifications = answer))}>
            ${msg('Notify me of new messages')}
          </button>`
        : nothing}
      ${permission === 'denied' ? html`<p>${msg('Notifications are blocked for this page in your browser settings.')}</p>` : nothing}
      ${chat.withStranger ? nothing : this.#inviteButton()}
      ${chat.withStranger ? nothing : this.#historyInfo()}
      ${this.confirmingLeave
        ? html`<div class="confirm" role="alertdialog" aria-labelledby="leave-question" @keydown=${(event: KeyboardEvent) => {
            if (event.key === 'Escape') this.#stayInRoom(event);
          }}>
            <p id="leave-question">
              ${chat.historyShared
                ? msg('Leave the room? What was said here is kept only in the browsers of the people still here.')
                : msg('Leave the room? What was said here is kept nowhere, so you will not see it again.')}
            </p>
            <button class="danger" @click=${() => this.#leave()}>${msg('Leave')}</button>
            <button class="stay" @click=${(event: Event) => this.#stayInRoom(event)}>${msg('Stay')}</button>
          </div>`
        : html`<button class="leave" @click=${() => this.#askToLeave()}>${msg('Leave')}</button>`}
      ${this.narrow ? html`<button @click=${() => this.#toggleDrawer(false)}>${msg('Close')}</button>` : nothing}
    </aside>`;
  }

  #closeConversation(nick: string): void {
    this.chat.closeView(nick);
    // Focus goes to what now shows: the room's tab.
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('nav button[data-view=""]')?.focus());
  }

  #askToLeave(): void {
    if (this.chat.people.size === 0) {
      this.#leave();
      return;
    }
    this.confirmingLeave = true;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('.confirm .stay')?.focus());
  }

  #stayInRoom(event: Event): void {
    // Escape here must not also close the phone drawer around it.
    event.stopPropagation();
    this.confirmingLeave = false;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('button.leave')?.focus());
  }

  #leave(): void {
    this.confirmingLeave = false;
    this.chat.leave();
  }

  /** A pasted link with another private room's secret changes only the fragment: asked, never followed unasked. */
  readonly #onHashChange = () => {
    const secret = secretFromHash(location.hash);
    if (this.chat.screen === 'room' && secret !== undefined && secret !== this.chat.secret) this.movingTo = secret;
    this.requestUpdate();
  };

  #move(go: boolean): void {
    const secret = this.movingTo;
    this.movingTo = undefined;
    if (!go || secret === undefined) {
      history.replaceState(null, '', this.#ownLink());
      return;
    }
    const nick = this.chat.nick;
    this.chat.leave();
    void this.chat.lobby.joinPrivate(nick, secret);
  }

  #moveQuestion() {
    if (this.movingTo === undefined) return nothing;
    const here = this.chat.secret ? msg('this private room') : this.chat.withStranger ? msg('the chat with a stranger') : this.chat.room;
    return html`<div class="confirm move" role="alertdialog" aria-labelledby="move-question">
      <p id="move-question">${msg(str`This link is for another private room. Leave ${here} and join it?`)}</p>
      <button class="primary" @click=${() => this.#move(true)}>${msg('Leave and join')}</button>
      <button @click=${() => this.#move(false)}>${msg(str`Stay in ${here}`)}</button>
    </div>`;
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
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this.#onHashChange);
    this.#narrowQuery.removeEventListener('change', this.#onNarrow);
    this.removeEventListener('file-action', this.#onFileAction);
    window.removeEventListener('keydown', this.#onKey);
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#sight.disconnect();
    super.disconnectedCallback();
  }

  readonly #onFileAction = (event: FileActionEvent) => this.#fileAction(event);

  #fileAction(event: FileActionEvent): void {
    event.stopPropagation();
    this.chat.files?.[event.action](event.transfer);
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
    keepHistoryChoice(event.history);
    void (secret ? this.chat.lobby.joinPrivate(event.nick, secret) : this.chat.lobby.join(event.nick, event.room));
  }

  #createPrivate(event: CreatePrivateEvent): void {
    const secret = newRoomSecret();
    history.replaceState(null, '', `/#${secret}`);
    keepHistoryChoice(event.history);
    void this.chat.lobby.joinPrivate(event.nick, secret);
  }

  /** The link that brings someone here: a private room's carries its secret in the fragment only. */
  /** The room's link for this tab's address bar: the invite, keeping a `?lang=` the page was opened with, so a reload keeps it. */
  #ownLink(): string {
    const link = new URL(this.#inviteLink());
    const lang = new URLSearchParams(location.search).get('lang');
    if (lang) link.searchParams.set('lang', lang);
    return link.href;
  }

  #inviteLink(): string {
    const { secret, room } = this.chat;
    return secret ? new URL(`/${historyShared() ? '' : '?history=off'}#${secret}`, location.origin).href : roomLink(room);
  }

  get #composer(): MessageComposer | null {
    return this.renderRoot.querySelector('mc-message-composer');
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    // Each tile's video is watched for being in sight from when it appears (observing it again does nothing).
    for (const video of this.renderRoot.querySelectorAll('.tiles video')) {
      if (!this.#inSight.has(video)) this.#sight.observe(video);
    }
    const { screen, view } = this.chat;
    const shown = `${screen}\n${view ?? ''}`;
    if (shown === this.#shown) return;
    const screenChanged = !this.#shown.startsWith(`${screen}\n`);
    this.#shown = shown;
    if (screen === 'room' && screenChanged && !this.chat.withStranger) history.replaceState(null, '', this.#ownLink());
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

  /** A link to another room opened in this tab: the room it was in is offered to go back to, never taken back unasked. */
  #previousRoom() {
    const previous = this.chat.lobby.previous;
    if (!previous) return nothing;
    const name = previous.secret !== undefined ? msg('the private room') : isPairRoom(previous.room) ? msg('the chat with a stranger') : previous.room;
    return html`<p class="previous">
      ${msg(str`This tab was in ${name}. You opened a link to another room: joining it leaves ${name}.`)}
      <button @click=${() => void this.chat.lobby.back()}>${msg(str`Back to ${name}`)}</button>
    </p>`;
  }

  /** Copy the invite link: said beside the button, for a moment; where the clipboard is refused, the link is shown there to copy by hand. */
  #inviteButton(kind = '') {
    const copied = this.linkCopied;
    return html`<button class=${kind} @click=${() => void this.#copyLink()}>${msg('Copy the invite link')}</button>
      ${copied === 'copied' ? html`<span class="copied">${msg('Link copied.')}</span>` : nothing}
      ${copied === 'failed'
        ? html`<label class="copy-by-hand"
            ><span>${msg('Copy this link to invite people:')}</span>
            <input readonly .value=${this.#inviteLink()} @focus=${(event: FocusEvent) => (event.target as HTMLInputElement).select()}
          /></label>`
        : nothing}`;
  }

  async #copyLink(): Promise<void> {
    clearTimeout(this.#linkCopiedTimer);
    try {
      await navigator.clipboard.writeText(this.#inviteLink());
      this.linkCopied = 'copied';
      this.chat.announce(msg('Link copied.'));
      this.#linkCopiedTimer = setTimeout(() => (this.linkCopied = undefined), 4_000);
    } catch {
      this.linkCopied = 'failed';
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('.copy-by-hand input')?.focus();
    }
  }
}

/** The page's address says whether the room shares its history, so its invite link and a reload carry that. */
function keepHistoryChoice(shared: boolean): void {
  const url = new URL(location.href);
  if (shared) url.searchParams.delete('history');
  else url.searchParams.set('history', 'off');
  history.replaceState(null, '', url.href);
}

customElements.define('mc-chat-app', ChatApp);
declare global {
  interface HTMLElementTagNameMap {
    'mc-chat-app': ChatApp;
  }
}
