import { html, nothing, type TemplateResult } from 'lit';
import { isPairRoom } from '@meshchat/protocol';
import { msg, str } from '@lit/localize';
import type { ChatController } from './chat-controller';
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
      : nothing}${chat.conversations.mentioned(nick)
      ? html`<span class="badge mention-badge" aria-hidden="true">@</span><span class="sr-only">${msg('(you are mentioned)')}</span>`
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
