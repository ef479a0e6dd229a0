import { html, nothing, type TemplateResult } from 'lit';
import { isPairRoom } from '@meshchat/protocol';
import { msg, str } from '@lit/localize';
import { Attention, type Permission } from './attention';
import type { ChatController } from './chat-controller';
import { historyLimits } from './config';
import type { ComparedEvent, PrivateToEvent } from './events';
import { LANGUAGES, currentLanguage, useLanguage, type Language } from './i18n';

/** A chat with a stranger is named after them, once they are there. */
function strangerWords(nick: string | undefined): string {
  return nick === undefined ? msg('You and the stranger') : msg(str`You and ${nick}`);
}

/** The room and each private conversation, with what is unread in each; `close` closes a private one. */
export function conversationTabs(chat: ChatController, close: (nick: string) => void): TemplateResult {
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
            @click=${() => close(nick)}
          >
            ×
          </button></span
        >`,
    )}
  </nav>`;
}

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
      ><input type="checkbox" .checked=${chat.shareMine} @change=${(event: Event) => (chat.shareMine = (event.target as HTMLInputElement).checked)} />
      ${msg('Share my messages with people who join later')}</label
    >
  </div>`;
}

/** What the people pane shows of the page around it, and what it asks the page to do. */
export interface PeoplePaneParts {
  /** A phone's width: the pane is a drawer, with Close. */
  narrow: boolean;
  notifications: Permission;
  /** Leave was pressed with others here: the pane asks first. */
  confirmingLeave: boolean;
  notified(answer: Permission): void;
  closeDrawer(): void;
  openPrivate(nick: string): void;
  askToLeave(): void;
  stay(event: Event): void;
  leave(): void;
  inviteButton(): unknown;
}

/** People and the room: who is here, notifications, the invite link, the room's history, and Leave (asking first). */
export function peoplePane(chat: ChatController, parts: PeoplePaneParts): TemplateResult {
  const permission = parts.notifications;
  return html`<aside
    id="people-panel"
    aria-label=${msg('People and room')}
    @keydown=${(event: KeyboardEvent) => {
      if (event.key === 'Escape' && parts.narrow) parts.closeDrawer();
    }}
  >
    <h2>${msg('People')}</h2>
    <mc-people-list
      .me=${chat.nick}
      .people=${new Map(chat.people)}
      .call=${chat.callPeers}
      .compared=${chat.compared}
      @private-to=${(event: PrivateToEvent) => parts.openPrivate(event.nick)}
      @compared=${(event: ComparedEvent) => chat.markCompared(event.nick, event.code)}
    ></mc-people-list>
    ${permission === 'default'
      ? html`<button @click=${() => void Attention.ask().then((answer) => parts.notified(answer))}>${msg('Notify me of new messages')}</button>`
      : nothing}
    ${permission === 'denied' ? html`<p>${msg('Notifications are blocked for this page in your browser settings.')}</p>` : nothing}
    ${chat.withStranger ? nothing : parts.inviteButton()} ${chat.withStranger ? nothing : historyInfo(chat)}
    ${parts.confirmingLeave
      ? html`<div
          class="confirm"
          role="alertdialog"
          aria-labelledby="leave-question"
          @keydown=${(event: KeyboardEvent) => {
            if (event.key === 'Escape') parts.stay(event);
          }}
        >
          <p id="leave-question">
            ${chat.historyShared
              ? msg('Leave the room? What was said here is kept only in the browsers of the people still here.')
              : msg('Leave the room? What was said here is kept nowhere, so you will not see it again.')}
          </p>
          <button class="danger" @click=${() => parts.leave()}>${msg('Leave')}</button>
          <button class="stay" @click=${(event: Event) => parts.stay(event)}>${msg('Stay')}</button>
        </div>`
      : html`<button class="leave" @click=${() => parts.askToLeave()}>${msg('Leave')}</button>`}
    ${parts.narrow ? html`<button @click=${() => parts.closeDrawer()}>${msg('Close')}</button>` : nothing}
  </aside>`;
}

/** A link to another room opened in this tab: the room it was in is offered to go back to, never taken back unasked. */
export function previousRoom(chat: ChatController): TemplateResult | typeof nothing {
  const previous = chat.lobby.previous;
  if (!previous) return nothing;
  const name = previous.secret !== undefined ? msg('the private room') : isPairRoom(previous.room) ? msg('the chat with a stranger') : previous.room;
  return html`<p class="previous">
    ${msg(str`This tab was in ${name}. You opened a link to another room: joining it leaves ${name}.`)}
    <button @click=${() => void chat.lobby.back()}>${msg(str`Back to ${name}`)}</button>
  </p>`;
}

/** A link to another private room pasted into this tab (`movingTo`, its secret): leave and join it, or stay. */
export function moveQuestion(chat: ChatController, movingTo: string | undefined, move: (go: boolean) => void): TemplateResult | typeof nothing {
  if (movingTo === undefined) return nothing;
  const here = chat.secret ? msg('this private room') : chat.withStranger ? msg('the chat with a stranger') : chat.room;
  return html`<div class="confirm move" role="alertdialog" aria-labelledby="move-question">
    <p id="move-question">${msg(str`This link is for another private room. Leave ${here} and join it?`)}</p>
    <button class="primary" @click=${() => move(true)}>${msg('Leave and join')}</button>
    <button @click=${() => move(false)}>${msg(str`Stay in ${here}`)}</button>
  </div>`;
}

/** Waiting to be paired with a stranger, with Cancel. */
export function waitingScreen(chat: ChatController): TemplateResult {
  return html`<section class="waiting">
    <p>${msg('Waiting for a stranger to talk to…')}</p>
    <p class="hint">
      ${msg('You will be paired with the next person who presses Talk to a stranger. You two get a room of your own, with no name and no link; what you say goes straight between your browsers.')}
    </p>
    <button @click=${() => void chat.lobby.cancelPairing()}>${msg('Cancel')}</button>
  </section>`;
}

/** Alone in the room: the way to invite people (`invite`), or, after a stranger left, the way to find another. */
export function alone(chat: ChatController, invite: () => unknown): TemplateResult | typeof nothing {
  if (chat.people.size > 0) return nothing;
  if (chat.withStranger) {
    return html`<p class="alone">
      ${msg('The stranger has left.')}
      <button class="primary" @click=${() => void chat.findAnotherStranger()}>${msg('Find another stranger')}</button>
    </p>`;
  }
  return html`<p class="alone">${msg('Nobody else is here yet. Send the invite link to the people you want here.')} ${invite()}</p>`;
}

/** Where we are, for the header: a private room, a chat with a stranger, or the room's name. */
export function whereWeAre(chat: ChatController): TemplateResult | typeof nothing {
  if (chat.screen !== 'room') return nothing;
  if (chat.secret) return html`<span class="where">🔒 <strong>${msg('Private room')}</strong></span>`;
  if (chat.withStranger) return html`<span class="where"><strong>${msg('Stranger')}</strong></span>`;
  return html`<span class="where"><span class="word">${msg('Room')}</span> <strong>${chat.room}</strong></span>`;
}

/** The page's language, chosen from the header. */
export function languagePicker(): TemplateResult {
  return html`<label class="language"
    ><span class="label-text">${msg('Language')}</span>
    <select @change=${(event: Event) => void useLanguage((event.target as HTMLSelectElement).value as Language, true)}>
      ${LANGUAGES.map(({ code, name }) => html`<option value=${code} lang=${code} ?selected=${code === currentLanguage()}>${name}</option>`)}
    </select>
  </label>`;
}
