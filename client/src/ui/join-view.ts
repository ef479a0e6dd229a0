import { html } from 'lit';
import { secretFromHash } from '../room';
import type { ChatController } from './chat-controller';
import { historyShared, roomFromLocation } from './config';
import type { CreatePrivateEvent, JoinRequestEvent, KeepChoiceEvent, PairRequestEvent } from './events';
import { createPrivate, joinFromForm } from './room-links';
import { previousRoom } from './room-panes';
import { lobbyErrorText, unreachableText } from './first-words';
import './join-screen';

/** What the first screen is drawn from before the room's code has loaded, and how it gets it. */
export interface FirstScreen {
  /** The chat session, once the room's code has loaded. */
  chat: ChatController | undefined;
  /** The name used in the room the link names, where it is kept on this device. */
  keptNick: string;
  /** Whether that room is kept on this device (the switch starts on). */
  kept: boolean;
  /** The switch turned before the room's code had loaded, until it has. */
  keep: boolean | undefined;
  /** The room's code is on its way after a request: the form waits. */
  loading: boolean;
  /** The room's code could not be loaded for the last request (no network, and not kept yet). */
  failed: boolean;
  /** The chat session, loaded if it is not yet. */
  session(): Promise<ChatController>;
}

/**
 * The first screen, as the link and the lobby have it: the room it invites to (and whether that
 * room is kept on this device, with the name used in it), a refusal and its suggestion. It is
 * drawn before the room's code is loaded; a request loads it first.
 */
export function joinView(first: FirstScreen) {
  const { chat } = first;
  const room = roomFromLocation();
  const secret = secretFromHash(location.hash);
  chat?.keeping.lookFor(room, secret);
  const act = (request: (chat: ChatController) => unknown) => void first.session().then(request, () => undefined);
  return html`${chat ? previousRoom(chat) : ''}<mc-join-screen
      .room=${room}
      .nick=${chat?.nick || chat?.keeping.keptNick || first.keptNick}
      .privateRoom=${secret !== undefined}
      .historyShared=${historyShared()}
      .keep=${chat ? chat.keeping.wanted : (first.keep ?? first.kept)}
      .error=${chat?.lobby.error ? lobbyErrorText(chat.lobby.error) : first.failed ? unreachableText() : ''}
      .errorField=${chat?.lobby.errorField}
      .suggestion=${chat?.lobby.suggestion}
      .busy=${first.loading || (chat?.lobby.busy ?? false)}
      @join-request=${(event: JoinRequestEvent) => act((chat) => joinFromForm(chat.lobby, event))}
      @create-private=${(event: CreatePrivateEvent) => act((chat) => createPrivate(chat.lobby, event))}
      @pair-request=${(event: PairRequestEvent) => act((chat) => chat.lobby.pair(event.nick))}
      @keep-choice=${(event: KeepChoiceEvent) => {
        if (chat) chat.keeping.wanted = event.keep;
        else first.keep = event.keep;
      }}
    ></mc-join-screen>`;
}
