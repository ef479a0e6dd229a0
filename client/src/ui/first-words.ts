// The words of the first screen and of what is always on the page (the header, the composer's
// placeholder, who is typing): kept apart from the room's many others (words.ts), so the first
// screen loads only these.
import { msg, str } from '@lit/localize';
import { NICK_MAX_LENGTH, ROOM_NAME_MAX_LENGTH, type ErrorCode } from '@meshchat/protocol';
import type { LobbyError } from '../app';

/** Every server error code, in words a person understands, in the interface's language. */
export function errorText(code: ErrorCode): string {
  switch (code) {
    case 'BAD_REQUEST':
      return msg('The server did not understand that request. Reload the page and try again.');
    case 'UNKNOWN_EVENT':
      return msg('The server does not know that request. Reload the page to get the current version.');
    case 'NICK_INVALID':
      return msg(str`Pick a nickname of 1 to ${NICK_MAX_LENGTH} letters of one alphabet, digits, spaces, - or _, with nothing invisible.`);
    case 'NICK_TAKEN':
      return msg('Someone in that room already uses this nickname. Capitals and look-alike letters do not make a new one (“ALICE” is “alice”): pick another, such as yours with a number added.');
    case 'ROOM_INVALID':
      return msg(str`Room names are 1 to ${ROOM_NAME_MAX_LENGTH} letters, digits, - or _ (no spaces).`);
    case 'ROOM_FULL':
      return msg('That room is full. Try another room, or come back later.');
    case 'ALREADY_IN_ROOM':
      return msg('You are already in a room. Leave it first.');
    case 'NOT_IN_ROOM':
      return msg('You are not in a room.');
    case 'PEER_NOT_FOUND':
      return msg('That person is not in this room.');
    case 'PEER_AWAY':
      return msg('That person is away: their connection dropped, and their seat is kept for them a while.');
    case 'SESSION_INVALID':
      return msg('Your earlier session has expired.');
    case 'ALREADY_QUEUED':
      return msg('You are already waiting for a stranger.');
    case 'NOT_QUEUED':
      return msg('You were not waiting for a stranger.');
    case 'FORBIDDEN':
      return msg('You are not allowed to do that.');
    case 'RATE_LIMITED':
      return msg('Too many attempts. Wait a minute and try again.');
    case 'TOO_MANY_ROOMS':
      return msg('The server has as many rooms as it can hold. Join an existing room, or try later.');
    case 'SHUTTING_DOWN':
      return msg('The server is shutting down. Try again in a moment.');
    case 'UNAVAILABLE':
      return msg('The server cannot reach its shared storage right now. Chats you are in keep working; try joining again in a moment.');
  }
}

export function unreachableText(): string {
  return msg('Cannot reach the meshchat server, which introduces browsers to each other. Check your connection and try again.');
}

/** Why the last join or pairing failed, in words. */
export function lobbyErrorText(error: LobbyError): string {
  if (error.kind === 'refused') return errorText(error.code);
  if (error.kind === 'kicked') return msg(str`An admin removed you from ${error.room}.`);
  return unreachableText();
}

/** How the signaling connection stands, for the header. */
export function signalingWords(state: 'connecting' | 'online' | 'offline'): string {
  switch (state) {
    case 'connecting':
      return msg('Connecting…');
    case 'online':
      return msg('Online');
    case 'offline':
      return msg('Offline: chats keep flowing between browsers; reconnecting…');
  }
}

/**
 * The message box's placeholder: to one person (`view`), to a stranger (`stranger`: their name,
 * or `null` before they are there), or to the room.
 */
export function composerPlaceholder(view: string | undefined, stranger: string | null | undefined): string {
  if (view !== undefined) return msg(str`To ${view} only`);
  if (stranger === undefined) return msg('To everyone in the room');
  const whom = stranger ?? msg('the stranger');
  return msg(str`Message ${whom}`);
}

/** Who is typing, under the conversation. */
export function typingWords(nicks: readonly string[]): string {
  const [first, second] = nicks;
  if (first === undefined) return '';
  if (second === undefined) return msg(str`${first} is typing…`);
  if (nicks.length === 2) return msg(str`${first} and ${second} are typing…`);
  return msg('Several people are typing…');
}

/** What keeping a room on this device keeps, and where: the first screen and People say it. */
export function keepWords(): string {
  return msg('Its messages, private conversations, reactions and received files (up to 200 MB) stay in this browser (IndexedDB) until you forget them; a private room\'s are encrypted under its link. Turning it off forgets them.');
}
