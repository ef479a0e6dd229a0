import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { Attention, type Permission } from './attention';
import type { NotifyOf } from '../app';
import type { ChatController } from './chat-controller';
import { historyLimits } from './config';
import { CloseDrawerEvent, type ComparedEvent } from './events';
import { InviteCopy, inviteLink } from './room-links';
import { keepWords } from './first-words';
import './leave-room';
import './people-list';
import type { PeopleList } from './people-list';

/** What the room keeps and where, and whether our own messages are part of it. */
function historyInfo(chat: ChatController): TemplateResult {
  if (!chat.historyShared) {
    return html`<p class="history-info">${msg('This room keeps no history: people who join later see only what is said after they come.')}</p>`;
  }
  const { count, ms } = historyLimits();
  const hours = Math.round(ms / 3600_000);
  return html`<div class="history-info">
    <p>${msg(str`History: the last ${count} messages of the last ${hours} hours are kept in the tabs of the people here (in memory, never on a server) and given, signed by their authors, to people who join later.`)}</p>
    <label
      ><input type="checkbox" .checked=${chat.choices.shareMine} @change=${(event: Event) => (chat.choices.shareMine = (event.target as HTMLInputElement).checked)} />
      ${msg('Share my messages with people who join later')}</label
    >
  </div>`;
}

/**
 * People and the room, beside the conversation (a drawer on a phone): who is here, notifications,
 * the invite link, the room's history, and Leave. Picking someone fires `private-to`, leaving
 * `leave-room`, and on a phone Close or Escape `close-drawer`.
 */
export class PeoplePane extends LitElement {
  static override properties = {
    chat: { attribute: false },
    narrow: { type: Boolean },
    notifications: { state: true },
  };

  declare chat: ChatController;
  /** A phone's width: the pane is a drawer, with Close. */
  declare narrow: boolean;
  /** Whether desktop notifications may be shown, as of the last time we asked. */
  declare notifications: Permission;
  readonly #invite = new InviteCopy(
    () => {
      this.requestUpdate();
      return this.updateComplete;
    },
    (text) => this.chat.announce(text),
    () => this.renderRoot,
  );

  constructor() {
    super();
    this.narrow = false;
    this.notifications = Attention.permission;
    updateWhenLocaleChanges(this);
  }

  static override styles = css`
    :host {
      /* The aside is the room's second column, as if this element were not there. */
      display: contents;
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
    h2 {
      font-size: 1rem;
      margin: 0;
    }
    button {
      font: inherit;
      padding: 0.4rem 0.8rem;
    }
    .copy-by-hand {
      display: grid;
      gap: 0.25rem;
      flex-basis: 100%;
    }
    .history-info,
    .history-info p {
      margin: 0;
      font-size: 0.85em;
      color: var(--muted);
    }
    .history-info label,
    .tell-seen {
      display: flex;
      gap: 0.4rem;
      align-items: baseline;
      margin-top: 0.4rem;
      color: var(--fg);
    }
    .tell-seen {
      font-size: 0.85em;
    }
    .keep {
      display: grid;
      gap: 0.3rem;
      font-size: 0.85em;
    }
    .keep label {
      display: flex;
      gap: 0.4rem;
      align-items: baseline;
    }
    .keep p {
      margin: 0;
      color: var(--muted);
    }
    @media (max-width: 40rem) {
      /* People slides over the conversation from the right. */
      aside {
        position: fixed;
        inset: 0 0 0 auto;
        width: min(18rem, 85vw);
        z-index: 2;
        box-shadow: -4px 0 16px #0005;
      }
    }
  `;

  /** Put the focus inside: on the list of people, or else the pane's first button. */
  async focusInside(): Promise<void> {
    await this.updateComplete;
    const people = this.renderRoot.querySelector<PeopleList>('mc-people-list');
    await people?.updateComplete;
    people?.focus();
    if (!this.renderRoot.querySelector('aside')?.contains((this.renderRoot as ShadowRoot).activeElement)) {
      this.renderRoot.querySelector<HTMLElement>('aside button')?.focus();
    }
  }

  override render() {
    const { chat } = this;
    const permission = this.notifications;
    return html`<aside
      aria-label=${msg('People and room')}
      @keydown=${(event: KeyboardEvent) => {
        if (event.key === 'Escape' && this.narrow) this.#close();
      }}
    >
      <h2>${msg('People')}</h2>
      <mc-people-list
        .me=${chat.nick}
        .people=${new Map(chat.people)}
        .call=${chat.callPeers}
        .compared=${chat.compared}
        @compared=${(event: ComparedEvent) => chat.markCompared(event.nick, event.code)}
      ></mc-people-list>
      ${permission === 'default'
        ? html`<button @click=${() => void Attention.ask().then((answer) => (this.notifications = answer))}>${msg('Notify me of new messages')}</button>`
        : nothing}
      ${permission === 'denied' ? html`<p>${msg('Notifications are blocked for this page in your browser settings.')}</p>` : nothing}
      ${permission === 'granted' ? notifyChoice(chat) : nothing}
      ${chat.withStranger ? nothing : keepChoice(chat)}
      <label class="tell-seen"
        ><input type="checkbox" .checked=${chat.choices.tellSeen} @change=${(event: Event) => (chat.choices.tellSeen = (event.target as HTMLInputElement).checked)} />
        ${msg('Tell people when I have seen their messages')}</label
      >
      ${chat.withStranger ? nothing : this.#invite.render(() => inviteLink(chat))} ${chat.withStranger ? nothing : historyInfo(chat)}
      <mc-leave-room .others=${chat.people.size} ?historyShared=${chat.historyShared}></mc-leave-room>
      ${this.narrow ? html`<button @click=${() => this.#close()}>${msg('Close')}</button>` : nothing}
    </aside>`;
  }

  #close(): void {
    this.dispatchEvent(new CloseDrawerEvent());
  }
}

customElements.define('mc-people-pane', PeoplePane);
declare global {
  interface HTMLElementTagNameMap {
    'mc-people-pane': PeoplePane;
  }
}

/** "Keep this room on this device": what it keeps and where, and Forget while it is on. */
function keepChoice(chat: ChatController) {
  const on = chat.keeping.onDevice;
  return html`<div class="keep">
    <label
      ><input type="checkbox" role="switch" .checked=${on} @change=${(event: Event) => void chat.keeping.setOnDevice((event.target as HTMLInputElement).checked)} />
      ${msg('Keep this room on this device')}</label
    >
    <p>${keepWords()}</p>
    ${on ? html`<button type="button" @click=${() => void chat.keeping.setOnDevice(false)}>${msg('Forget this room on this device')}</button>` : nothing}
  </div>`;
}

/** What this room notifies of: every message, mentions and private messages, or nothing. */
function notifyChoice(chat: ChatController) {
  const choices: [NotifyOf, string][] = [
    ['all', msg('Every message')],
    ['mentions', msg('Mentions and private messages')],
    ['none', msg('Nothing')],
  ];
  return html`<label class="notify"
    >${msg('Notify me of')}
    <select @change=${(event: Event) => (chat.choices.notifyOf = (event.target as HTMLSelectElement).value as NotifyOf)}>
      ${choices.map(([value, words]) => html`<option value=${value} ?selected=${chat.choices.notifyOf === value}>${words}</option>`)}
    </select></label
  >`;
}
