import { LitElement, css, html, type PropertyValues } from 'lit';
import { ChatController, type SignalingState } from './chat-controller';
import { iceTransportPolicy, roomFromLocation, roomLink, signalingOverride, signalingUrl } from './config';
import type { CreatePrivateEvent, JoinRequestEvent, PairRequestEvent, PrivateToEvent, SendMessageEvent } from './events';
import { newRoomSecret, secretFromHash } from './private-room';
import './join-screen';
import './message-composer';
import './message-log';
import './people-list';
import type { MessageComposer } from './message-composer';

const SIGNALING_WORDS: Record<SignalingState, string> = {
  connecting: 'Connecting to the signaling server…',
  online: 'Signaling server connected',
  offline: 'Signaling server unreachable: chats keep flowing over direct links; retrying…',
};

/** The whole app: join screen, waiting for a stranger, or the room. */
export class ChatApp extends LitElement {
  readonly chat = new ChatController(this, { signalingUrl: signalingUrl(), iceTransportPolicy: iceTransportPolicy() });
  /** Shown when `?signal=` points the page at another signaling server. */
  readonly #override = signalingOverride();
  /** The screen last rendered, to move focus when it changes. */
  #shown = this.chat.screen;

  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      height: 100vh;
      height: 100dvh;
      font-family: system-ui, sans-serif;
      color-scheme: light dark;
    }
    header {
      display: flex;
      align-items: baseline;
      gap: 1rem;
      flex-wrap: wrap;
      padding: 0.5rem 1rem;
      border-bottom: 1px solid color-mix(in srgb, currentColor 20%, transparent);
    }
    h1 {
      font-size: 1.2rem;
      margin: 0;
    }
    [role='status'] {
      margin: 0 0 0 auto;
      font-size: 0.85em;
      color: GrayText;
    }
    .via {
      font-size: 0.85em;
    }
    [role='status'][data-state='offline'] {
      color: #b00020;
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
      grid-template-rows: 1fr auto;
      min-height: 0;
      padding: 0 0.5rem 0.5rem;
    }
    aside {
      display: flex;
      flex-direction: column;
      gap: 0.75rem;
      padding: 0.5rem 1rem;
      border-left: 1px solid color-mix(in srgb, currentColor 20%, transparent);
    }
    aside h2 {
      font-size: 1rem;
      margin: 0;
    }
    aside button,
    .waiting button {
      font: inherit;
      padding: 0.4rem 0.8rem;
    }
    .waiting {
      text-align: center;
      margin-top: 3rem;
    }
    @media (max-width: 40rem) {
      .room {
        grid-template-columns: 1fr;
        grid-template-rows: 1fr auto;
      }
      aside {
        border-left: none;
        border-top: 1px solid color-mix(in srgb, currentColor 20%, transparent);
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
            ? html`<span>🔒 <strong>Private room</strong></span>`
            : html`<span>Room <strong>${chat.room}</strong></span>`
          : null}
        ${this.#override ? html`<span class="via">Signaling via ${new URL(this.#override).host}</span>` : null}
        <p role="status" data-state=${chat.signaling}>${SIGNALING_WORDS[chat.signaling]}</p>
      </header>
      <main>${this.#screen()}</main>
    `;
  }

  #screen() {
    const { chat } = this;
    switch (chat.screen) {
      case 'join':
        return html`<mc-join-screen
          .room=${roomFromLocation()}
          .privateRoom=${secretFromHash(location.hash) !== undefined}
          .error=${chat.error}
          .busy=${chat.busy}
          @join-request=${(event: JoinRequestEvent) => this.#join(event)}
          @create-private=${(event: CreatePrivateEvent) => this.#createPrivate(event.nick)}
          @pair-request=${(event: PairRequestEvent) => void chat.pair(event.nick)}
        ></mc-join-screen>`;
      case 'waiting':
        return html`<section class="waiting">
          <p role="status">Waiting for a stranger to talk to…</p>
          <button @click=${() => void chat.cancelPairing()}>Cancel</button>
        </section>`;
      case 'room':
        return html`<div class="room">
          <div class="chat">
            <mc-message-log .lines=${chat.lines} .me=${chat.nick} .dropped=${chat.dropped}></mc-message-log>
            <mc-message-composer @send-message=${(event: SendMessageEvent) => chat.submit(event.text)}></mc-message-composer>
          </div>
          <aside>
            <h2>People</h2>
            <mc-people-list
              .me=${chat.nick}
              .people=${new Map(chat.people)}
              @private-to=${(event: PrivateToEvent) => this.#composer?.start(`/msg ${event.nick} `)}
            ></mc-people-list>
            <button @click=${() => void this.#copyLink()}>Copy room link</button>
            <button @click=${() => chat.leave()}>Leave</button>
          </aside>
        </div>`;
    }
  }

  readonly #onHashChange = () => this.requestUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    // A pasted link with another private room's secret changes only the fragment.
    window.addEventListener('hashchange', this.#onHashChange);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this.#onHashChange);
    super.disconnectedCallback();
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
    const screen = this.chat.screen;
    if (screen !== this.#shown) {
      this.#shown = screen;
      // Focus follows the screen: the composer in a room, the nickname box on the join screen.
      if (screen === 'room') {
        this.#composer?.focus();
        if (!this.chat.room.startsWith('pair-')) history.replaceState(null, '', this.#inviteLink());
      }
      if (screen === 'join') this.renderRoot.querySelector('mc-join-screen')?.focus();
    }
  }

  async #copyLink(): Promise<void> {
    const link = this.#inviteLink();
    try {
      await navigator.clipboard.writeText(link);
      this.chat.notice(`Room link copied: ${link}`);
    } catch {
      this.chat.notice(`Copy this link to invite people: ${link}`);
    }
  }
}

customElements.define('mc-chat-app', ChatApp);
declare global {
  interface HTMLElementTagNameMap {
    'mc-chat-app': ChatApp;
  }
}
