import { html } from 'lit';
import { secretFromHash } from '../room';
import type { ChatController } from './chat-controller';
import { historyShared, roomFromLocation } from './config';
import type { CreatePrivateEvent, JoinRequestEvent, KeepChoiceEvent, PairRequestEvent } from './events';
import { createPrivate, joinFromForm } from './room-links';
import { previousRoom } from './room-panes';
import { lobbyErrorText } from './words';
import './join-screen';

/**
 * The first screen, as the link and the lobby have it: the room it invites to (and whether that
 * room is kept on this device, with the name used in it), a refusal and its suggestion.
 */
export function joinView(chat: ChatController) {
  const room = roomFromLocation();
  const secret = secretFromHash(location.hash);
  chat.keeping.lookFor(room, secret);
  return html`${previousRoom(chat)}<mc-join-screen
      .room=${room}
      .nick=${chat.nick || chat.keeping.keptNick}
      .privateRoom=${secret !== undefined}
      .historyShared=${historyShared()}
      .keep=${chat.keeping.wanted}
      .error=${chat.lobby.error ? lobbyErrorText(chat.lobby.error) : ''}
      .errorField=${chat.lobby.errorField}
      .suggestion=${chat.lobby.suggestion}
      .busy=${chat.lobby.busy}
      @join-request=${(event: JoinRequestEvent) => void joinFromForm(chat.lobby, event)}
      @create-private=${(event: CreatePrivateEvent) => void createPrivate(chat.lobby, event)}
      @pair-request=${(event: PairRequestEvent) => void chat.lobby.pair(event.nick)}
      @keep-choice=${(event: KeepChoiceEvent) => (chat.keeping.wanted = event.keep)}
    ></mc-join-screen>`;
}
