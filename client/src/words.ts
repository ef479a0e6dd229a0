import { NICK_MAX_LENGTH, ROOM_NAME_MAX_LENGTH, type ErrorCode } from '@meshchat/protocol';

/** Every server error code, in words a person understands. */
const ERROR_WORDS: Record<ErrorCode, string> = {
  BAD_REQUEST: 'The server did not understand that request. Reload the page and try again.',
  UNKNOWN_EVENT: 'The server does not know that request. Reload the page to get the current version.',
  NICK_INVALID: `Pick a nickname of 1 to ${NICK_MAX_LENGTH} letters, digits, spaces, - or _.`,
  NICK_TAKEN: 'Someone in that room already uses this nickname. Pick another one.',
  ROOM_INVALID: `Room names are 1 to ${ROOM_NAME_MAX_LENGTH} letters, digits, - or _ (no spaces).`,
  ROOM_FULL: 'That room is full. Try another room, or come back later.',
  ALREADY_IN_ROOM: 'You are already in a room. Leave it first.',
  NOT_IN_ROOM: 'You are not in a room.',
  PEER_NOT_FOUND: 'That person is not in this room.',
  SESSION_INVALID: 'Your earlier session has expired.',
  ALREADY_QUEUED: 'You are already waiting for a stranger.',
  NOT_QUEUED: 'You were not waiting for a stranger.',
  FORBIDDEN: 'You are not allowed to do that.',
  RATE_LIMITED: 'Too many attempts. Wait a minute and try again.',
  TOO_MANY_ROOMS: 'The server has as many rooms as it can hold. Join an existing room, or try later.',
  SHUTTING_DOWN: 'The server is shutting down. Try again in a moment.',
  UNAVAILABLE: 'The server cannot reach its shared storage right now. Chats you are in keep working; try joining again in a moment.',
};

export function errorText(code: ErrorCode): string {
  return ERROR_WORDS[code];
}

export const UNREACHABLE = 'Cannot reach the signaling server. Check your connection and try again.';
